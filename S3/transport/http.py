"""One set of pooled HTTP connections (urllib3) and the one place low-level exceptions are translated.

Reads: ``HTTPS_PROXY`` / ``HTTP_PROXY`` / ``ALL_PROXY`` / ``NO_PROXY`` (once per run) unless
``proxy_host`` is set, which wins; ``ca_certs_file``, else ``AWS_CA_BUNDLE`` /
``REQUESTS_CA_BUNDLE`` / ``CURL_CA_BUNDLE``, else the system store.
"""

from __future__ import annotations

import http.client
import logging
import os
import socket
import ssl
import threading
import time
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import IO, Any, Protocol

import urllib3
from urllib3.util.url import parse_url

from S3.output.log import redact_headers, redact_url
from S3.transport.errors import (
    AnswerTooLarge,
    ConnectionFailed,
    NameNotResolved,
    RequestTimedOut,
    TlsError,
    TransportError,
)
from S3.transport.headers import Headers

Body = bytes | IO[bytes] | None
# What we hold in memory of an answer. An S3 <Error> is well under 1 KiB: 64 KiB of an
# error body is plenty, and the rest of a hostile "10 GB error" is never read. A listing
# page of 1,000 keys of up to 1 KiB each, XML-escaped, is a few MiB; 64 MiB leaves room
# for any S3 answer we parse while bounding what a broken endpoint can make us hold.
ERROR_BODY_LIMIT = 64 * 1024
ANSWER_BODY_LIMIT = 64 * 1024 * 1024
_CA_BUNDLE_VARS = ("AWS_CA_BUNDLE", "REQUESTS_CA_BUNDLE", "CURL_CA_BUNDLE")


@dataclass(frozen=True)
class TransportSettings:
    proxy_host: str = ""
    proxy_port: int = 3128
    ca_certs_file: str = ""
    check_ssl_certificate: bool = True
    check_ssl_hostname: bool = True
    ssl_client_cert_file: str = ""
    ssl_client_key_file: str = ""
    read_timeout: float = 300.0
    connect_timeout: float = 10.0
    pool_size: int = 10
    pooling: bool = True
    proxy_from_env: bool = True  # HTTPS_PROXY / HTTP_PROXY / NO_PROXY


@dataclass
class Response:
    status: int
    reason: str
    headers: Mapping[str, str]  # case-insensitive (``Headers``)
    body: bytes
    _raw: urllib3.HTTPResponse | None = None
    _url: str = ""  # scheme, host and path of the request (for errors while streaming)

    def iter_body(self, chunk_size: int) -> Iterator[bytes]:
        """Stream the body of a ``stream=True`` response; transport errors are translated."""
        if self._raw is None:
            yield self.body
            return
        complete = False
        try:
            yield from _chunks(self._raw, chunk_size)
            complete = True
        except _LOW_LEVEL as failed:
            raise translate(failed, self._url) from None
        finally:
            _finish(self._raw, complete=complete)

    def close(self) -> None:
        if self._raw is not None:
            _finish(self._raw, complete=False)


def read_at_most(chunks: Iterable[bytes], limit: int) -> bytes:
    """Join ``chunks`` until ``limit`` bytes; whatever the peer sends past that is never read."""
    kept: list[bytes] = []
    size = 0
    for chunk in chunks:
        kept.append(chunk[: limit - size])
        size += len(kept[-1])
        if size >= limit:
            break
    return b"".join(kept)


class HttpClient(Protocol):
    def send(
        self, method: str, url: str, *, headers: Mapping[str, str], body: Body = None, stream: bool = False
    ) -> Response: ...

    def close(self) -> None: ...


# What urllib3 and the layers under it raise when a request gets no (complete) answer.
_LOW_LEVEL = (urllib3.exceptions.HTTPError, OSError, http.client.HTTPException)

_exact_target = threading.local()


class _ExactTargetPool(urllib3.HTTPConnectionPool):
    """Through an HTTP proxy the request target is the whole URL, which urllib3 parses and
    normalises (dot segments removed) before sending; send the URL it was given instead."""

    def urlopen(self, method: str, url: str, *args: Any, **kwargs: Any) -> Any:  # type: ignore[override]
        outer = getattr(_exact_target, "url", None)
        _exact_target.url = url
        try:
            return super().urlopen(method, url, *args, **kwargs)
        finally:
            _exact_target.url = outer

    def _make_request(self, conn: Any, method: str, url: str, *args: Any, **kwargs: Any) -> Any:  # type: ignore[override]
        exact = getattr(_exact_target, "url", None)
        if exact and not exact.startswith("/") and url == parse_url(exact)._replace(fragment=None).url:
            url = exact
        return super()._make_request(conn, method, url, *args, **kwargs)


@dataclass(frozen=True)
class _Route:
    """How one origin is reached: the pool, and whether the request target is the whole URL
    (plain HTTP through a proxy) or the path (direct, or a CONNECT tunnel)."""

    pool: urllib3.HTTPConnectionPool
    absolute: bool

def translate(failed: BaseException, url: str) -> TransportError:
    """urllib3/http.client/socket exceptions → our transport errors (the only place this happens)."""
    if _find(failed, urllib3.exceptions.SSLError, ssl.SSLError, ssl.CertificateError):
        return TlsError(
            f"TLS problem talking to {url}: {_tls_reason(failed)}. Give the CA with --ca-certs (ca_certs_file, "
            "AWS_CA_BUNDLE), or --no-check-hostname / --no-check-certificate for a test endpoint",
            url=url,
        )
    unresolved = _find(failed, urllib3.exceptions.NameResolutionError, socket.gaierror)
    if unresolved is not None:
        # the connection's host: the proxy's when we go through one
        host = getattr(getattr(unresolved, "conn", None), "host", None) or _host_of(url)
        return NameNotResolved(host, url=url, proxy=host != _host_of(url))
    if _find(failed, ConnectionRefusedError) or "Connection refused" in str(failed):
        return ConnectionFailed(f"Connection refused by {url}", url=url, refused=True)
    timeout = _find(failed, urllib3.exceptions.ReadTimeoutError, urllib3.exceptions.ConnectTimeoutError,
                    socket.timeout, exclude=urllib3.exceptions.NewConnectionError)
    if timeout is not None:
        kind = "ConnectTimeout" if isinstance(timeout, urllib3.exceptions.ConnectTimeoutError) else "ReadTimeout"
        return RequestTimedOut(f"Request to {url} timed out ({kind})", url=url)
    return ConnectionFailed(f"Connection to {url} failed: {_short(str(failed))}", url=url)


def _find(failed: BaseException, *kinds: type[BaseException],
          exclude: type[BaseException] | tuple[()] = ()) -> BaseException | None:
    """The first exception of ``kinds`` in ``failed``'s chain: causes, contexts, and the
    exceptions urllib3 carries as arguments (``ProtocolError("…", ConnectionResetError())``)."""
    pending: list[object] = [failed]
    seen: set[int] = set()
    while pending and len(seen) < 50:
        item = pending.pop(0)
        if not isinstance(item, BaseException) or id(item) in seen:
            continue
        seen.add(id(item))
        if isinstance(item, kinds) and not isinstance(item, exclude):
            return item
        pending.extend([item.__cause__, item.__context__, *item.args, getattr(item, "reason", None)])
    return None


def _host_of(url: str) -> str:
    return urllib3.util.parse_url(url).host or url


def _tls_reason(failed: BaseException) -> str:
    """The innermost certificate complaint, not urllib3's wrapping of it."""
    pending: list[object] = [failed]
    seen: set[int] = set()
    while pending:
        item = pending.pop(0)
        if not isinstance(item, BaseException) or id(item) in seen:
            continue
        seen.add(id(item))
        if isinstance(item, ssl.SSLCertVerificationError):
            return getattr(item, "verify_message", None) or str(item)
        if isinstance(item, ssl.CertificateError | ssl.SSLError):
            return str(item)
        pending.extend([item.__cause__, item.__context__, *item.args, getattr(item, "reason", None)])
    return _short(str(failed))


def _short(text: str) -> str:
    return text if len(text) < 300 else text[:300] + "…"


class Urllib3Transport:
    """``HttpClient`` over urllib3 connection pools, one per origin (proxies, TLS options).

    Not requests: its per-request machinery (header merging, hooks, URL re-parsing) cost more
    than twice urllib3's CPU per request, and 50 ms of start-up. The request target is always
    the path exactly as built and signed (S3 keys are opaque: no dot-segment removal)."""

    def __init__(self, settings: TransportSettings) -> None:
        self.settings = settings
        self._size = max(2, settings.pool_size)
        self._timeout = urllib3.Timeout(connect=settings.connect_timeout, read=settings.read_timeout)
        self._routes: dict[str, _Route] = {}
        self._proxy_managers: dict[str, urllib3.ProxyManager] = {}
        self._lock = threading.Lock()
        self._env_proxies: dict[str, str] | None = None
        self._tls_kwargs: dict[str, Any] | None = None
        self._tls_lock = threading.Lock()
        # S3 wants the body as stored, not decoded; urllib3 would add its own User-Agent.
        self._defaults = {"User-Agent": "s3cmd-modern", "Accept-Encoding": "identity"}
        if not settings.pooling:
            self._defaults["Connection"] = "close"

    def _tls(self) -> dict[str, Any]:
        """Keyword arguments for an HTTPS pool: one SSL context for the run (loading the CA store
        takes milliseconds; virtual-hosted buckets are one origin each), built on first use."""
        with self._tls_lock:
            if self._tls_kwargs is None:
                self._tls_kwargs = self._new_tls()
            return self._tls_kwargs

    def _new_tls(self) -> dict[str, Any]:
        settings = self.settings
        env_ca = next((os.environ[n] for n in _CA_BUNDLE_VARS if os.environ.get(n)), "")
        context = ssl.create_default_context(cafile=(settings.ca_certs_file or env_ca) or None)
        kwargs: dict[str, Any] = {"ssl_context": context, "cert_reqs": "CERT_REQUIRED"}
        if not settings.check_ssl_certificate:
            context.check_hostname = False
            context.verify_mode = ssl.CERT_NONE
            kwargs.update(cert_reqs="CERT_NONE", assert_hostname=False)
            urllib3.disable_warnings(urllib3.exceptions.InsecureRequestWarning)
        elif not settings.check_ssl_hostname:
            context.check_hostname = False  # the chain is still verified
            kwargs["assert_hostname"] = False
        if settings.ssl_client_cert_file:
            context.load_cert_chain(settings.ssl_client_cert_file, settings.ssl_client_key_file or None)
        return kwargs

    def _route(self, origin: str) -> _Route:
        route = self._routes.get(origin)
        if route is not None:
            return route
        with self._lock:
            route = self._routes.get(origin)
            if route is None:
                route = self._routes[origin] = self._new_route(origin)
        return route

    def _new_route(self, origin: str) -> _Route:
        parsed = parse_url(origin)
        scheme = parsed.scheme or "http"
        host = parsed.host or ""
        port = parsed.port or (443 if scheme == "https" else 80)
        kwargs: dict[str, Any] = {"maxsize": self._size, "timeout": self._timeout, "retries": False,
                                  "blocksize": 256 * 1024}
        proxy = self._proxy_for(scheme, host, port)
        if not proxy:
            if scheme == "https":
                return _Route(urllib3.HTTPSConnectionPool(host, port, **kwargs, **self._tls()), absolute=False)
            return _Route(urllib3.HTTPConnectionPool(host, port, **kwargs), absolute=False)
        manager = self._proxy_managers.get(proxy)
        if manager is None:
            # one manager serves both schemes: it gives the TLS options to its https pools only
            manager = self._proxy_managers[proxy] = urllib3.ProxyManager(proxy, num_pools=64, **kwargs, **self._tls())
            manager.pool_classes_by_scheme = {**manager.pool_classes_by_scheme, "http": _ExactTargetPool}
        return _Route(manager.connection_from_host(host, port, scheme), absolute=scheme == "http")

    def _proxy_for(self, scheme: str, host: str, port: int) -> str:
        """``proxy_host`` wins; else HTTPS_PROXY / HTTP_PROXY / ALL_PROXY minus NO_PROXY, read once."""
        settings = self.settings
        if settings.proxy_host:
            return f"http://{settings.proxy_host}:{settings.proxy_port}"
        if not settings.proxy_from_env:
            return ""
        import urllib.request  # only when a proxy may come from the environment

        if self._env_proxies is None:
            self._env_proxies = urllib.request.getproxies_environment()
        proxies = self._env_proxies
        proxy = proxies.get(scheme) or proxies.get("all") or ""
        if proxy and urllib.request.proxy_bypass_environment(f"{host}:{port}", proxies):
            return ""
        if proxy and "://" not in proxy:
            proxy = "http://" + proxy
        return proxy

    def send(
        self, method: str, url: str, *, headers: Mapping[str, str], body: Body = None, stream: bool = False
    ) -> Response:
        scheme_end = url.find("://") + 3
        path_start = url.find("/", scheme_end)
        origin, path = (url, "/") if path_start < 0 else (url[:path_start], url[path_start:])
        send_headers = {**self._defaults, **headers}
        try:
            route = self._route(origin)
        except (urllib3.exceptions.LocationParseError, ssl.SSLError) as failed:
            # a host that is no host, a client certificate that does not load: never retried.
            # (A certificate file that is missing is an OSError for S3.cli.main to report.)
            raise translate(failed, _origin(url)) from None
        started = time.monotonic()
        try:
            raw = route.pool.urlopen(
                method, url if route.absolute else path, body=body, headers=send_headers, retries=False,
                redirect=False, assert_same_host=False, preload_content=False, decode_content=False,
                timeout=self._timeout,
            )
        except _LOW_LEVEL as failed:
            error = translate(failed, _origin(url))
            _debug_exchange(method, url, send_headers, None, time.monotonic() - started, failure=str(error))
            raise error from None
        _debug_exchange(method, url, send_headers, raw, time.monotonic() - started)
        if stream and raw.status < 300:
            return Response(raw.status, raw.reason or "", Headers(raw.headers.items()), b"", raw, _origin(url))
        limit = ERROR_BODY_LIMIT if raw.status >= 300 else ANSWER_BODY_LIMIT
        body_bytes = b""
        try:
            body_bytes = read_at_most(_chunks(raw, 65536), limit + 1)
        except _LOW_LEVEL as failed:
            raise translate(failed, _origin(url)) from None
        finally:
            _finish(raw, complete=len(body_bytes) <= limit)
        if len(body_bytes) > limit:
            if raw.status < 300:
                raise AnswerTooLarge(
                    f"{_origin(url)} answered more than {limit // (1024 * 1024)} MiB, more than any S3 answer of "
                    "its kind: is host_base an S3 endpoint?",
                    url=_origin(url),
                )
            body_bytes = body_bytes[:limit]  # an error's status says enough; its text is cut short
        return Response(raw.status, raw.reason or "", Headers(raw.headers.items()), body_bytes)

    def close(self) -> None:
        with self._lock:
            for route in self._routes.values():
                route.pool.close()
            for manager in self._proxy_managers.values():
                manager.clear()
            self._routes.clear()


def _chunks(raw: urllib3.HTTPResponse, size: int) -> Iterator[bytes]:
    while chunk := raw.read(size):
        yield chunk


def _finish(raw: urllib3.HTTPResponse, *, complete: bool) -> None:
    """Back to the pool when the answer was read to its end; otherwise the connection still
    holds unread bytes and is closed instead (a capped or abandoned answer is never drained)."""
    if not complete:
        raw.close()
    raw.release_conn()

_log = logging.getLogger("s3cmd.http")


def _debug_exchange(method: str, url: str, sent: Mapping[str, str], raw: urllib3.HTTPResponse | None,
                    seconds: float, *, failure: str = "") -> None:
    """``--debug``: one line per request (method, URL, status, request ids, time), then the headers
    both ways; signatures and tokens redacted (``S3.output.log``). Every caller gets it: S3, STS, IMDS,
    container credentials."""
    if not _log.isEnabledFor(logging.DEBUG):
        return
    target = f"{method} {redact_url(url)}"
    if raw is None:
        _log.debug("%s failed after %.3fs: %s", target, seconds, failure)
    else:
        ids = ", ".join(f"{name}: {raw.headers[name]}" for name in ("x-amz-request-id", "x-amzn-requestid", "x-amz-id-2")
                        if name in raw.headers)
        _log.debug("%s -> %d %s in %.3fs%s", target, raw.status, raw.reason or "", seconds,
                   f" ({ids})" if ids else "")
    _log.debug("  request headers: %s", redact_headers(sent))
    if raw is not None:
        _log.debug("  response headers: %s", redact_headers(raw.headers))


def _origin(url: str) -> str:
    """Scheme, host and path, never the query (a presigned query holds a token)."""
    return url.split("?", 1)[0]
