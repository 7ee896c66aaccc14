"""The urllib3 transport against a loopback server: exact request targets, kept-alive
connections, streamed bodies, capped error bodies, and refused connections."""

from __future__ import annotations

import http.server
import io
import socket
import threading
from collections.abc import Iterator

import pytest

from S3.transport.errors import ConnectionFailed
from S3.transport.http import ERROR_BODY_LIMIT, TransportSettings, Urllib3Transport


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
    transport = Urllib3Transport(TransportSettings())
    for path in ("/b/p/./x", "/b/p/../y", "/b//z", "/b/%2E%2E/w?uploads"):
        assert transport.send("GET", server + path, headers={}).status == 200
    assert [seen[1] for seen in _Recorder.seen] == ["/b/p/./x", "/b/p/../y", "/b//z", "/b/%2E%2E/w?uploads"]


def test_connection_is_kept_alive_across_requests(server: str) -> None:
    transport = Urllib3Transport(TransportSettings())
    answers = [transport.send("PUT", f"{server}/b/k{i}", headers={"Content-Length": "3"}, body=b"abc") for i in range(3)]
    assert [a.body for a in answers] == [b"abc"] * 3 and answers[0].headers["etag"] == '"abc"'
    assert len({seen[2] for seen in _Recorder.seen}) == 1  # one client port: one connection


def test_streamed_file_body_and_streamed_answer(server: str) -> None:
    data = bytes(range(256)) * 4099
    transport = Urllib3Transport(TransportSettings())
    answer = transport.send("PUT", f"{server}/b/k", headers={"Content-Length": str(len(data))},
                            body=io.BytesIO(data), stream=True)
    assert b"".join(answer.iter_body(65536)) == data
    assert transport.send("GET", f"{server}/b/again", headers={}).status == 200
    assert len({seen[2] for seen in _Recorder.seen}) == 1  # a fully read stream gives its connection back


def test_error_body_is_capped_and_the_connection_not_reused(server: str) -> None:
    transport = Urllib3Transport(TransportSettings())
    answer = transport.send("GET", f"{server}/b/huge-error", headers={})
    assert answer.status == 500 and len(answer.body) == ERROR_BODY_LIMIT
    assert transport.send("GET", f"{server}/b/next", headers={}).status == 200
    assert len({seen[2] for seen in _Recorder.seen}) == 2  # the unread rest is never drained


def test_refused_connection_is_a_refused_transport_error() -> None:
    with socket.socket() as unused:
        unused.bind(("127.0.0.1", 0))
        port = unused.getsockname()[1]
    with pytest.raises(ConnectionFailed) as caught:
        Urllib3Transport(TransportSettings(connect_timeout=2)).send("GET", f"http://127.0.0.1:{port}/b/k", headers={})
    assert caught.value.refused and str(caught.value) == f"Connection refused by http://127.0.0.1:{port}/b/k"


def test_tls_options_reach_https_pools_behind_a_proxy_first_used_for_http() -> None:
    transport = Urllib3Transport(TransportSettings(proxy_host="127.0.0.1", proxy_port=9, check_ssl_certificate=False))
    plain = transport._route("http://plain.example")
    tunnelled = transport._route("https://secure.example")
    assert plain.absolute and not tunnelled.absolute
    assert tunnelled.pool.cert_reqs == "CERT_NONE"  # type: ignore[attr-defined]
    other = transport._route("https://other.example").pool
    assert other.conn_kw["ssl_context"] is tunnelled.pool.conn_kw["ssl_context"]  # one context for the run
