"""AWS Signature Version 4, every stage a pure function.

The canonical URI is taken as sent: S3 wants the path URI-encoded exactly once
and not normalised, so callers encode keys with ``uri_encode(key, safe="/")``
and hand the result in. Generic services (STS) post to ``/`` where the two
rules agree.

Reference: https://docs.aws.amazon.com/AmazonS3/latest/API/sig-v4-header-based-auth.html
"""

from __future__ import annotations

import functools
import hashlib
import hmac
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timezone
from urllib.parse import quote

ALGORITHM = "AWS4-HMAC-SHA256"
EMPTY_SHA256 = hashlib.sha256(b"").hexdigest()
UNSIGNED_PAYLOAD = "UNSIGNED-PAYLOAD"
_UNRESERVED = "-_.~"
# Headers a proxy may rewrite; signing them would break requests in transit.
_UNSIGNABLE = frozenset({"authorization", "user-agent", "expect", "connection", "x-amzn-trace-id"})


@dataclass(frozen=True)
class SigningKeys:
    """The three parts of one credential snapshot the signer needs."""

    access_key: str
    secret_key: str
    session_token: str = ""

    def __repr__(self) -> str:
        return f"SigningKeys(access_key={self.access_key!r}, secret_key='** redacted **')"


@dataclass(frozen=True)
class Scope:
    region: str
    service: str

    def credential_scope(self, date_stamp: str) -> str:
        return f"{date_stamp}/{self.region}/{self.service}/aws4_request"


def uri_encode(value: str, *, safe: str = "") -> str:
    """Percent-encode everything but the unreserved set (and ``safe``), as SigV4 wants."""
    return quote(value, safe=_UNRESERVED + safe)


def canonical_query(params: Iterable[tuple[str, str]]) -> str:
    """Encode decoded (name, value) pairs and sort them by name, then value."""
    encoded = sorted((uri_encode(k), uri_encode(v)) for k, v in params)
    return "&".join(f"{k}={v}" for k, v in encoded)


def _trim(value: str) -> str:
    return " ".join(value.split())


def canonical_headers(headers: Mapping[str, str]) -> tuple[str, str]:
    """Return (canonical header block, signed header list) for the signable headers."""
    merged: dict[str, list[str]] = {}
    for name, value in headers.items():
        lname = name.lower().strip()
        if lname in _UNSIGNABLE:
            continue
        merged.setdefault(lname, []).append(_trim(str(value)))
    names = sorted(merged)
    block = "".join(f"{n}:{','.join(merged[n])}\n" for n in names)
    return block, ";".join(names)


def canonical_request(
    *,
    method: str,
    canonical_uri: str,
    query: str,
    headers: Mapping[str, str],
    payload_hash: str,
) -> tuple[str, str]:
    """Return (canonical request, signed headers)."""
    block, signed = canonical_headers(headers)
    text = "\n".join([method.upper(), canonical_uri or "/", query, block, signed, payload_hash])
    return text, signed


def string_to_sign(*, amz_date: str, scope: str, canonical: str) -> str:
    digest = hashlib.sha256(canonical.encode("utf-8")).hexdigest()
    return "\n".join([ALGORITHM, amz_date, scope, digest])


def _hmac(key: bytes, msg: str) -> bytes:
    return hmac.digest(key, msg.encode("utf-8"), "sha256")


@functools.lru_cache(maxsize=16)
def signing_key(secret_key: str, date_stamp: str, scope: Scope) -> bytes:
    """The day's key for a scope: four HMACs, the same for every request of a run that day."""
    k_date = _hmac(("AWS4" + secret_key).encode("utf-8"), date_stamp)
    k_region = _hmac(k_date, scope.region)
    k_service = _hmac(k_region, scope.service)
    return _hmac(k_service, "aws4_request")


def signature(key: bytes, text_to_sign: str) -> str:
    return hmac.digest(key, text_to_sign.encode("utf-8"), "sha256").hex()


def amz_timestamps(now: datetime) -> tuple[str, str]:
    """Return (``YYYYMMDDTHHMMSSZ``, ``YYYYMMDD``) for an aware or UTC-naive datetime."""
    if now.tzinfo is not None:
        now = now.astimezone(timezone.utc)
    amz_date = now.strftime("%Y%m%dT%H%M%SZ")
    return amz_date, amz_date[:8]


def sign_headers(
    *,
    method: str,
    canonical_uri: str,
    query: str,
    headers: Mapping[str, str],
    payload_hash: str,
    keys: SigningKeys,
    scope: Scope,
    now: datetime,
    add_content_sha256: bool = True,
) -> dict[str, str]:
    """Sign a request in the Authorization header.

    Returns the complete header set to send: the caller's headers plus
    ``x-amz-date``, ``x-amz-content-sha256`` (S3), ``x-amz-security-token``
    (temporary credentials; signed, as AWS requires) and ``Authorization``.
    """
    amz_date, date_stamp = amz_timestamps(now)
    out = {k: v for k, v in headers.items() if k.lower() not in ("authorization", "x-amz-date")}
    out["x-amz-date"] = amz_date
    if add_content_sha256:
        out["x-amz-content-sha256"] = payload_hash
    if keys.session_token:
        out["x-amz-security-token"] = keys.session_token
    canonical, signed = canonical_request(
        method=method, canonical_uri=canonical_uri, query=query, headers=out, payload_hash=payload_hash
    )
    credential_scope = scope.credential_scope(date_stamp)
    sts = string_to_sign(amz_date=amz_date, scope=credential_scope, canonical=canonical)
    sig = signature(signing_key(keys.secret_key, date_stamp, scope), sts)
    out["Authorization"] = (
        f"{ALGORITHM} Credential={keys.access_key}/{credential_scope}, "
        f"SignedHeaders={signed}, Signature={sig}"
    )
    return out


def presign_query(
    *,
    method: str,
    canonical_uri: str,
    params: Iterable[tuple[str, str]],
    host: str,
    keys: SigningKeys,
    scope: Scope,
    now: datetime,
    expires: int,
) -> str:
    """Return the full query string of a presigned URL (signature last)."""
    amz_date, date_stamp = amz_timestamps(now)
    credential_scope = scope.credential_scope(date_stamp)
    query_params = list(params) + [
        ("X-Amz-Algorithm", ALGORITHM),
        ("X-Amz-Credential", f"{keys.access_key}/{credential_scope}"),
        ("X-Amz-Date", amz_date),
        ("X-Amz-Expires", str(expires)),
        ("X-Amz-SignedHeaders", "host"),
    ]
    if keys.session_token:
        query_params.append(("X-Amz-Security-Token", keys.session_token))
    query = canonical_query(query_params)
    canonical, _ = canonical_request(
        method=method,
        canonical_uri=canonical_uri,
        query=query,
        headers={"host": host},
        payload_hash=UNSIGNED_PAYLOAD,
    )
    sts = string_to_sign(amz_date=amz_date, scope=credential_scope, canonical=canonical)
    sig = signature(signing_key(keys.secret_key, date_stamp, scope), sts)
    return f"{query}&X-Amz-Signature={sig}"
