"""Our HTTP/1.1 client: the data path of every request that goes straight to its server.

Why our own: urllib3 and the ``http.client`` under it spent about 0.31 ms of CPU on each small
GET (header objects, the ``email`` header parser, per-request URL and timeout bookkeeping);
this client spends about 0.10 ms on the same exchange, a bare socket loop 0.05 ms
(``benchmarks/PROFILE.md``, fourth pass). A sync or ``get -r`` of many small files is bound by that.

What it speaks: HTTP/1.1 with kept-alive connections, one pool of idle connections per origin;
answers framed by Content-Length, chunked, or the end of the connection; interim 1xx answers
skipped; no body after HEAD, 204 and 304. A request target or header that holds a line break or
a control character is refused before anything is sent; a non-ASCII header value goes as the
UTF-8 that SigV4 signed. An idle connection the server closed is
noticed before reuse, and a request that dies on a reused connection before any answer arrives
is sent once more on a new one. Whatever goes wrong becomes a ``TransportError`` in
``S3.transport.http.translate``.

Reads: ``HTTPS_PROXY`` / ``HTTP_PROXY`` / ``ALL_PROXY`` / ``NO_PROXY`` (once per run) unless
``proxy_host`` is set, which wins; an origin reached through a proxy is handed to
``S3.transport.proxied`` (urllib3). The CA bundle variables, through ``tls_context``.
"""

from __future__ import annotations

import os
import re
import select
import socket
import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass
from typing import IO, TYPE_CHECKING
from urllib.parse import urlsplit

from S3.transport.errors import ConnectionFailed, UnsendableRequest
from S3.transport.headers import Headers, parse_size
from S3.transport.http import (
    USER_AGENT,
    Body,
    ConnectTimedOut,
    Response,
    TransportSettings,
    buffered_answer,
    debug_exchange,
    origin_of,
    split_url,
    tls_context,
    translate,
)

if TYPE_CHECKING:
    import ssl  # loaded by the first https:// connection: a run over plain HTTP never needs it

    from S3.transport.proxied import ProxiedTransport

MAX_LINE = 64 * 1024  # a status, header or chunk-size line longer than this is no S3 answer
MAX_HEADERS = 200
MAX_INTERIM = 20  # 1xx answers before the final one; a server that sends them forever is broken
SEND_BLOCK = 256 * 1024
READ_BUFFER = 64 * 1024
_JOIN_LIMIT = 64 * 1024  # a body up to this size leaves in the same send as the request head

_BAD_TARGET = re.compile(r"[\x00-\x20\x7f]")  # and anything not ASCII
_BAD_VALUE = re.compile(r"[\r\n\x00]")
_TOKEN = re.compile(r"[!#$%&'*+\-.^_`|~0-9A-Za-z]+")
_NO_BODY_STATUS = frozenset({204, 304})
_FOLD = re.compile(r"[ \t]*\r?\n[ \t]+")


class WireError(ConnectionError):
    """The server broke HTTP/1.1 (or the connection ended mid-answer); a failed connection to us."""


class _NoAnswer(WireError):
    """The connection ended before a single byte of an answer: on a reused connection, the server
    had closed it while it sat idle, and the request may be sent again at once."""


@dataclass(frozen=True)
class _Origin:
    scheme: str
    host: str  # for connect(); brackets of an IPv6 literal removed
    port: int
    netloc: str  # for the Host header: exactly as the URL (and so the signature) has it


class _Connection:
    __slots__ = ("sock", "rfile", "spent")

    def __init__(self, sock: socket.socket) -> None:
        self.sock = sock
        self.rfile = sock.makefile("rb", buffering=READ_BUFFER)
        self.spent = False  # answered before it took the whole request: never reused

    def dropped(self) -> bool:
        """Readable while idle: the server closed it (or sent what nobody asked for)."""
        try:
            poller = select.poll()
            poller.register(self.sock, select.POLLIN)
            return bool(poller.poll(0))
        except (OSError, ValueError):
            return True

    def close(self) -> None:
        try:
            self.rfile.close()
        finally:
            self.sock.close()


class _Idle:
    """Idle connections per origin, newest first out; at most ``size`` kept per origin."""

    def __init__(self, size: int) -> None:
        self._size = size
        self._by_origin: dict[_Origin, list[_Connection]] = {}
        self._lock = threading.Lock()

    def take(self, origin: _Origin) -> _Connection | None:
        while True:
            with self._lock:
                idle = self._by_origin.get(origin)
                if not idle:
                    return None
                conn = idle.pop()
            if not conn.dropped():
                return conn
            conn.close()

    def give(self, origin: _Origin, conn: _Connection) -> None:
        with self._lock:
            idle = self._by_origin.setdefault(origin, [])
            if len(idle) < self._size:
                idle.append(conn)
                return
        conn.close()

    def close(self) -> None:
        with self._lock:
            conns = [conn for idle in self._by_origin.values() for conn in idle]
            self._by_origin.clear()
        for conn in conns:
            conn.close()


class WireTransport:
    """``HttpClient`` over our HTTP/1.1 connections; proxied origins go to urllib3."""

    def __init__(self, settings: TransportSettings) -> None:
        self.settings = settings
        self._idle = _Idle(max(2, settings.pool_size) if settings.pooling else 0)
        self._origins: dict[str, tuple[_Origin, str]] = {}
        self._lock = threading.Lock()
        self._context: ssl.SSLContext | None = None
        self._env_proxies: dict[str, str] | None = None
        self._proxied: ProxiedTransport | None = None
        self._defaults = f"User-Agent: {USER_AGENT}\r\nAccept-Encoding: identity\r\n"
        if not settings.pooling:
            self._defaults += "Connection: close\r\n"

    # -- where a request goes ------------------------------------------------------------------

    def _route(self, origin_url: str) -> tuple[_Origin, str]:
        """The origin of a URL and the proxy it goes through ("" for none), worked out once."""
        known = self._origins.get(origin_url)
        if known is not None:
            return known
        try:
            parts = urlsplit(origin_url)
            host, port = parts.hostname or "", parts.port
        except ValueError as failed:
            raise _unusable(origin_url, str(failed)) from None
        if parts.scheme not in ("http", "https") or not host:
            raise _unusable(origin_url, "not an http:// or https:// address with a host")
        default_port = 443 if parts.scheme == "https" else 80
        origin = _Origin(parts.scheme, host, port or default_port, parts.netloc)
        known = (origin, self._proxy_for(origin.scheme, host, origin.port))
        with self._lock:
            self._origins[origin_url] = known
        return known

    def _proxy_for(self, scheme: str, host: str, port: int) -> str:
        """``proxy_host`` wins; else HTTPS_PROXY / HTTP_PROXY / ALL_PROXY minus NO_PROXY, read once."""
        settings = self.settings
        if settings.proxy_host:
            return f"http://{settings.proxy_host}:{settings.proxy_port}"
        if not settings.proxy_from_env or not _proxy_variables():
            return ""
        import urllib.request  # only when a proxy may come from the environment (with http.client, ~5 ms)

        if self._env_proxies is None:
            self._env_proxies = urllib.request.getproxies_environment()
        proxies = self._env_proxies
        proxy = proxies.get(scheme) or proxies.get("all") or ""
        if proxy and urllib.request.proxy_bypass_environment(f"{host}:{port}", proxies):
            return ""
        if proxy and "://" not in proxy:
            proxy = "http://" + proxy
        return proxy

    def _tls(self) -> ssl.SSLContext:
        with self._lock:
            if self._context is None:
                self._context = tls_context(self.settings)
            return self._context

    def _via_proxy(self) -> ProxiedTransport:
        with self._lock:
            if self._proxied is None:
                from S3.transport.proxied import ProxiedTransport

                self._proxied = ProxiedTransport(self.settings, tls=self._tls)
            return self._proxied

    # -- one exchange --------------------------------------------------------------------------

    def send(
        self, method: str, url: str, *, headers: Mapping[str, str], body: Body = None, stream: bool = False
    ) -> Response:
        origin_url, target = split_url(url)
        origin, proxy = self._route(origin_url)
        if proxy:
            check_sendable(method, target, headers)
            # http.client writes header values as Latin-1: handed the UTF-8 bytes as Latin-1 text,
            # it sends the UTF-8 that was signed, as our own connections do
            sent = {"User-Agent": USER_AGENT, "Accept-Encoding": "identity",
                    **{name: value if value.isascii() else value.encode("utf-8").decode("latin-1")
                       for name, value in headers.items()}}
            if not self.settings.pooling:
                sent["Connection"] = "close"
            return self._via_proxy().send(method, url, proxy=proxy, headers=sent, body=body, stream=stream)
        if origin.scheme == "https":
            import ssl

            try:
                self._tls()
            except ssl.SSLError as failed:  # a client certificate that does not load: never retried
                raise translate(failed, origin_of(url)) from None
        head, body, length = _request(method, target, origin.netloc, self._defaults, headers, body)
        started = time.monotonic()
        try:
            conn, status, reason, version, pairs = self._exchange(origin, head, body, length)
        except (OSError, ValueError) as failed:
            error = translate(failed, origin_of(url))
            debug_exchange(method, url, headers, None, time.monotonic() - started, failure=str(error))
            raise error from None
        answer = Headers(pairs)
        debug_exchange(method, url, headers, (status, reason, answer), time.monotonic() - started)
        body_stream = _body(self, origin, conn, method=method, status=status, version=version, headers=answer,
                            url=origin_of(url))
        if stream and status < 300:
            return Response(status, reason, answer, b"", body_stream)
        return buffered_answer(status, reason, answer, body_stream, url=origin_of(url))

    def _exchange(self, origin: _Origin, head: bytes, body: bytes | IO[bytes] | None,
                  length: int | None) -> tuple[_Connection, int, str, str, list[tuple[str, str]]]:
        """Send the request and read the answer's head; once more on a new connection when a
        reused one turns out dead before answering (the server closed it while idle)."""
        start = _position(body)
        conn = self._idle.take(origin)
        while True:
            reused, conn = conn is not None, conn or self._connect(origin)
            try:
                try:
                    _send(conn.sock, head, body, length)
                except (BrokenPipeError, ConnectionResetError):
                    if reused and _rewind(body, start):
                        raise
                    # The server may have answered before taking the whole body (403 to a large
                    # PUT) and closed: its answer says more than the broken pipe does.
                    conn.spent = True
                return (conn, *_read_head(conn.rfile))
            except (OSError, ValueError) as failed:
                conn.close()
                if not reused or not _died_idle(failed) or not _rewind(body, start):
                    raise
                conn = None

    def _connect(self, origin: _Origin) -> _Connection:
        settings = self.settings
        try:
            # an ASCII name goes as bytes: getaddrinfo would load the idna codec (~1 ms) to encode it
            host: str | bytes = origin.host.encode("ascii") if origin.host.isascii() else origin.host
            sock = socket.create_connection((host, origin.port), timeout=settings.connect_timeout)
        except TimeoutError as failed:
            raise ConnectTimedOut(f"no connection within {settings.connect_timeout:g}s") from failed
        try:
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            if origin.scheme == "https":
                try:
                    sock = self._tls().wrap_socket(sock, server_hostname=origin.host)
                except TimeoutError as failed:
                    raise ConnectTimedOut(f"no TLS handshake within {settings.connect_timeout:g}s") from failed
            sock.settimeout(settings.read_timeout)
        except BaseException:
            sock.close()
            raise
        return _Connection(sock)

    def _release(self, origin: _Origin, conn: _Connection, *, reusable: bool) -> None:
        if reusable and not conn.spent:
            self._idle.give(origin, conn)
        else:
            conn.close()

    def close(self) -> None:
        self._idle.close()
        if self._proxied is not None:
            self._proxied.close()


# -- the request -------------------------------------------------------------------------------

def _request(method: str, target: str, netloc: str, defaults: str, headers: Mapping[str, str],
             body: Body) -> tuple[bytes, bytes | IO[bytes] | None, int | None]:
    """The request head as bytes, the body to send after it, and its length (None: chunked)."""
    check_sendable(method, target, headers)
    lines = [f"{method} {target} HTTP/1.1\r\n"]
    given = {name.lower() for name in headers}
    if "host" not in given:
        lines.append(f"Host: {netloc}\r\n")
    lines.append(defaults)
    lines.extend(f"{name}: {value}\r\n" for name, value in headers.items())
    length: int | None = None
    if "content-length" in given:
        length = parse_size(next(v for k, v in headers.items() if k.lower() == "content-length"))
    elif isinstance(body, bytes | bytearray | memoryview):
        length = len(body)
        lines.append(f"Content-Length: {length}\r\n")
    elif body is None:
        if method in ("POST", "PUT", "PATCH"):
            lines.append("Content-Length: 0\r\n")
    else:
        length = _remaining(body)
        lines.append("Transfer-Encoding: chunked\r\n" if length is None else f"Content-Length: {length}\r\n")
    lines.append("\r\n")
    # UTF-8, the bytes SigV4 signed (and what s3cmd 2.4.0 sends): S3 stores a non-ASCII metadata value
    # and answers it RFC 2047-encoded
    head = "".join(lines).encode("utf-8")
    if isinstance(body, bytes) and len(body) <= _JOIN_LIMIT:
        return head + body, None, 0
    return head, body, length


def check_sendable(method: str, target: str, headers: Mapping[str, str]) -> None:
    """Refuse, before anything is sent, a request line or header that HTTP/1.1 cannot carry: a line
    break would end the header early (and let a value inject headers of its own). A header value
    that is not ASCII goes as UTF-8."""
    if not target.isascii() or _BAD_TARGET.search(target) or not _TOKEN.fullmatch(method):
        raise UnsendableRequest(f"Cannot send {method} {origin_of(target)!r}: a space, control character or "
                                "non-ASCII character in the request line")
    for name, value in headers.items():
        if not _TOKEN.fullmatch(name) or _BAD_VALUE.search(value):
            raise UnsendableRequest(f"Cannot send the header {name!r}: a line break or control character in it; "
                                    "check --add-header and the metadata given")


def _remaining(body: IO[bytes]) -> int | None:
    """The bytes left in a file body when it can say (None: it goes chunked)."""
    try:
        here = body.tell()
        end = body.seek(0, 2)
        body.seek(here)
        return end - here
    except (OSError, AttributeError, ValueError):
        return None


def _send(sock: socket.socket, head: bytes, body: bytes | IO[bytes] | None, length: int | None) -> None:
    sock.sendall(head)
    if body is None:
        return
    if isinstance(body, bytes | bytearray | memoryview):
        sock.sendall(body)
        return
    if length is None:
        while block := body.read(SEND_BLOCK):
            sock.sendall(b"%x\r\n%b\r\n" % (len(block), block))
        sock.sendall(b"0\r\n\r\n")
        return
    left = length
    while left > 0:
        block = body.read(min(SEND_BLOCK, left))
        if not block:
            raise WireError(f"the request body ended {left} bytes short of its Content-Length")
        sock.sendall(block)
        left -= len(block)


def _position(body: Body) -> int | None:
    if body is None or isinstance(body, bytes | bytearray | memoryview):
        return 0
    try:
        return body.tell()
    except (OSError, AttributeError, ValueError):
        return None


def _rewind(body: Body, start: int | None) -> bool:
    """Ready to send ``body`` again from where it started; False when it cannot be."""
    if start is None:
        return False
    if body is None or isinstance(body, bytes | bytearray | memoryview):
        return True
    try:
        body.seek(start)
    except (OSError, AttributeError, ValueError):
        return False
    return True


def _died_idle(failed: BaseException) -> bool:
    return isinstance(failed, _NoAnswer | ConnectionResetError | BrokenPipeError | ConnectionAbortedError)


def _proxy_variables() -> bool:
    """Whether the environment names a proxy at all (``https_proxy``, ``HTTP_PROXY``, ``all_proxy`` …)."""
    return any(name.lower().endswith("_proxy") and name.lower() != "no_proxy" for name in os.environ)


def _unusable(url: str, why: str) -> ConnectionFailed:
    error = ConnectionFailed(f"Cannot connect to {url}: {why}; check host_base / host_bucket", url=url)
    error.retryable = False
    return error


# -- the answer --------------------------------------------------------------------------------

def _read_head(rfile: IO[bytes]) -> tuple[int, str, str, list[tuple[str, str]]]:
    """Status, reason, HTTP version and header pairs of the final answer (1xx skipped)."""
    for interim in range(MAX_INTERIM + 1):
        text = _head_text(rfile, first=interim == 0)
        if "\n " in text or "\n\t" in text:  # obsolete folded lines continue the value above
            text = _FOLD.sub(" ", text)
        lines = text.split("\n")
        if len(lines) > MAX_HEADERS + 1:
            raise WireError(f"the answer has more than {MAX_HEADERS} headers")
        version, status, reason = _status_line(lines[0])
        if 100 <= status < 200 and status != 101:
            continue
        return status, reason, version, _header_pairs(lines)
    raise WireError(f"more than {MAX_INTERIM} interim (1xx) answers and no final one")


def _head_text(rfile: IO[bytes], *, first: bool) -> str:
    """The status line and headers, up to the blank line that ends them (not included).

    An answer's head nearly always arrives whole in one read: then it is taken from the buffer
    in one piece. Otherwise it is read line by line, within the line and header caps."""
    buffered = rfile.peek(READ_BUFFER)  # type: ignore[attr-defined]
    end = buffered.find(b"\r\n\r\n")
    if end >= 0:
        return rfile.read(end + 4)[:end].decode("latin-1")
    lines: list[bytes] = []
    readline = rfile.readline
    while (line := readline(MAX_LINE + 1)) not in (b"\r\n", b"\n") or not lines:
        if not line.endswith(b"\n"):
            if len(line) > MAX_LINE:
                raise WireError("a line of the answer's head is longer than 64 KiB")
            if not line and not lines:
                raise _NoAnswer("the server closed the connection without answering") if first else WireError(
                    "the connection ended after an interim answer")
            raise WireError("the connection ended inside the answer's headers")
        if len(lines) > MAX_HEADERS:
            raise WireError(f"the answer has more than {MAX_HEADERS} headers")
        lines.append(line)
    return b"".join(lines).decode("latin-1").rstrip("\r\n")


def _status_line(line: str) -> tuple[str, int, str]:
    parts = line.rstrip("\r").split(None, 2)
    if (len(parts) < 2 or not parts[0].startswith("HTTP/1.") or len(parts[1]) != 3 or not parts[1].isascii()
            or not parts[1].isdigit()):
        raise WireError(f"not an HTTP/1.1 answer: {line[:80]!r}")
    return parts[0], int(parts[1]), parts[2].strip() if len(parts) > 2 else ""


def _header_pairs(lines: list[str]) -> list[tuple[str, str]]:
    """(name, value) of every header line after the status line; a line that is no ``name: value``
    is passed over."""
    pairs = []
    for line in lines[1:]:
        name, colon, value = line.partition(":")
        if colon and name and name[0] not in " \t" and name[-1] not in " \t":
            pairs.append((name, _as_sent(value.strip(" \t\r"))))
    return pairs


def _as_sent(value: str) -> str:
    """A header value read as Latin-1 (HTTP's bytes), as text: S3 stores and returns metadata in the
    UTF-8 it was sent in (and we send it so), so a value whose bytes are UTF-8 is that text; a copy
    or modify that sends it back must not double-encode 'café' into 'cafÃ©'."""
    if value.isascii():
        return value
    try:
        return value.encode("latin-1").decode("utf-8")
    except UnicodeDecodeError:  # not UTF-8: Latin-1 it is
        return value


def _body(transport: WireTransport, origin: _Origin, conn: _Connection, *, method: str, status: int,
          version: str, headers: Headers, url: str) -> _WireBody:
    tokens = {t.strip() for t in headers.get("connection", "").lower().split(",")}
    reusable = transport.settings.pooling and (
        "keep-alive" in tokens if version == "HTTP/1.0" else "close" not in tokens)
    if method == "HEAD" or status in _NO_BODY_STATUS or 100 <= status < 200:
        return _WireBody(transport, origin, conn, length=0, chunked=False, reusable=reusable, url=url)
    if "chunked" in headers.get("transfer-encoding", "").lower():
        return _WireBody(transport, origin, conn, length=None, chunked=True, reusable=reusable, url=url)
    length = parse_size(headers.get("content-length", ""))
    # without a length the answer runs to the end of the connection, which cannot be reused
    return _WireBody(transport, origin, conn, length=length, chunked=False, reusable=reusable and length is not None,
                     url=url)


class _WireBody:
    """``BodyStream`` over one answer's body: Content-Length, chunked, or to the connection's end."""

    __slots__ = ("_transport", "_origin", "_conn", "_left", "_chunked", "_reusable", "_url", "_total", "_done")

    def __init__(self, transport: WireTransport, origin: _Origin, conn: _Connection, *, length: int | None,
                 chunked: bool, reusable: bool, url: str) -> None:
        self._transport = transport
        self._origin = origin
        self._conn: _Connection | None = conn
        self._left = length  # bytes of the body (or of the current chunk) still to come; None: to the end
        self._total = length
        self._chunked = chunked
        self._reusable = reusable
        self._url = url
        self._done = length == 0 and not chunked
        if chunked:
            self._left = 0

    def read(self, size: int) -> bytes:
        if self._done or self._conn is None:
            return b""
        try:
            if self._chunked:
                return self._read_chunked(size)
            return self._read_plain(size)
        except (OSError, ValueError) as failed:
            self.finish(complete=False)
            raise translate(failed, self._url) from None

    def _read_plain(self, size: int) -> bytes:
        assert self._conn is not None
        left = self._left
        if left is None:
            data = self._conn.rfile.read(size)
            self._done = not data
            return data
        data = self._conn.rfile.read(min(size, left))
        if not data:
            raise WireError(f"the answer ended after {self._total - left} of {self._total} bytes")
        self._left = left = left - len(data)
        self._done = left == 0
        return data

    def _read_chunked(self, size: int) -> bytes:
        assert self._conn is not None
        rfile = self._conn.rfile
        if not self._left:
            line = rfile.readline(MAX_LINE + 1)
            size_text = line.split(b";", 1)[0].strip()
            if not line.endswith(b"\n") or not size_text or len(size_text) > 16 or size_text.strip(
                    b"0123456789abcdefABCDEF"):
                raise WireError(f"a malformed chunk in the answer: {line[:40]!r}")
            self._left = int(size_text, 16)
            if self._left == 0:
                _skip_trailers(rfile)
                self._done = True
                return b""
        data = rfile.read(min(size, self._left))
        if not data:
            raise WireError("the answer ended inside a chunk")
        self._left -= len(data)
        if self._left == 0 and rfile.read(2) != b"\r\n":
            raise WireError("a chunk in the answer is longer than it said")
        return data

    def finish(self, *, complete: bool) -> None:
        conn, self._conn = self._conn, None
        if conn is not None:
            self._transport._release(self._origin, conn, reusable=complete and self._done and self._reusable)


def _skip_trailers(rfile: IO[bytes]) -> None:
    """Past the trailer lines after the last chunk (unused) and the blank line that ends them."""
    for _ in range(MAX_HEADERS + 1):
        line = rfile.readline(MAX_LINE + 1)
        if line in (b"\r\n", b"\n"):
            return
        if not line.endswith(b"\n"):
            raise WireError("the connection ended inside the answer's trailers")
    raise WireError(f"the answer has more than {MAX_HEADERS} trailers")
