"""A loopback HTTP server that answers like a broken or hostile S3 endpoint, scripted per test.

``HostileServer(script)`` binds 127.0.0.1 on a free port; ``script(method, path)`` returns the
``Answer`` to send. Bodies are generated lazily, so an "endless" body costs the server nothing;
it stops when the client disconnects or after ``Answer.limit`` bytes, whichever comes first.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path


@dataclass(frozen=True)
class Answer:
    status: int
    body: bytes = b""
    content_type: str = "application/xml"
    headers: tuple[tuple[str, str], ...] = ()
    # When set, the body is ``body`` repeated until ``limit`` bytes were sent (or the peer left),
    # and Content-Length declares ``declared`` bytes.
    limit: int = 0
    declared: int = 0


Script = Callable[[str, str], Answer]

# A captive portal's page, and XML that expat refuses: a billion-laughs bomb (10**8
# expansions of a 10-byte entity) and an external entity (XXE).
HTML = b"<!DOCTYPE html>\n<html><head><title>Log in</title></head><body>Welcome</body></html>"
BOMB = (
    b'<?xml version="1.0"?><!DOCTYPE b [<!ENTITY a "aaaaaaaaaa">'
    + b"".join(
        f'<!ENTITY {n} "{("&" + p + ";") * 10}">'.encode()
        for p, n in zip("abcdefgh", "bcdefghi", strict=True)
    )
    + b"]><ListBucketResult><Name>&i;</Name></ListBucketResult>"
)
XXE = (
    b'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
    b"<ListBucketResult><Name>&x;</Name></ListBucketResult>"
)



@dataclass
class HostileServer:
    script: Script
    requests: list[tuple[str, str]] = field(default_factory=list)
    sent: list[int] = field(default_factory=list)

    def __post_init__(self) -> None:
        owner = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: object) -> None:  # keep test output quiet
                pass

            def _answer(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                if length:
                    self.rfile.read(length)
                owner.requests.append((self.command, self.path))
                answer = owner.script(self.command, self.path)
                self.send_response(answer.status)
                self.send_header("Content-Type", answer.content_type)
                for name, value in answer.headers:
                    self.send_header(name, value)
                body_length = answer.declared if answer.limit else len(answer.body)
                self.send_header("Content-Length", str(body_length))
                self.send_header("Connection", "close")
                self.end_headers()
                if self.command == "HEAD":
                    return
                owner.sent.append(self._write(_chunks(answer)))

            def _write(self, chunks: Iterator[bytes]) -> int:
                sent = 0
                try:
                    for chunk in chunks:
                        self.wfile.write(chunk)
                        sent += len(chunk)
                except OSError:  # the client hung up: that is what a capped reader does
                    pass
                return sent

            do_GET = do_PUT = do_POST = do_DELETE = do_HEAD = _answer

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self.port = self._server.server_address[1]
        self.url = f"http://127.0.0.1:{self.port}"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def write_config(self, path: Path) -> Path:
        """An s3cmd config for this server: path style, plain HTTP, static keys."""
        host = f"127.0.0.1:{self.port}"
        path.write_text(
            "[default]\naccess_key = AKIDEXAMPLE\nsecret_key = secretexample\n"
            f"host_base = {host}\nhost_bucket = {host}\nuse_https = False\nbucket_location = us-east-1\n"
            "max_retries = 1\n"
        )
        return path


def _chunks(answer: Answer) -> Iterator[bytes]:
    if not answer.limit:
        yield answer.body
        return
    block = answer.body * max(1, 65536 // max(1, len(answer.body)))
    sent = 0
    while sent < answer.limit:
        yield block
        sent += len(block)
