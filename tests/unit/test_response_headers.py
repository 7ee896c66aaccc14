"""``Headers``: an answer's headers, case-insensitive like urllib3's, in a plain dict."""

from __future__ import annotations

import urllib3

from S3.transport.headers import Headers, as_headers


def test_lookups_ignore_case_and_iteration_keeps_the_names_sent() -> None:
    headers = Headers([("ETag", '"abc"'), ("x-amz-meta-S3cmd-Attrs", "md5:1")])
    assert headers["etag"] == headers["ETAG"] == headers.get("Etag") == '"abc"'
    assert "X-AMZ-META-s3cmd-attrs" in headers and "missing" not in headers and 5 not in headers
    assert headers.get("missing") is None and headers.get("missing", "") == ""
    assert list(headers) == ["ETag", "x-amz-meta-S3cmd-Attrs"]
    assert headers.lowered() == {"etag": '"abc"', "x-amz-meta-s3cmd-attrs": "md5:1"}
    assert len(headers) == 2 and dict(headers) == {"ETag": '"abc"', "x-amz-meta-S3cmd-Attrs": "md5:1"}


def test_a_name_sent_twice_reads_as_urllib3_reads_it() -> None:
    raw = urllib3.HTTPHeaderDict()
    raw.add("Vary", "Origin")
    raw.add("vary", "Accept")
    raw.add("ETag", "e")
    headers = Headers(raw.items())
    assert headers["VARY"] == raw["vary"] == "Origin, Accept"
    assert headers["etag"] == raw["etag"]


def test_as_headers_wraps_any_mapping_once() -> None:
    plain = {"Content-Length": "3"}
    wrapped = as_headers(plain)
    assert wrapped["content-length"] == "3" and as_headers(wrapped) is wrapped


def test_header_size_takes_plain_digits_only() -> None:
    from S3.transport.headers import header_size

    assert header_size({"Content-Length": "5000"}, "content-length") == 5000
    assert header_size(Headers([("content-length", " 0 ")]), "Content-Length") == 0
    for bad in ("abc", "-5", "+5", "\u00b2", "1e3", ""):
        assert header_size({"Content-Length": bad}, "Content-Length") is None, bad
    assert header_size({}, "Content-Length") is None
