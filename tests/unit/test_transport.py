"""Our HTTP/1.1 transport against loopback servers: exact request targets, kept-alive
connections, streamed bodies, capped error bodies, refused connections; then, against a server of
scripted raw bytes, every way an answer can be framed or broken."""

from __future__ import annotations

import http.server
import io
import os
import socket
import threading
import time
from collections.abc import Iterator

import pytest

from S3 import ExitCodes
from S3.transport.errors import ConnectionFailed, RequestTimedOut, UnsendableRequest
from S3.transport.http import ERROR_BODY_LIMIT, TransportSettings
from S3.transport.wire import WireTransport
from tests.raw_http import RawServer, Step, answer


class _Recorder(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    seen: list[tuple[str, str, tuple[str, int], bytes]] = []

    def _answer(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length)
        self.seen.append((self.command, self.path, self.client_address, body))
        status, payload = (500, b"E" * (ERROR_BODY_LIMIT * 8)) if self.path.endswith("/huge-error") else (200, body)
        self.send_response(status)
        self.send_header("Content-Length", str(len(payload)))
        self.send_header("ETag", '"abc"')
        self.end_headers()
        self.wfile.write(payload)

    do_GET = do_PUT = _answer

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def server() -> Iterator[str]:
    _Recorder.seen = []
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Recorder)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


def test_request_target_is_sent_exactly_as_given(server: str) -> None:
    transport = WireTransport(TransportSettings())
    for path in ("/b/p/./x", "/b/p/../y", "/b//z", "/b/%2E%2E/w?uploads"):
        assert transport.send("GET", server + path, headers={}).status == 200
    assert [seen[1] for seen in _Recorder.seen] == ["/b/p/./x", "/b/p/../y", "/b//z", "/b/%2E%2E/w?uploads"]


def test_connection_is_kept_alive_across_requests(server: str) -> None:
    transport = WireTransport(TransportSettings())
    answers = [transport.send("PUT", f"{server}/b/k{i}", headers={"Content-Length": "3"}, body=b"abc") for i in range(3)]
    assert [a.body for a in answers] == [b"abc"] * 3 and answers[0].headers["etag"] == '"abc"'
    assert len({seen[2] for seen in _Recorder.seen}) == 1  # one client port: one connection


def test_streamed_file_body_and_streamed_answer(server: str) -> None:
    data = bytes(range(256)) * 4099
    transport = WireTransport(TransportSettings())
    answer = transport.send("PUT", f"{server}/b/k", headers={"Content-Length": str(len(data))},
                            body=io.BytesIO(data), stream=True)
    assert b"".join(answer.iter_body(65536)) == data
    assert transport.send("GET", f"{server}/b/again", headers={}).status == 200
    assert len({seen[2] for seen in _Recorder.seen}) == 1  # a fully read stream gives its connection back


def test_error_body_is_capped_and_the_connection_not_reused(server: str) -> None:
    transport = WireTransport(TransportSettings())
    answer = transport.send("GET", f"{server}/b/huge-error", headers={})
    assert answer.status == 500 and len(answer.body) == ERROR_BODY_LIMIT
    assert transport.send("GET", f"{server}/b/next", headers={}).status == 200
    assert len({seen[2] for seen in _Recorder.seen}) == 2  # the unread rest is never drained


def test_refused_connection_is_a_refused_transport_error() -> None:
    with socket.socket() as unused:
        unused.bind(("127.0.0.1", 0))
        port = unused.getsockname()[1]
    with pytest.raises(ConnectionFailed) as caught:
        WireTransport(TransportSettings(connect_timeout=2)).send("GET", f"http://127.0.0.1:{port}/b/k", headers={})
    assert caught.value.refused and str(caught.value) == f"Connection refused by http://127.0.0.1:{port}/b/k"



def test_proxied_origins_go_to_urllib3_with_the_tls_options_of_the_run() -> None:
    transport = WireTransport(TransportSettings(proxy_host="127.0.0.1", proxy_port=9, check_ssl_certificate=False))
    assert transport._route("https://secure.example")[1] == "http://127.0.0.1:9"
    manager = transport._via_proxy()._manager("http://127.0.0.1:9")
    tunnelled = manager.connection_from_host("secure.example", 443, "https")
    assert tunnelled.cert_reqs == "CERT_NONE"  # type: ignore[attr-defined]
    other = manager.connection_from_host("other.example", 443, "https")
    assert other.conn_kw["ssl_context"] is tunnelled.conn_kw["ssl_context"] is transport._tls()  # one context


def test_no_proxy_origins_stay_on_our_connections(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HTTPS_PROXY", "http://127.0.0.1:9")
    monkeypatch.setenv("NO_PROXY", "direct.example")
    transport = WireTransport(TransportSettings())
    assert transport._route("https://direct.example")[1] == ""
    assert transport._route("https://elsewhere.example")[1] == "http://127.0.0.1:9"


# -- framing and failures, against scripted raw answers ----------------------------------------

@pytest.fixture
def raw() -> Iterator[RawServer]:
    server = RawServer()
    yield server
    server.stop()


def quick(**overrides: object) -> WireTransport:
    return WireTransport(TransportSettings(**{"read_timeout": 2.0, "connect_timeout": 2.0, **overrides}))  # type: ignore[arg-type]


def test_host_header_is_the_address_as_signed_and_the_defaults_are_sent(raw: RawServer) -> None:
    quick().send("GET", raw.url + "/b/k", headers={"x-amz-date": "X"})
    head = raw.requests[0].head.decode()
    assert head.startswith("GET /b/k HTTP/1.1\r\n")
    assert f"\r\nHost: 127.0.0.1:{raw.port}\r\n" in head and "\r\nAccept-Encoding: identity\r\n" in head
    assert "\r\nx-amz-date: X\r\n" in head


def test_chunked_answer_with_extensions_and_trailers(raw: RawServer) -> None:
    chunked = b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n4;name=x\r\nWiki\r\n6\r\npedia \r\nE\r\nin \r\n\r\nchunks.\r\n0\r\nX-Trailer: t\r\n\r\n"
    raw.script = [Step(chunked), Step(answer(body=b"next"))]
    transport = quick()
    assert transport.send("GET", raw.url + "/b/k", headers={}).body == b"Wikipedia in \r\n\r\nchunks."
    assert transport.send("GET", raw.url + "/b/k", headers={}).body == b"next"
    assert raw.connections == 1


def test_answer_without_a_length_runs_to_the_close_and_the_connection_is_not_reused(raw: RawServer) -> None:
    raw.script = [Step(answer("200 OK", b"all of it", length=False), close=True)]
    transport = quick()
    assert transport.send("GET", raw.url + "/b/k", headers={}).body == b"all of it"
    assert transport.send("GET", raw.url + "/b/k", headers={}).status == 200
    assert raw.connections == 2


@pytest.mark.parametrize("length", ["abc", "-5", "+5", "5, 5"])
def test_a_length_that_is_no_number_reads_to_the_close(raw: RawServer, length: str) -> None:
    raw.script = [Step(answer("200 OK", b"12345", f"Content-Length: {length}", length=False), close=True)]
    assert quick().send("GET", raw.url + "/b/k", headers={}).body == b"12345"


def test_interim_answers_are_skipped(raw: RawServer) -> None:
    raw.script = [Step(b"HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 103 Early Hints\r\nLink: x\r\n\r\n" + answer(body=b"ok"))]
    answered = quick().send("PUT", raw.url + "/b/k", headers={}, body=b"data")
    assert (answered.status, answered.body, answered.headers.get("link")) == (200, b"ok", None)


@pytest.mark.parametrize(("method", "status"), [("HEAD", "200 OK"), ("GET", "204 No Content"), ("GET", "304 Not Modified")])
def test_answers_without_a_body_leave_the_connection_usable(raw: RawServer, method: str, status: str) -> None:
    raw.script = [Step(f"HTTP/1.1 {status}\r\nContent-Length: 4096\r\nETag: \"e\"\r\n\r\n".encode()),
                  Step(answer(body=b"second"))]
    transport = quick()
    first = transport.send(method, raw.url + "/b/k", headers={})
    assert first.body == b"" and first.headers["ETag"] == '"e"'
    assert transport.send("GET", raw.url + "/b/k", headers={}).body == b"second"
    assert raw.connections == 1


def test_headers_are_case_insensitive_joined_and_unfolded(raw: RawServer) -> None:
    raw.script = [Step(answer("200 OK", b"", "X-Amz-Meta-A: one", "x-amz-meta-a: two", "X-Folded: first",
                              "\tsecond", "no colon here", "Bad Name : x", "X-Empty:"))]
    headers = quick().send("GET", raw.url + "/b/k", headers={}).headers
    assert headers["x-amz-meta-a"] == "one, two" and headers["X-FOLDED"] == "first second"
    assert headers["x-empty"] == "" and "bad name " not in {name.lower() for name in headers}


@pytest.mark.parametrize(
    ("sent", "complaint"),
    [
        (answer("200 OK", b"x" * 50, "Content-Length: 100", length=False), "ended after 50 of 100 bytes"),
        (b"SSH-2.0-OpenSSH_9.6\r\n\r\n", "not an HTTP/1.1 answer"),
        (b"HTTP/1.1 200 OK\r\nX-Long: " + b"a" * 70_000 + b"\r\n\r\n", "longer than 64 KiB"),
        (b"HTTP/1.1 200 OK\r\n" + b"X-H: v\r\n" * 201 + b"\r\n", "more than 200 headers"),
        (b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nab\r\n0\r\n\r\n", "malformed chunk"),
        (b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nabc\r\n0\r\n\r\n", "longer than it said"),
        (b"HTTP/1.1 200 OK\r\nContent-Le", "ended inside the answer's headers"),
        (b"", "closed the connection without answering"),
        (b"HTTP/1.1 100 Continue\r\n\r\n" * 21 + answer(), "more than 20 interim"),
        (b"HTTP/1.1 100 Continue\r\n\r\n", "ended after an interim answer"),
    ],
)
def test_a_broken_answer_is_a_failed_connection_that_says_why(raw: RawServer, sent: bytes, complaint: str) -> None:
    raw.script = [Step(sent, close=True)]
    with pytest.raises(ConnectionFailed, match=complaint) as caught:
        quick().send("GET", raw.url + "/b/k?X-Amz-Signature=secret", headers={})
    assert caught.value.retryable and "secret" not in str(caught.value)


def test_a_streamed_answer_cut_short_fails_while_reading(raw: RawServer) -> None:
    raw.script = [Step(answer("200 OK", b"y" * 1000, "Content-Length: 5000", length=False), close=True)]
    answered = quick().send("GET", raw.url + "/b/k", headers={}, stream=True)
    with pytest.raises(ConnectionFailed, match="ended after 1000 of 5000 bytes"):
        b"".join(answered.iter_body(4096))


def test_an_idle_connection_the_server_closed_is_not_used_again(raw: RawServer) -> None:
    raw.script = [Step(answer(body=b"one"), close=True), Step(answer(body=b"two"))]
    transport = quick()
    assert transport.send("GET", raw.url + "/b/k", headers={}).body == b"one"
    time.sleep(0.1)  # the close reaches us while the connection sits idle in the pool
    assert transport.send("GET", raw.url + "/b/k", headers={}).body == b"two"
    assert raw.connections == 2 and len(raw.requests) == 2


@pytest.mark.parametrize("body", [b"small", b"z" * 200_000, io.BytesIO(b"seekable file body")])
def test_a_request_lost_on_a_reused_connection_is_sent_again_on_a_new_one(raw: RawServer, body: object) -> None:
    expected = body.getvalue() if isinstance(body, io.BytesIO) else body
    raw.script = [Step(answer(body=b"one")), Step(drop=True), Step(answer(body=b"two"))]
    transport = quick()
    assert transport.send("GET", raw.url + "/b/k", headers={}).body == b"one"
    answered = transport.send("PUT", raw.url + "/b/k", headers={}, body=body)  # type: ignore[arg-type]
    assert answered.body == b"two" and raw.requests[2].body == expected and raw.connections == 2


def test_a_body_that_cannot_be_rewound_is_not_sent_twice(raw: RawServer) -> None:
    class OneShot(io.RawIOBase):
        def __init__(self) -> None:
            self.left = b"once only"

        def readable(self) -> bool:
            return True

        def read(self, size: int = -1) -> bytes:
            out, self.left = self.left[:size], self.left[size:]
            return out

    raw.script = [Step(answer()), Step(drop=True)]
    transport = quick()
    transport.send("GET", raw.url + "/b/k", headers={})
    with pytest.raises(ConnectionFailed, match="without answering"):
        transport.send("PUT", raw.url + "/b/k", headers={"Content-Length": "9"}, body=OneShot())  # type: ignore[arg-type]
    assert len(raw.requests) == 2


def test_a_new_connection_dropped_without_answer_is_not_retried_here(raw: RawServer) -> None:
    raw.script = [Step(drop=True), Step(answer())]
    with pytest.raises(ConnectionFailed, match="without answering"):
        quick().send("GET", raw.url + "/b/k", headers={})
    assert len(raw.requests) == 1  # the retry policy above decides, with its backoff


def test_a_server_that_never_answers_is_a_read_timeout(raw: RawServer) -> None:
    raw.script = [Step(hang=True)]
    with pytest.raises(RequestTimedOut, match=r"timed out \(ReadTimeout\)"):
        quick(read_timeout=0.3).send("GET", raw.url + "/b/k", headers={})


def test_an_early_answer_to_a_large_upload_is_the_answer(raw: RawServer) -> None:
    denied = answer("403 Forbidden", b"<Error><Code>AccessDenied</Code></Error>", "Connection: close")
    raw.script = [Step(denied, close=True, read_body=False), Step(answer())]
    transport = quick()
    body = io.BytesIO(b"u" * (32 * 1024 * 1024))
    answered = transport.send("PUT", raw.url + "/b/k", headers={}, body=body)
    assert answered.status == 403 and b"AccessDenied" in answered.body
    assert transport.send("GET", raw.url + "/b/k", headers={}).status == 200 and raw.connections == 2


def test_a_file_body_shorter_than_its_length_fails_instead_of_hanging(raw: RawServer) -> None:
    raw.script = [Step(answer(), read_body=False)]
    with pytest.raises(ConnectionFailed, match="5 bytes short"):
        quick().send("PUT", raw.url + "/b/k", headers={"Content-Length": "10"}, body=io.BytesIO(b"12345"))


def test_a_stream_of_unknown_length_goes_chunked(raw: RawServer) -> None:
    def pipe_like() -> io.BufferedReader:
        read_end, write_end = os.pipe()
        os.write(write_end, b"from a pipe " * 1000)
        os.close(write_end)
        return os.fdopen(read_end, "rb")

    with pipe_like() as body:
        assert quick().send("PUT", raw.url + "/b/k", headers={}, body=body).status == 200
    assert b"Transfer-Encoding: chunked" in raw.requests[0].head and raw.requests[0].body == b"from a pipe " * 1000


@pytest.mark.parametrize(("target", "headers"), [
    ("/b/k with space", {}), ("/b/k\r\nX-Injected: 1", {}), ("/b/k", {"X-Meta": "v\r\nX-Injected: 1"}),
    ("/b/k", {"X-Meta": "v\nX-Injected: 1"}), ("/b/k", {"X-Meta": "nul\x00"}), ("/b/k", {"Bad Name": "v"}),
    ("/b/kä", {}),
])
@pytest.mark.parametrize("proxy", [False, True])
def test_what_http_cannot_carry_is_refused_before_sending(raw: RawServer, target: str, headers: dict[str, str],
                                                          proxy: bool) -> None:
    transport = quick(proxy_host="127.0.0.1", proxy_port=raw.port) if proxy else quick()
    with pytest.raises(UnsendableRequest, match="Cannot send") as caught:
        transport.send("GET", raw.url + target, headers=headers)
    assert not caught.value.retryable and caught.value.exit_code == ExitCodes.EX_USAGE
    assert raw.requests == []


def test_non_ascii_header_values_go_as_the_utf_8_that_was_signed(raw: RawServer) -> None:
    quick().send("GET", raw.url + "/b/k", headers={"X-Meta": "café €"})
    assert "\r\nX-Meta: café €\r\n".encode() in raw.requests[0].head


def test_without_pooling_every_request_has_its_own_connection(raw: RawServer) -> None:
    transport = quick(pooling=False)
    for _ in range(3):
        transport.send("GET", raw.url + "/b/k", headers={})
    assert raw.connections == 3 and all(b"\r\nConnection: close\r\n" in seen.head for seen in raw.requests)


def test_an_address_that_is_no_address_is_not_retried() -> None:
    with pytest.raises(ConnectionFailed, match="check host_base") as caught:
        quick().send("GET", "http://127.0.0.1:99999/b/k", headers={})
    assert not caught.value.retryable


def test_through_a_proxy_the_target_is_the_exact_url_and_non_ascii_goes_as_utf_8(raw: RawServer) -> None:
    transport = quick(proxy_host="127.0.0.1", proxy_port=raw.port)
    answered = transport.send("GET", "http://s3.example.invalid/b/p/../k", headers={"X-Meta": "café €"})
    head = raw.requests[0].head
    assert answered.status == 200 and head.startswith(b"GET http://s3.example.invalid/b/p/../k HTTP/1.1\r\n")
    assert "\r\nX-Meta: café €\r\n".encode() in head
