"""Requests through an HTTP proxy, over urllib3: plain HTTP with the whole URL as the request
target, HTTPS through a CONNECT tunnel. Only ``S3.transport.wire`` uses it, for the origins
its proxy settings send through a proxy; everything else goes over our own HTTP/1.1 client.
Reads nothing: the proxy and the SSL context come from the caller.
"""

from __future__ import annotations

import http.client
import ssl
import threading
from collections.abc import Callable, Mapping
from typing import Any

import urllib3
from urllib3.util.url import parse_url

from S3.transport.errors import NameNotResolved, TransportError
from S3.transport.headers import Headers
from S3.transport.http import (
    Body,
    ConnectTimedOut,
    Response,
    TransportSettings,
    buffered_answer,
    find_cause,
    host_of,
    origin_of,
    split_url,
    translate,
)

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


def translate_urllib3(failed: BaseException, url: str) -> TransportError:
    """urllib3's exceptions in the terms ``translate`` reads: its timeouts carry no socket timeout,
    and a name that does not resolve may be the proxy's."""
    unresolved = find_cause(failed, urllib3.exceptions.NameResolutionError)
    if unresolved is not None:
        host = getattr(getattr(unresolved, "conn", None), "host", None) or host_of(url)
        return NameNotResolved(host, url=url, proxy=host != host_of(url))
    if not find_cause(failed, urllib3.exceptions.NewConnectionError):
        if find_cause(failed, urllib3.exceptions.ConnectTimeoutError):
            return translate(ConnectTimedOut("connect timed out"), url)
        if find_cause(failed, urllib3.exceptions.ReadTimeoutError):
            return translate(TimeoutError("read timed out"), url)
    return translate(failed, url)


class _Urllib3Body:
    """``BodyStream`` over a urllib3 answer read with ``preload_content=False``."""

    def __init__(self, raw: urllib3.HTTPResponse, url: str) -> None:
        self._raw = raw
        self._url = url

    def read(self, size: int) -> bytes:
        try:
            return self._raw.read(size)
        except _LOW_LEVEL as failed:
            raise translate_urllib3(failed, self._url) from None

    def finish(self, *, complete: bool) -> None:
        if not complete:
            self._raw.close()
        self._raw.release_conn()


class ProxiedTransport:
    """urllib3 proxy managers, one per proxy URL; each serves both schemes."""

    def __init__(self, settings: TransportSettings, *, tls: Callable[[], ssl.SSLContext]) -> None:
        self._size = max(2, settings.pool_size)
        self._timeout = urllib3.Timeout(connect=settings.connect_timeout, read=settings.read_timeout)
        self._settings = settings
        self._tls = tls
        self._managers: dict[str, urllib3.ProxyManager] = {}
        self._lock = threading.Lock()

    def _manager(self, proxy: str) -> urllib3.ProxyManager:
        with self._lock:
            manager = self._managers.get(proxy)
            if manager is None:
                tls: dict[str, Any] = {"ssl_context": self._tls(), "cert_reqs": "CERT_REQUIRED"}
                if not self._settings.check_ssl_certificate:
                    tls.update(cert_reqs="CERT_NONE", assert_hostname=False)
                    urllib3.disable_warnings(urllib3.exceptions.InsecureRequestWarning)
                elif not self._settings.check_ssl_hostname:
                    tls["assert_hostname"] = False
                # the manager gives the TLS options to its https pools only
                manager = urllib3.ProxyManager(proxy, num_pools=64, maxsize=self._size, timeout=self._timeout,
                                               retries=False, blocksize=256 * 1024, **tls)
                manager.pool_classes_by_scheme = {**manager.pool_classes_by_scheme, "http": _ExactTargetPool}
                self._managers[proxy] = manager
            return manager

    def send(self, method: str, url: str, *, proxy: str, headers: Mapping[str, str], body: Body,
             stream: bool) -> Response:
        """``url`` through ``proxy``; transport failures raise ``TransportError``."""
        try:
            parsed = parse_url(url)
            scheme = parsed.scheme or "http"
            pool = self._manager(proxy).connection_from_host(
                parsed.host or "", parsed.port or (443 if scheme == "https" else 80), scheme)
        except (urllib3.exceptions.LocationParseError, ssl.SSLError) as failed:
            # a host that is no host, a client certificate that does not load: never retried.
            raise translate_urllib3(failed, origin_of(url)) from None
        target = url if scheme == "http" else split_url(url)[1]
        try:
            raw = pool.urlopen(method, target, body=body, headers=dict(headers), retries=False, redirect=False,
                               assert_same_host=False, preload_content=False, decode_content=False,
                               timeout=self._timeout)
        except _LOW_LEVEL as failed:
            raise translate_urllib3(failed, origin_of(url)) from None
        answer = Headers(raw.headers.items())
        body_stream = _Urllib3Body(raw, origin_of(url))
        if stream and raw.status < 300:
            return Response(raw.status, raw.reason or "", answer, b"", body_stream)
        return buffered_answer(raw.status, raw.reason or "", answer, body_stream, url=origin_of(url))

    def close(self) -> None:
        with self._lock:
            for manager in self._managers.values():
                manager.clear()
            self._managers.clear()
