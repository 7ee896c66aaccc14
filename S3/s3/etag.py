"""What an object's ETag says about its bytes.

The ETag of an object stored in one piece is the MD5 of its body, except under SSE-KMS and SSE-C
(AWS documents that those ETags are not MD5s); a multipart ETag (``…-N``) never is. Every check of
downloaded, uploaded or compared bytes asks here. Reads no environment variable or file.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from S3.transport.headers import as_headers

_PLAIN_MD5 = re.compile(r"[0-9a-f]{32}")


def is_md5_hex(text: str) -> bool:
    """True for 32 lower-case hex digits: an MD5 as ETags and s3cmd-attrs write it."""
    return _PLAIN_MD5.fullmatch(text) is not None


def etag_md5(etag: str) -> str | None:
    """The MD5 an ETag states, or None when it is not one (multipart ``…-N``, or anything else)."""
    text = etag.strip().strip('"').lower()
    return text if is_md5_hex(text) else None


def encrypted_etag(headers: Mapping[str, str]) -> bool:
    """True for SSE-KMS and SSE-C objects (or requests), whose ETag is not the MD5 of the body."""
    found = as_headers(headers)
    return (found.get("x-amz-server-side-encryption", "").lower().startswith("aws:kms")
            or "x-amz-server-side-encryption-customer-algorithm" in found)


def body_md5(headers: Mapping[str, str]) -> str | None:
    """The body's MD5 as the ETag in these (HEAD, GET or listing) headers states it, or None."""
    found = as_headers(headers)
    return None if encrypted_etag(found) else etag_md5(found.get("etag", ""))
