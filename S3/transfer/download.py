"""Get one object: streamed to a temporary file beside the destination, verified,
then renamed into place, so an interrupted ``get`` never leaves a partial file
under the destination name. A connection that drops mid-body resumes with a
Range request instead of starting over.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from collections.abc import Callable
from typing import IO

from S3.errors import TransferError
from S3.s3.client import S3Client
from S3.transfer.bandwidth import UNLIMITED, RateLimiter
from S3.transport.errors import TransportError
from S3.transport.retry import RetryPolicy

Progress = Callable[[int], None]
CHUNK = 1024 * 1024


def _copy_body(
    client: S3Client, bucket: str, key: str, out: IO[bytes], *, offset: int, progress: Progress | None,
    digest: hashlib._Hash | None,
    limiter: RateLimiter,
) -> tuple[int, str]:
    """Write the object from ``offset`` to ``out``; resume on dropped connections.

    Returns (bytes written, the object's ETag from the first answer).
    """
    written = offset
    policy = RetryPolicy(max_retries=client.settings.max_retries)
    expected: int | None = None
    etag = ""
    while True:
        answer = client.get_object(bucket, key, offset=written)
        if expected is None:
            length = answer.headers.get("Content-Length")
            expected = written + int(length) if length is not None else None
            etag = answer.headers.get("ETag", "").strip('"')
            if answer.headers.get("x-amz-server-side-encryption") == "aws:kms":
                etag = ""  # an SSE-KMS ETag is not the MD5 of the body
        try:
            for chunk in answer.iter_body(CHUNK):
                limiter.consume(len(chunk))
                out.write(chunk)
                if digest is not None:
                    digest.update(chunk)
                written += len(chunk)
                if progress:
                    progress(len(chunk))
        except TransportError:
            if policy.exhausted:
                raise
            policy = policy.increment()
            continue
        if expected is not None and written < expected:
            if policy.exhausted:
                raise TransferError(f"Download of s3://{bucket}/{key} ended early ({written} of {expected} bytes)")
            policy = policy.increment()
            continue
        return written - offset, etag


def download_to_file(
    client: S3Client,
    bucket: str,
    key: str,
    dest: str,
    *,
    resume: bool = False,
    progress: Progress | None = None,
    limiter: RateLimiter = UNLIMITED,
) -> int:
    """Download to ``dest`` atomically (or append to it with ``resume``); returns bytes received."""
    if resume and os.path.exists(dest):
        with open(dest, "ab") as out:
            return _copy_body(client, bucket, key, out, offset=out.tell(), progress=progress, digest=None,
                              limiter=limiter)[0]
    directory = os.path.dirname(os.path.abspath(dest))
    fd, temp = tempfile.mkstemp(dir=directory, prefix=f".{os.path.basename(dest)}.", suffix=".s3cmd-part")
    try:
        digest = hashlib.md5()
        with os.fdopen(fd, "wb") as out:
            received, etag = _copy_body(
                client, bucket, key, out, offset=0, progress=progress, digest=digest, limiter=limiter
            )
        # A multipart ETag ("…-N") or an SSE-KMS one is not an MD5 of the body.
        expected_md5 = etag if len(etag) == 32 and "-" not in etag else ""
        if expected_md5 and expected_md5 != digest.hexdigest():
            raise TransferError(
                f"MD5 of the downloaded s3://{bucket}/{key} ({digest.hexdigest()}) does not match its ETag "
                f"({expected_md5}); nothing was written to '{dest}'. Retry the download"
            )
        os.chmod(temp, 0o666 & ~_umask())
        os.replace(temp, dest)
        return received
    except BaseException:
        try:
            os.unlink(temp)
        except FileNotFoundError:
            pass
        raise


def download_to_stream(
    client: S3Client,
    bucket: str,
    key: str,
    out: IO[bytes],
    *,
    progress: Progress | None = None,
    limiter: RateLimiter = UNLIMITED,
) -> int:
    received, _ = _copy_body(client, bucket, key, out, offset=0, progress=progress, digest=None, limiter=limiter)
    out.flush()
    return received


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask
