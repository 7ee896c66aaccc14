"""What every HTTP transport shares: the ``HttpClient`` seam, the ``Response`` it returns, its
settings, the caps on what an answer may make us hold, ``--debug`` lines, and ``translate``,
the one place where socket, TLS and HTTP-library exceptions become our transport errors.

The transports: ``S3.transport.wire`` (our HTTP/1.1 client, every direct connection) and
``S3.transport.proxied`` (urllib3, only when a proxy is configured). ``new_transport`` picks.

Reads: ``ca_certs_file``, else ``AWS_CA_BUNDLE`` / ``REQUESTS_CA_BUNDLE`` / ``CURL_CA_BUNDLE``, else the
system store (``tls_context``).
"""

from __future__ import annotations

import logging
import os
import socket
import sys
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import IO, TYPE_CHECKING, Protocol
from urllib.parse import urlsplit

from S3.output.log import redact_headers, redact_url
from S3.transport.errors import (
    AnswerTooLarge,
    ConnectionFailed,
    NameNotResolved,
    RequestTimedOut,
    TlsError,
    TransportError,
)

if TYPE_CHECKING:
    import ssl  # loaded by the first https:// request (or by urllib3): a run over plain HTTP never needs it

Body = bytes | IO[bytes] | None
# What we hold in memory of an answer. An S3 <Error> is well under 1 KiB: 64 KiB of an
# error body is plenty, and the rest of a hostile "10 GB error" is never read. A listing
# page of 1,000 keys of up to 1 KiB each, XML-escaped, is a few MiB; 64 MiB leaves room
# for any S3 answer we parse while bounding what a broken endpoint can make us hold.
ERROR_BODY_LIMIT = 64 * 1024
ANSWER_BODY_LIMIT = 64 * 1024 * 1024
CA_BUNDLE_VARS = ("AWS_CA_BUNDLE", "REQUESTS_CA_BUNDLE", "CURL_CA_BUNDLE")
USER_AGENT = "s3cmd-modern"


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


def tls_context(settings: TransportSettings) -> ssl.SSLContext:
    """One SSL context for the run (loading the CA store takes milliseconds): the CA bundle, the
    certificate and host name checks, and the client certificate that ``settings`` ask for."""
    import ssl

    env_ca = next((os.environ[n] for n in CA_BUNDLE_VARS if os.environ.get(n)), "")
    context = ssl.create_default_context(cafile=(settings.ca_certs_file or env_ca) or None)
    if not settings.check_ssl_certificate:
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE
    elif not settings.check_ssl_hostname:
        context.check_hostname = False  # the chain is still verified
    if settings.ssl_client_cert_file:
        context.load_cert_chain(settings.ssl_client_cert_file, settings.ssl_client_key_file or None)
    return context


class BodyStream(Protocol):
    """The unread rest of an answer, as a transport hands it out for ``stream=True``."""

    def read(self, size: int) -> bytes:
        """Up to ``size`` bytes; b"" at the end. Raises ``TransportError`` (already translated)."""
        ...

    def finish(self, *, complete: bool) -> None:
        """Done with it: the connection goes back to its pool when the answer was read to its
        end, and is closed otherwise (a capped or abandoned answer is never drained)."""
        ...


@dataclass
class Response:
    status: int
    reason: str
    headers: Mapping[str, str]  # case-insensitive (``Headers``)
    body: bytes
    _stream: BodyStream | None = None

    def iter_body(self, chunk_size: int) -> Iterator[bytes]:
        """Stream the body of a ``stream=True`` response; failures come as ``TransportError``."""
        if self._stream is None:
            yield self.body
            return
        stream, complete = self._stream, False
        try:
            while chunk := stream.read(chunk_size):
                yield chunk
            complete = True
        finally:
            stream.finish(complete=complete)

    def close(self) -> None:
        if self._stream is not None:
            self._stream.finish(complete=False)


class HttpClient(Protocol):
    def send(
        self, method: str, url: str, *, headers: Mapping[str, str], body: Body = None, stream: bool = False
    ) -> Response: ...

    def close(self) -> None: ...


def new_transport(settings: TransportSettings) -> HttpClient:
    """The transport for ``settings``: ours, which hands proxied origins to urllib3."""
    from S3.transport.wire import WireTransport

    return WireTransport(settings)


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


def buffered_answer(status: int, reason: str, headers: Mapping[str, str], stream: BodyStream, *,
                    url: str) -> Response:
    """A whole answer read into memory, within its cap: ``ANSWER_BODY_LIMIT`` for a success,
    ``ERROR_BODY_LIMIT`` for an error (whose text is then cut short)."""
    limit = ERROR_BODY_LIMIT if status >= 300 else ANSWER_BODY_LIMIT
    body = b""
    try:
        body = read_at_most(iter(lambda: stream.read(65536), b""), limit + 1)
    finally:
        stream.finish(complete=len(body) <= limit)
    if len(body) > limit:
        if status < 300:
            raise AnswerTooLarge(
                f"{url} answered more than {limit // (1024 * 1024)} MiB, more than any S3 answer of its kind: "
                "is host_base an S3 endpoint?",
                url=url,
            )
        body = body[:limit]
    return Response(status, reason, headers, body)


class ConnectTimedOut(TimeoutError):
    """No connection (or no TLS handshake) within ``connect_timeout``."""


def translate(failed: BaseException, url: str) -> TransportError:
    """Socket, TLS and HTTP exceptions → our transport errors (the only place this happens).
    ``url`` is the request's scheme, host and path."""
    ssl = sys.modules.get("ssl")  # not loaded: no TLS was attempted, so no TLS failure to find
    if ssl is not None and find_cause(failed, ssl.SSLError, ssl.CertificateError):
        return TlsError(
            f"TLS problem talking to {url}: {_tls_reason(failed)}. Give the CA with --ca-certs (ca_certs_file, "
            "AWS_CA_BUNDLE), or --no-check-hostname / --no-check-certificate for a test endpoint",
            url=url,
        )
    if find_cause(failed, socket.gaierror) is not None:
        return NameNotResolved(host_of(url), url=url)
    if find_cause(failed, ConnectionRefusedError) or "Connection refused" in str(failed):
        return ConnectionFailed(f"Connection refused by {url}", url=url, refused=True)
    timeout = find_cause(failed, TimeoutError)
    if timeout is not None:
        kind = "ConnectTimeout" if isinstance(timeout, ConnectTimedOut) else "ReadTimeout"
        return RequestTimedOut(f"Request to {url} timed out ({kind})", url=url)
    return ConnectionFailed(f"Connection to {url} failed: {_short(str(failed) or type(failed).__name__)}", url=url)


def find_cause(failed: BaseException, *kinds: type[BaseException]) -> BaseException | None:
    """The first exception of ``kinds`` in ``failed``'s chain: causes, contexts, and the
    exceptions a library carries as arguments (``ProtocolError("…", ConnectionResetError())``)."""
    pending: list[object] = [failed]
    seen: set[int] = set()
    while pending and len(seen) < 50:
        item = pending.pop(0)
        if not isinstance(item, BaseException) or id(item) in seen:
            continue
        seen.add(id(item))
        if isinstance(item, kinds):
            return item
        pending.extend([item.__cause__, item.__context__, *item.args, getattr(item, "reason", None)])
    return None


def host_of(url: str) -> str:
    try:
        return urlsplit(url).hostname or url
    except ValueError:
        return url


def _tls_reason(failed: BaseException) -> str:
    """The innermost certificate complaint, not a library's wrapping of it."""
    import ssl

    verify = find_cause(failed, ssl.SSLCertVerificationError)
    if verify is not None:
        return getattr(verify, "verify_message", None) or str(verify)
    inner = find_cause(failed, ssl.CertificateError, ssl.SSLError)
    return str(inner) if inner is not None else _short(str(failed))


def _short(text: str) -> str:
    return text if len(text) < 300 else text[:300] + "…"


_log = logging.getLogger("s3cmd.http")


def debug_exchange(method: str, url: str, sent: Mapping[str, str],
                   answer: tuple[int, str, Mapping[str, str]] | None, seconds: float, *, failure: str = "") -> None:
    """``--debug``: one line per request (method, URL, status, request ids, time), then the headers
    both ways; signatures and tokens redacted (``S3.output.log``). Every caller gets it: S3, STS, IMDS,
    container credentials. ``answer``: status, reason and headers; None when none came."""
    if not _log.isEnabledFor(logging.DEBUG):
        return
    target = f"{method} {redact_url(url)}"
    if answer is None:
        _log.debug("%s failed after %.3fs: %s", target, seconds, failure)
    else:
        status, reason, headers = answer
        ids = ", ".join(f"{name}: {headers[name]}" for name in ("x-amz-request-id", "x-amzn-requestid", "x-amz-id-2")
                        if name in headers)
        _log.debug("%s -> %d %s in %.3fs%s", target, status, reason, seconds, f" ({ids})" if ids else "")
    _log.debug("  request headers: %s", redact_headers(sent))
    if answer is not None:
        _log.debug("  response headers: %s", redact_headers(answer[2]))


def split_url(url: str) -> tuple[str, str]:
    """``scheme://host[:port]`` and the request target after it, exactly as written ("/" if none)."""
    path_start = url.find("/", url.find("://") + 3)
    return (url, "/") if path_start < 0 else (url[:path_start], url[path_start:])


def origin_of(url: str) -> str:
    """Scheme, host and path, never the query (a presigned query holds a token)."""
    return url.split("?", 1)[0]

