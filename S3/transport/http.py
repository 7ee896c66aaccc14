"""One pooled HTTP session and the one place low-level exceptions are translated.

Reads: ``HTTPS_PROXY`` / ``HTTP_PROXY`` / ``NO_PROXY`` (through requests) unless
``proxy_host`` is set, which wins; ``ca_certs_file`` or the system store.
"""

from __future__ import annotations

import logging
import os
import socket
import ssl
import threading
import time
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import IO, Any, Protocol

import requests
import requests.adapters
import urllib3
from requests.structures import CaseInsensitiveDict
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
    headers: CaseInsensitiveDict[str]
    body: bytes
    _raw: requests.Response | None = None

    def iter_body(self, chunk_size: int) -> Iterator[bytes]:
        """Stream the body of a ``stream=True`` response; transport errors are translated."""
        if self._raw is None:
            yield self.body
            return
        try:
            yield from self._raw.iter_content(chunk_size)
        except requests.exceptions.RequestException as failed:
            raise translate(failed, self._raw.url) from None
        finally:
            self._raw.close()

    def close(self) -> None:
        if self._raw is not None:
            self._raw.close()


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


class _HostnameUncheckedAdapter(requests.adapters.HTTPAdapter):
    """Verifies the certificate chain but not the host name (``check_ssl_hostname = False``)."""

    def __init__(self, *, ca_file: str, **kwargs: object) -> None:
        self._context = ssl.create_default_context(cafile=ca_file or None)
        self._context.check_hostname = False
        super().__init__(**kwargs)  # type: ignore[arg-type]

    def init_poolmanager(self, *args: object, **kwargs: object) -> None:
        kwargs["ssl_context"] = self._context
        kwargs["assert_hostname"] = False  # urllib3 matches names itself, after the handshake
        super().init_poolmanager(*args, **kwargs)  # type: ignore[arg-type]


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


class _ExactTargetAdapter(requests.adapters.HTTPAdapter):
    """For ``http://`` endpoints: proxied requests keep their exact path (see ``_ExactTargetPool``)."""

    def proxy_manager_for(self, proxy: str, **proxy_kwargs: Any) -> Any:
        manager = super().proxy_manager_for(proxy, **proxy_kwargs)
        if "http" in getattr(manager, "pool_classes_by_scheme", {}):
            manager.pool_classes_by_scheme = {**manager.pool_classes_by_scheme, "http": _ExactTargetPool}
        return manager


def translate(failed: Exception, url: str) -> TransportError:
    """requests/urllib3/socket exceptions → our transport errors (the only place this happens)."""
    text = str(failed)
    if isinstance(failed, requests.exceptions.SSLError):
        return TlsError(
            f"TLS problem talking to {url}: {_tls_reason(failed)}. Give the CA with --ca-certs (ca_certs_file, "
            "AWS_CA_BUNDLE), or --no-check-hostname / --no-check-certificate for a test endpoint",
            url=url,
        )
    if isinstance(failed, requests.exceptions.Timeout):
        return RequestTimedOut(f"Request to {url} timed out ({type(failed).__name__})", url=url)
    cause: BaseException | None = failed
    while cause is not None:
        if isinstance(cause, urllib3.exceptions.NameResolutionError | socket.gaierror):
            # the connection's host: the proxy's when we go through one
            host = getattr(getattr(cause, "conn", None), "host", None) or _host_of(url)
            return NameNotResolved(host, url=url, proxy=host != _host_of(url))
        if isinstance(cause, ConnectionRefusedError) or "Connection refused" in str(cause):
            return ConnectionFailed(f"Connection refused by {url}", url=url, refused=True)
        cause = cause.__cause__ or cause.__context__
    if isinstance(failed, requests.exceptions.RequestException):
        return ConnectionFailed(f"Connection to {url} failed: {_short(text)}", url=url)
    return ConnectionFailed(f"Connection to {url} failed: {type(failed).__name__}: {_short(text)}", url=url)


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
            return item.verify_message or str(item)
        if isinstance(item, ssl.CertificateError | ssl.SSLError):
            return str(item)
        pending.extend([item.__cause__, item.__context__, *item.args, getattr(item, "reason", None)])
    return _short(str(failed))


def _short(text: str) -> str:
    return text if len(text) < 300 else text[:300] + "…"


class RequestsTransport:
    """``HttpClient`` over one ``requests.Session`` (connection pooling, proxies, TLS)."""

    def __init__(self, settings: TransportSettings) -> None:
        self.settings = settings
        self._session = requests.Session()
        size = max(2, settings.pool_size)
        if settings.check_ssl_certificate and not settings.check_ssl_hostname:
            https_adapter: requests.adapters.HTTPAdapter = _HostnameUncheckedAdapter(
                ca_file=settings.ca_certs_file, pool_connections=size, pool_maxsize=size, max_retries=0
            )
        else:
            https_adapter = requests.adapters.HTTPAdapter(pool_connections=size, pool_maxsize=size, max_retries=0)
        self._session.mount("https://", https_adapter)
        self._session.mount("http://", _ExactTargetAdapter(pool_connections=size, pool_maxsize=size, max_retries=0))
        # requests would re-read the proxy variables from the environment on every request
        # (a measurable share of a many-small-files upload); read them once per host instead.
        self._session.trust_env = False
        self._proxies: dict[str, dict[str, str]] = {}
        if settings.proxy_host:
            proxy = f"http://{settings.proxy_host}:{settings.proxy_port}"
            self._session.proxies = {"http": proxy, "https": proxy}
        env_ca = next((os.environ[n] for n in _CA_BUNDLE_VARS if os.environ.get(n)), "")
        if not settings.check_ssl_certificate:
            self._session.verify = False
            urllib3.disable_warnings(urllib3.exceptions.InsecureRequestWarning)
        elif settings.ca_certs_file or env_ca:
            self._session.verify = settings.ca_certs_file or env_ca
        if settings.ssl_client_cert_file:
            self._session.cert = (
                (settings.ssl_client_cert_file, settings.ssl_client_key_file)
                if settings.ssl_client_key_file
                else settings.ssl_client_cert_file
            )
        # requests adds its own User-Agent and Accept-Encoding; S3 wants the body as stored.
        self._session.headers = CaseInsensitiveDict({"User-Agent": "s3cmd-modern", "Accept-Encoding": "identity"})

    def send(
        self, method: str, url: str, *, headers: Mapping[str, str], body: Body = None, stream: bool = False
    ) -> Response:
        send_headers = dict(headers)
        proxies = self._proxies_for(url)
        if not self.settings.pooling:
            send_headers["Connection"] = "close"
        started = time.monotonic()
        try:
            prepared = self._session.prepare_request(requests.Request(method, url, headers=send_headers, data=body))
            # requests removes dot segments from the path ("p/./x" → "p/x"), but S3 keys are
            # opaque: send the URL exactly as built (and signed). Ours are already encoded.
            if url.isascii() and url.isprintable() and " " not in url:
                prepared.url = url
            sending = self._session.merge_environment_settings(prepared.url, proxies, True, None, None)
            raw = self._session.send(
                prepared,
                allow_redirects=False,
                timeout=(self.settings.connect_timeout, self.settings.read_timeout),
                **sending,
            )
        except requests.exceptions.RequestException as failed:
            error = translate(failed, _origin(url))
            _debug_exchange(method, url, send_headers, None, time.monotonic() - started, failure=str(error))
            raise error from None
        _debug_exchange(method, url, raw.request.headers, raw, time.monotonic() - started)
        if stream and raw.status_code < 300:
            return Response(raw.status_code, raw.reason or "", raw.headers, b"", raw)
        limit = ERROR_BODY_LIMIT if raw.status_code >= 300 else ANSWER_BODY_LIMIT
        try:
            body_bytes = read_at_most(raw.iter_content(65536), limit + 1)
        except requests.exceptions.RequestException as failed:
            raise translate(failed, _origin(url)) from None
        finally:
            raw.close()
        if len(body_bytes) > limit:
            if raw.status_code < 300:
                raise AnswerTooLarge(
                    f"{_origin(url)} answered more than {limit // (1024 * 1024)} MiB, more than any S3 answer of "
                    "its kind: is host_base an S3 endpoint?",
                    url=_origin(url),
                )
            body_bytes = body_bytes[:limit]  # an error's status says enough; its text is cut short
        return Response(raw.status_code, raw.reason or "", raw.headers, body_bytes)

    def _proxies_for(self, url: str) -> dict[str, str]:
        if self.settings.proxy_host or not self.settings.proxy_from_env:
            return {}
        origin = url.split("/", 3)[:3]
        key = "/".join(origin)
        found = self._proxies.get(key)
        if found is None:
            # HTTPS_PROXY / HTTP_PROXY / ALL_PROXY, minus NO_PROXY matches
            found = self._proxies[key] = requests.utils.get_environ_proxies(key)
        return found

    def close(self) -> None:
        self._session.close()


_log = logging.getLogger("s3cmd.http")


def _debug_exchange(method: str, url: str, sent: Mapping[str, str], raw: requests.Response | None,
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
        _log.debug("%s -> %d %s in %.3fs%s", target, raw.status_code, raw.reason or "", seconds,
                   f" ({ids})" if ids else "")
    _log.debug("  request headers: %s", redact_headers(sent))
    if raw is not None:
        _log.debug("  response headers: %s", redact_headers(raw.headers))


def _origin(url: str) -> str:
    """Scheme, host and path, never the query (a presigned query holds a token)."""
    return url.split("?", 1)[0]
