"""``s3://bucket/key`` URIs."""

from __future__ import annotations

import re
from dataclasses import dataclass

from S3.errors import ParameterError
from S3.output.formats import shown

_BUCKET = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{1,254}$")


@dataclass(frozen=True)
class S3Uri:
    bucket: str
    key: str = ""

    def __str__(self) -> str:
        """As output lines name it: a key's control characters escaped (``shown``), one object one line."""
        return shown(f"s3://{self.bucket}/{self.key}")

    def join(self, key: str) -> S3Uri:
        return S3Uri(self.bucket, key)


_SCHEME = "s3://"


def is_s3_uri(text: str) -> bool:
    """``s3://`` in any case (``S3://b/k``), as upstream s3cmd accepts it."""
    return text[: len(_SCHEME)].lower() == _SCHEME


def _printable(text: str) -> str:
    """``text`` with the bytes that are not UTF-8 shown as ``\\xe9``."""
    try:
        return text.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
    except UnicodeEncodeError:  # a lone surrogate that did not come from argv's bytes
        return text.encode("utf-8", "backslashreplace").decode("utf-8")


# What s3cmd 2.4.0 says of an argument that is no ``s3://`` URI, by where it stands; ``{}`` is the argument.
NOT_S3 = "Expecting S3 URI instead of '{}'"
NOT_S3_BUCKET_ONLY = "Expecting S3 URI with just the bucket name set instead of '{}'"
NOT_S3_UPLOAD_DESTINATION = "Destination must be S3Uri. Got: file://{}"
NOT_S3_COPY_DESTINATION = "Destination must be S3 URI. To download a file use 'get' or 'sync'."


def parse(text: str, *, not_s3: str = NOT_S3) -> S3Uri:
    """Parse ``s3://bucket[/key]``; anything malformed is a parameter problem, never a traceback."""
    if not is_s3_uri(text):
        raise ParameterError(not_s3.format(text))
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:  # argv bytes that are not UTF-8 (a Latin-1 terminal): no S3 name has them
        raise ParameterError(f"'{_printable(text)}' is not valid UTF-8, as S3 names must be: "
                             "check the terminal's or the script's encoding") from None
    rest = text[len(_SCHEME) :]
    bucket, _, key = rest.partition("/")
    if bucket and not _BUCKET.match(bucket):
        raise ParameterError(
            f"Invalid bucket name '{bucket}' in '{text}': use 3 to 255 letters, digits, '.', '-' or '_'"
        )
    return S3Uri(bucket, key)


# Characters a new bucket's name may have: DNS rules (outside us-east-1) or the legacy us-east-1 set.
_STRICT_CHARS = (re.compile(r"[^a-z0-9.-]"),
                 "lowercase us-ascii letters (a-z), digits (0-9), dot (.) and hyphen (-)")
_LENIENT_CHARS = (re.compile(r"[^A-Za-z0-9._-]"),
                  "us-ascii letters (a-z, A-Z), digits (0-9), dot (.), hyphen (-) and underscore (_)")


def check_new_bucket_name(bucket: str, *, dns_strict: bool) -> None:
    """Refuse, before any request, a name ``mb`` could not create, with s3cmd 2.4.0's rules and
    messages: DNS rules when the bucket goes outside us-east-1, the legacy set in us-east-1
    (whatever ``host_bucket`` says: addressing falls back to path style for such names)."""
    pattern, allowed = _STRICT_CHARS if dns_strict else _LENIENT_CHARS
    bad = pattern.search(bucket)
    if bad:
        raise ParameterError(f"Bucket name '{bucket}' contains disallowed character '{bad.group()}'. "
                             f"The only supported ones are: {allowed}.")
    if len(bucket) < 3:
        raise ParameterError(f"Bucket name '{bucket}' is too short (min 3 characters)")
    for limit in (255, 63) if dns_strict else (255,):
        if len(bucket) > limit:
            raise ParameterError(f"Bucket name '{bucket}' is too long (max {limit} characters)")
    for sequence in ("-.", "..") if dns_strict else ():
        if sequence in bucket:
            raise ParameterError(f"Bucket name '{bucket}' must not contain sequence '{sequence}' for DNS compatibility")
    # in us-east-1 too: ``parse`` refuses a leading '.', '-' or '_' for every command
    if not bucket[0].isalnum():
        raise ParameterError(f"Bucket name '{bucket}' must start with a letter or a digit")
    if dns_strict and not bucket[-1].isalnum():
        raise ParameterError(f"Bucket name '{bucket}' must end with a letter or a digit")


def parse_new_bucket(text: str, *, dns_strict: bool) -> S3Uri:
    """``s3://BUCKET`` for ``mb``: the name checked as ``check_new_bucket_name`` says."""
    if is_s3_uri(text) and text[len(_SCHEME):].partition("/")[0]:
        check_new_bucket_name(text[len(_SCHEME):].partition("/")[0], dns_strict=dns_strict)
    return parse_bucket_only(text)


def parse_bucket(text: str, *, not_s3: str = NOT_S3) -> S3Uri:
    uri = parse(text, not_s3=not_s3)
    if not uri.bucket:
        raise ParameterError(f"Expecting S3 URI with a bucket name instead of '{text}'")
    return uri


def parse_bucket_only(text: str) -> S3Uri:
    """``s3://BUCKET`` and nothing more, for the commands that act on a bucket (``mb``, ``rb``, ``ws-*``, …)."""
    uri = parse_bucket(text, not_s3=NOT_S3_BUCKET_ONLY)
    if uri.key:
        raise ParameterError(NOT_S3_BUCKET_ONLY.format(text))
    return uri
