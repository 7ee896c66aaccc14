"""A fault-injecting HTTP proxy on 127.0.0.1 for end-to-end tests.

It sits between ``s3cmd`` (``host_base`` = the proxy, path style, plain HTTP) and
the moto server, forwards every request byte-exact (method, raw path, headers,
body) and relays the answer, except where a test scripts a fault:

* ``flip_request(kind, nth)``: flip one byte of the body of the nth request of a kind;
* ``flip_response(kind, nth)``: flip one byte of the body of the nth answer of a kind;
* ``reset_response(kind, nth, after)``: send ``after`` bytes of the body, then reset;
* ``brownout(seconds)``: answer ``503 SlowDown`` to every request for that long;
* ``error_200(kind, nth)``: answer ``200`` with an ``<Error>`` body instead of forwarding.

A request's kind is ``put`` (a whole object), ``part`` (UploadPart), ``complete``,
``copy``, ``get``, or ``other``; ``nth`` counts from 1, ``0`` means every one.
"""

from __future__ import annotations

import http.client
import socket
import threading
import time
from collections import Counter
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

SLOW_DOWN = b"<Error><Code>SlowDown</Code><Message>Please reduce your request rate.</Message></Error>"
INTERNAL = b"<Error><Code>InternalError</Code><Message>We encountered an internal error. Please try again.</Message></Error>"


def kind_of(method: str, path: str, headers: dict[str, str]) -> str:
    query = path.partition("?")[2]
    if method == "PUT" and "partNumber=" in query:
        return "part"
    if method == "PUT" and "x-amz-copy-source" in headers:
        return "copy"
    if method == "PUT" and path.count("/") >= 2 and not query:
        return "put"
    if method == "POST" and "uploadId=" in query:
        return "complete"
    if method == "GET" and path.count("/") >= 2 and path.split("?")[0].split("/", 2)[2]:
        return "get"
    return "other"


@dataclass
class Rule:
    action: str  # flip_request, flip_response, reset, error_200
    kind: str
    nth: int
    after: int = 0
    fired: int = 0


class FaultProxy:
    """Start with ``FaultProxy(upstream_port)``; ``.url`` to configure s3cmd; ``stop()`` at the end."""

    def __init__(self, upstream_port: int) -> None:
        self.upstream_port = upstream_port
        self.rules: list[Rule] = []
        self.seen: Counter[str] = Counter()
        self.log: list[tuple[str, str, str, int]] = []  # (kind, method, path, status sent)
        self.brownout_until = 0.0
        self.lock = threading.Lock()
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def _any(self) -> None:
                proxy.handle(self)

            do_GET = do_PUT = do_POST = do_DELETE = do_HEAD = _any  # noqa: N815

            def log_message(self, *args: object) -> None:
                pass

        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._httpd.daemon_threads = True
        self._httpd.handle_error = lambda request, address: None  # a reset we caused is not news
        self.port = self._httpd.server_address[1]
        self.url = f"http://127.0.0.1:{self.port}"
        self._thread = threading.Thread(target=self._httpd.serve_forever, daemon=True)
        self._thread.start()

    # -- scripting --------------------------------------------------------------

    def flip_request(self, kind: str, nth: int = 1) -> None:
        self.rules.append(Rule("flip_request", kind, nth))

    def flip_response(self, kind: str, nth: int = 1) -> None:
        self.rules.append(Rule("flip_response", kind, nth))

    def reset_response(self, kind: str, nth: int = 1, *, after: int = 1000) -> None:
        self.rules.append(Rule("reset", kind, nth, after=after))

    def error_200(self, kind: str, nth: int = 1) -> None:
        self.rules.append(Rule("error_200", kind, nth))

    def brownout(self, seconds: float) -> None:
        self.brownout_until = time.monotonic() + seconds

    def count(self, kind: str) -> int:
        with self.lock:
            return self.seen[kind]

    def stop(self) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()

    # -- forwarding ---------------------------------------------------------------

    def _actions(self, kind: str) -> dict[str, Rule]:
        with self.lock:
            self.seen[kind] += 1
            number = self.seen[kind]
            return {r.action: r for r in self.rules if r.kind == kind and r.nth in (0, number)}

    def handle(self, handler: BaseHTTPRequestHandler) -> None:
        method, path = handler.command, handler.path
        headers = [(name, value) for name, value in handler.headers.items()]
        lower = {name.lower(): value for name, value in headers}
        body = handler.rfile.read(int(lower.get("content-length", "0") or 0))
        kind = kind_of(method, path, lower)
        if time.monotonic() < self.brownout_until:
            with self.lock:
                self.seen["brownout"] += 1
            self._answer(handler, kind, 503, [("Content-Type", "application/xml")], SLOW_DOWN, method=method)
            return
        actions = self._actions(kind)
        if "error_200" in actions:
            self._answer(handler, kind, 200, [("Content-Type", "application/xml")], INTERNAL, method=method)
            return
        if "flip_request" in actions and body:
            body = _flip(body)
        upstream = http.client.HTTPConnection("127.0.0.1", self.upstream_port, timeout=60)
        try:
            upstream.putrequest(method, path, skip_host=True, skip_accept_encoding=True)
            for name, value in headers:
                upstream.putheader(name, value)
            upstream.endheaders(body if body else None)
            answer = upstream.getresponse()
            answer_body = answer.read()
            answer_headers = [(n, v) for n, v in answer.getheaders()
                              if n.lower() not in ("content-length", "transfer-encoding", "connection")]
            status = answer.status
        finally:
            upstream.close()
        if "flip_response" in actions and answer_body and status < 300:
            answer_body = _flip(answer_body)
        if "reset" in actions and status < 300:
            self._reset(handler, kind, status, answer_headers, answer_body, after=actions["reset"].after)
            return
        self._answer(handler, kind, status, answer_headers, answer_body, method=method)

    def _answer(self, handler: BaseHTTPRequestHandler, kind: str, status: int, headers: list[tuple[str, str]],
                body: bytes, *, method: str) -> None:
        with self.lock:
            self.log.append((kind, method, handler.path, status))
        handler.send_response_only(status)
        for name, value in headers:
            handler.send_header(name, value)
        handler.send_header("Content-Length", str(len(body)))
        handler.end_headers()
        if method != "HEAD":
            handler.wfile.write(body)
        handler.wfile.flush()

    def _reset(self, handler: BaseHTTPRequestHandler, kind: str, status: int, headers: list[tuple[str, str]],
               body: bytes, *, after: int) -> None:
        with self.lock:
            self.log.append((kind, handler.command, handler.path, -status))
        handler.send_response_only(status)
        for name, value in headers:
            handler.send_header(name, value)
        handler.send_header("Content-Length", str(len(body)))
        handler.end_headers()
        handler.wfile.write(body[:after])
        handler.wfile.flush()
        # RST, not FIN: SO_LINGER 0 makes close() abort the connection
        handler.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00")
        handler.close_connection = True
        handler.connection.close()


def _flip(data: bytes) -> bytes:
    """Flip the low bit of the byte in the middle (a single bit error on the wire)."""
    middle = len(data) // 2
    return data[:middle] + bytes([data[middle] ^ 0x01]) + data[middle + 1:]
