"""``s3://bucket/key`` URIs."""

from __future__ import annotations

import re
from dataclasses import dataclass

from S3.errors import ParameterError

_BUCKET = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{1,254}$")


@dataclass(frozen=True)
class S3Uri:
    bucket: str
    key: str = ""

    def __str__(self) -> str:
        return f"s3://{self.bucket}/{self.key}"

    def join(self, key: str) -> S3Uri:
        return S3Uri(self.bucket, key)


_SCHEME = "s3://"


def is_s3_uri(text: str) -> bool:
    """``s3://`` in any case (``S3://b/k``), as upstream s3cmd accepts it."""
    return text[: len(_SCHEME)].lower() == _SCHEME


def parse(text: str) -> S3Uri:
    """Parse ``s3://bucket[/key]``; anything malformed is a parameter problem, never a traceback."""
    if not is_s3_uri(text):
        raise ParameterError(f"Expecting S3 URI (s3://BUCKET[/OBJECT]) instead of '{text}'")
    rest = text[len(_SCHEME) :]
    bucket, _, key = rest.partition("/")
    if bucket and not _BUCKET.match(bucket):
        raise ParameterError(
            f"Invalid bucket name '{bucket}' in '{text}': use 3 to 255 letters, digits, '.', '-' or '_'"
        )
    return S3Uri(bucket, key)


def parse_bucket(text: str) -> S3Uri:
    uri = parse(text)
    if not uri.bucket:
        raise ParameterError(f"Expecting S3 URI with a bucket name instead of '{text}'")
    return uri
