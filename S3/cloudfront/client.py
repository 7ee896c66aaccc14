"""A small CloudFront client (API 2020-05-31): distributions and invalidations, each request
signed with SigV4 (service ``cloudfront``, region ``us-east-1``: CloudFront is global) from
one credential snapshot, retried with the S3 client's policy, re-signed after a refresh.

The endpoint is ``cloudfront_host``: a host name (scheme from ``use_https``) or a whole
``http(s)://host[:port]`` URL. Reads ``S3CMD_RETRY_DELAY_SCALE`` (tests only), as the S3
client does.
"""

from __future__ import annotations

import hashlib
import logging
import xml.etree.ElementTree as ET
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from urllib.parse import urlsplit

from S3.cloudfront import xml as cfxml
from S3.credentials.refreshing import RefreshingCredentials
from S3.runtime import Runtime
from S3.s3.errors import S3Error
from S3.signing import sigv4
from S3.transport.http import HttpClient, Response
from S3.transport.retry import Again, is_retryable_answer, parse_retry_after, run, s3_policy

log = logging.getLogger("s3cmd.cloudfront")

SCOPE = sigv4.Scope("us-east-1", "cloudfront")
_REFRESH_CODES = frozenset({"ExpiredToken", "InvalidToken", "TokenRefreshRequired", "InvalidClientTokenId"})
_PREFIX = f"/{cfxml.API_VERSION}/distribution"


class CloudFrontError(S3Error):
    """CloudFront answered with an error; printed as s3cmd prints it (``S3 error: 404 (NoSuchDistribution): …``)."""


def endpoint_url(host: str, *, use_https: bool) -> str:
    """``cloudfront_host`` → base URL: a URL is taken as is, a bare host gets ``use_https``'s scheme."""
    host = host.strip().rstrip("/")
    if host.startswith(("http://", "https://")):
        return host
    return f"{'https' if use_https else 'http'}://{host}"


@dataclass(frozen=True)
class Answer:
    body: bytes
    etag: str


class CloudFrontClient:
    def __init__(self, *, endpoint: str, transport: HttpClient, credentials: RefreshingCredentials, runtime: Runtime,
                 max_retries: int) -> None:
        self.endpoint = endpoint
        self.host = urlsplit(endpoint).netloc
        self.transport = transport
        self.credentials = credentials
        self.runtime = runtime
        self.max_retries = max_retries

    # -- the one request path --------------------------------------------

    def _send(self, method: str, path: str, *, query: Sequence[tuple[str, str]] = (), body: bytes = b"",
              headers: Mapping[str, str] | None = None) -> Answer:
        base = dict(headers or {})
        if body:
            base["Content-Type"] = "text/xml"
        payload_hash = hashlib.sha256(body).hexdigest()
        query_string = sigv4.canonical_query(query)
        url = self.endpoint + path + (f"?{query_string}" if query_string else "")
        resource = f"cloudfront {method} {path}"
        refreshed = False

        def attempt(number: int) -> Answer | Again:
            nonlocal refreshed
            creds = self.credentials.snapshot()
            signed = sigv4.sign_headers(
                method=method, canonical_uri=path, query=query_string, headers={"host": self.host, **base},
                payload_hash=payload_hash, keys=sigv4.SigningKeys(creds.access_key, creds.secret_key,
                                                                  creds.session_token),
                scope=SCOPE, now=self.runtime.clock(), add_content_sha256=False,
            )
            signed.pop("host", None)
            answer = self.transport.send(method, url, headers=signed, body=body or None)
            if answer.status < 300:
                return Answer(answer.body, answer.headers.get("ETag", ""))
            error = self._error(answer, resource)
            if error.code in _REFRESH_CODES and not refreshed:
                refreshed = True
                if self.credentials.force_refresh(creds) is not creds:
                    return Again(error, "credentials refreshed", free=True)
            if is_retryable_answer(answer.status, error.code):
                return Again(error, f"{resource} ({error})", retry_after=parse_retry_after(answer.headers.get("Retry-After")))
            raise error

        return run(attempt, policy=s3_policy(self.max_retries, self.runtime.env), pacer=self.runtime)

    @staticmethod
    def _error(answer: Response, resource: str) -> CloudFrontError:
        parsed = S3Error.from_answer(status=answer.status, reason=answer.reason, body=answer.body, resource=resource)
        return CloudFrontError(status=parsed.status, reason=parsed.reason, code=parsed.code,
                               message=parsed.error_message, resource=resource)

    # -- distributions -----------------------------------------------------

    def list_distributions(self) -> list[cfxml.DistributionSummary]:
        found: list[cfxml.DistributionSummary] = []
        marker = ""
        for _ in range(10_000):  # bounded: a server that repeats its marker must not loop forever
            page, marker = cfxml.parse_distribution_list(
                self._send("GET", _PREFIX, query=[("Marker", marker)] if marker else ()).body)
            found += page
            if not marker:
                return found
        return found

    def get_distribution(self, dist_id: str) -> tuple[cfxml.Distribution, str]:
        answer = self._send("GET", f"{_PREFIX}/{sigv4.uri_encode(dist_id)}")
        return cfxml.parse_distribution(answer.body), answer.etag

    def get_config(self, dist_id: str) -> tuple[ET.Element, str]:
        answer = self._send("GET", f"{_PREFIX}/{sigv4.uri_encode(dist_id)}/config")
        return cfxml.parse_config(answer.body), answer.etag

    def put_config(self, dist_id: str, config: ET.Element, *, etag: str) -> tuple[cfxml.Distribution, str]:
        answer = self._send("PUT", f"{_PREFIX}/{sigv4.uri_encode(dist_id)}/config", body=cfxml.serialize(config),
                            headers={"If-Match": etag})
        return cfxml.parse_distribution(answer.body), answer.etag

    def create_distribution(self, config: ET.Element) -> tuple[cfxml.Distribution, str]:
        answer = self._send("POST", _PREFIX, body=cfxml.serialize(config))
        return cfxml.parse_distribution(answer.body), answer.etag

    def delete_distribution(self, dist_id: str, *, etag: str) -> None:
        self._send("DELETE", f"{_PREFIX}/{sigv4.uri_encode(dist_id)}", headers={"If-Match": etag})

    # -- invalidations -------------------------------------------------------

    def create_invalidation(self, dist_id: str, paths: Sequence[str], *, reference: str) -> cfxml.Invalidation:
        answer = self._send("POST", f"{_PREFIX}/{sigv4.uri_encode(dist_id)}/invalidation",
                            body=cfxml.build_invalidation(paths, reference))
        return cfxml.parse_invalidation(answer.body)

    def list_invalidations(self, dist_id: str) -> list[str]:
        found: list[str] = []
        marker = ""
        for _ in range(10_000):
            page, marker = cfxml.parse_invalidation_list(
                self._send("GET", f"{_PREFIX}/{sigv4.uri_encode(dist_id)}/invalidation",
                           query=[("Marker", marker)] if marker else ()).body)
            found += page
            if not marker:
                return found
        return found

    def get_invalidation(self, dist_id: str, request_id: str) -> cfxml.Invalidation:
        answer = self._send("GET", f"{_PREFIX}/{sigv4.uri_encode(dist_id)}/invalidation/{sigv4.uri_encode(request_id)}")
        return cfxml.parse_invalidation(answer.body)
