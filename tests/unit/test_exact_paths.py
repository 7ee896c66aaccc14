"""Keys with dot segments or empty segments are addressed and signed exactly as given."""

from __future__ import annotations

import pytest

from S3.s3.addressing import Endpoint
from S3.signing import sigv2

KEYS = ["p/./x.txt", "p/../y.txt", "../x", "a//b", "./c", "/abs/x", "d/"]


@pytest.mark.parametrize("key", KEYS)
def test_path_style_keeps_every_segment(key: str) -> None:
    loc = Endpoint(host_base="127.0.0.1:9000", host_bucket="127.0.0.1:9000", use_https=False).locate("bkt", key)
    assert loc.canonical_uri == f"/bkt/{key}"
    assert loc.url == f"http://127.0.0.1:9000/bkt/{key}"
    assert sigv2.canonical_resource(loc.canonical_uri, []) == f"/bkt/{key}"


@pytest.mark.parametrize("key", KEYS)
def test_virtual_host_style_keeps_every_segment(key: str) -> None:
    loc = Endpoint().locate("bkt", key)
    assert loc.canonical_uri == f"/{key}"
    assert loc.url == f"https://bkt.s3.amazonaws.com/{key}"
    assert sigv2.canonical_resource(loc.canonical_uri, [], bucket_in_host=loc.bucket_in_host) == f"/bkt/{key}"
