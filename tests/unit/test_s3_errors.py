"""S3Error's predicates: the one definition of "the key / bucket is missing" that commands use."""

from __future__ import annotations

import pytest

from S3.s3.errors import S3Error

NO_KEY = b"<Error><Code>NoSuchKey</Code><Message>The specified key does not exist.</Message></Error>"
NO_BUCKET = b"<Error><Code>NoSuchBucket</Code><Message>The specified bucket does not exist</Message></Error>"


def answer(status: int, body: bytes = b"", *, head: bool = False, reason: str = "Not Found") -> S3Error:
    return S3Error.from_answer(status=status, reason=reason, body=body, resource="s3://b/k", object_request=True,
                               head=head)


@pytest.mark.parametrize(
    ("error", "missing_key", "missing_bucket"),
    [
        (answer(404, NO_KEY), True, False),
        (answer(404, head=True), True, False),  # HEAD: no body, S3's code for a missing object
        (answer(404), True, False),  # a bodiless 404 to GET: the key, as s3cmd reads it
        (answer(404, NO_BUCKET), False, True),
        (answer(403, b"<Error><Code>AccessDenied</Code></Error>", reason="Forbidden"), False, False),
        (answer(500, b"<Error><Code>NoSuchKey</Code></Error>", reason="Oops"), False, False),
    ],
)
def test_missing_key_and_bucket(error: S3Error, missing_key: bool, missing_bucket: bool) -> None:
    assert (error.is_missing_key, error.is_missing_bucket) == (missing_key, missing_bucket)


def test_unsatisfiable_range() -> None:
    assert answer(416, reason="Requested Range Not Satisfiable").is_unsatisfiable_range
    assert not answer(404, NO_KEY).is_unsatisfiable_range
