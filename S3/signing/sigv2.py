"""AWS Signature Version 2 for S3 (``signature_v2 = True``), for old S3-compatible servers.

Reference: https://docs.aws.amazon.com/AmazonS3/latest/userguide/RESTAuthentication.html
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from collections.abc import Iterable, Mapping
from urllib.parse import quote

from S3.signing.sigv4 import SigningKeys

# Query parameters that name a sub-resource and so belong to the signed resource.
SUBRESOURCES = frozenset(
    """acl cors delete lifecycle location logging notification partNumber policy
    requestPayment restore tagging torrent uploadId uploads versionId versioning
    versions website ownershipControls publicAccessBlock legal-hold retention
    response-cache-control response-content-disposition response-content-encoding
    response-content-language response-content-type response-expires""".split()
)


def canonical_resource(path: str, params: Iterable[tuple[str, str]], *, bucket_in_host: str = "") -> str:
    resource = (f"/{bucket_in_host}" if bucket_in_host else "") + path
    subs = sorted((k, v) for k, v in params if k in SUBRESOURCES)
    if subs:
        resource += "?" + "&".join(f"{k}={v}" if v else k for k, v in subs)
    return resource


def string_to_sign(*, method: str, headers: Mapping[str, str], resource: str, expires: str = "") -> str:
    lower = {k.lower(): str(v).strip() for k, v in headers.items()}
    amz = sorted((k, v) for k, v in lower.items() if k.startswith("x-amz-"))
    date = expires or ("" if "x-amz-date" in lower else lower.get("date", ""))
    lines = [method.upper(), lower.get("content-md5", ""), lower.get("content-type", ""), date]
    lines += [f"{k}:{v}" for k, v in amz]
    lines.append(resource)
    return "\n".join(lines)


def signature(secret_key: str, text: str) -> str:
    digest = hmac.new(secret_key.encode("utf-8"), text.encode("utf-8"), hashlib.sha1).digest()
    return base64.b64encode(digest).decode("ascii")


def sign_headers(
    *, method: str, headers: Mapping[str, str], resource: str, keys: SigningKeys, http_date: str
) -> dict[str, str]:
    out = dict(headers)
    out["x-amz-date"] = http_date
    if keys.session_token:
        out["x-amz-security-token"] = keys.session_token
    sig = signature(keys.secret_key, string_to_sign(method=method, headers=out, resource=resource))
    out["Authorization"] = f"AWS {keys.access_key}:{sig}"
    return out


def presign_query(*, resource: str, keys: SigningKeys, expires_epoch: int) -> str:
    headers = {"x-amz-security-token": keys.session_token} if keys.session_token else {}
    sig = signature(
        keys.secret_key,
        string_to_sign(method="GET", headers=headers, resource=resource, expires=str(expires_epoch)),
    )
    query = f"AWSAccessKeyId={quote(keys.access_key, safe='')}&Expires={expires_epoch}&Signature={quote(sig, safe='')}"
    if keys.session_token:
        query += "&x-amz-security-token=" + quote(keys.session_token, safe="")
    return query
