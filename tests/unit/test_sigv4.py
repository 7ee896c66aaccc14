"""SigV4: the AWS S3 documentation examples, and botocore's S3 signer as an oracle."""

from __future__ import annotations

import hashlib
from datetime import datetime, timezone
from unittest import mock

from botocore.auth import S3SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials as BotoCredentials
from hypothesis import given, settings
from hypothesis import strategies as st

from S3.signing import sigv4

DOC_KEYS = sigv4.SigningKeys("AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY")
DOC_SCOPE = sigv4.Scope("us-east-1", "s3")
DOC_TIME = datetime(2013, 5, 24, 0, 0, 0, tzinfo=timezone.utc)
HOST = "examplebucket.s3.amazonaws.com"


def _signature(authorization: str) -> str:
    return authorization.rsplit("Signature=", 1)[1]


def test_get_object_example() -> None:
    headers = sigv4.sign_headers(
        method="GET", canonical_uri="/test.txt", query="", headers={"Host": HOST, "Range": "bytes=0-9"},
        payload_hash=sigv4.EMPTY_SHA256, keys=DOC_KEYS, scope=DOC_SCOPE, now=DOC_TIME,
    )
    assert _signature(headers["Authorization"]) == "f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41"
    assert "SignedHeaders=host;range;x-amz-content-sha256;x-amz-date" in headers["Authorization"]


def test_put_object_example() -> None:
    body = b"Welcome to Amazon S3."
    headers = sigv4.sign_headers(
        method="PUT", canonical_uri="/" + sigv4.uri_encode("test$file.text", safe="/"), query="",
        headers={"Host": HOST, "Date": "Fri, 24 May 2013 00:00:00 GMT", "x-amz-storage-class": "REDUCED_REDUNDANCY"},
        payload_hash=hashlib.sha256(body).hexdigest(), keys=DOC_KEYS, scope=DOC_SCOPE, now=DOC_TIME,
    )
    assert _signature(headers["Authorization"]) == "98ad721746da40c64f1a55b78f14c238d841ea1380cd77a1b5971af0ece108bd"


def test_get_lifecycle_and_list_examples() -> None:
    lifecycle = sigv4.sign_headers(
        method="GET", canonical_uri="/", query=sigv4.canonical_query([("lifecycle", "")]), headers={"Host": HOST},
        payload_hash=sigv4.EMPTY_SHA256, keys=DOC_KEYS, scope=DOC_SCOPE, now=DOC_TIME,
    )
    assert _signature(lifecycle["Authorization"]) == "fea454ca298b7da1c68078a5d1bdbfbbe0d65c699e0f91ac7a200a0136783543"
    listing = sigv4.sign_headers(
        method="GET", canonical_uri="/", query=sigv4.canonical_query([("prefix", "J"), ("max-keys", "2")]),
        headers={"Host": HOST}, payload_hash=sigv4.EMPTY_SHA256, keys=DOC_KEYS, scope=DOC_SCOPE, now=DOC_TIME,
    )
    assert _signature(listing["Authorization"]) == "34b48302e7b5fa45bde8084f4b7868a86f0a534bc59db6670ed5711ef69dc6f7"


def test_presigned_get_example() -> None:
    query = sigv4.presign_query(
        method="GET", canonical_uri="/test.txt", params=(), host=HOST, keys=DOC_KEYS, scope=DOC_SCOPE,
        now=DOC_TIME, expires=86400,
    )
    assert query.endswith("X-Amz-Signature=aeeed9bbccd4d02ee5c0109b86d86835f995330da4c265957d157751f604d404")


def test_presign_carries_the_session_token_inside_the_signed_query() -> None:
    keys = sigv4.SigningKeys("AKID", "secret", "the/session+token")
    query = sigv4.presign_query(method="GET", canonical_uri="/k", params=(), host=HOST, keys=keys,
                                scope=DOC_SCOPE, now=DOC_TIME, expires=60)
    signed_part, _, signature = query.rpartition("&X-Amz-Signature=")
    assert "X-Amz-Security-Token=the%2Fsession%2Btoken" in signed_part
    assert len(signature) == 64


def test_signing_keys_repr_hides_the_secret() -> None:
    assert "wJalr" not in repr(DOC_KEYS)


_text = st.text(alphabet=st.characters(min_codepoint=32, max_codepoint=0x2FF, blacklist_characters="\x7f"),
                min_size=0, max_size=20)
_names = st.text(alphabet="abcdefghijklmnopqrstuvwxyz-", min_size=1, max_size=12).filter(lambda s: not s.startswith("-"))


@settings(max_examples=250, deadline=None)
@given(
    method=st.sampled_from(["GET", "PUT", "POST", "DELETE", "HEAD"]),
    key=st.text(alphabet=st.characters(min_codepoint=33, max_codepoint=0x2FF, blacklist_characters="\x7f"),
                min_size=1, max_size=30),
    params=st.lists(st.tuples(_names, _text), max_size=4, unique_by=lambda p: p[0]),
    amz_headers=st.dictionaries(_names.map(lambda n: "x-amz-meta-" + n), _text.map(str.strip), max_size=3),
    body=st.binary(max_size=64),
    token=st.sampled_from(["", "FwoGZXIvYXdzEXAMPLE/token+="]),
    region=st.sampled_from(["us-east-1", "eu-west-1", "ap-northeast-1"]),
)
def test_matches_botocore_s3_signer(method, key, params, amz_headers, body, token, region) -> None:  # type: ignore[no-untyped-def]
    now = datetime(2026, 11, 22, 12, 34, 56, tzinfo=timezone.utc)
    canonical_uri = "/bucket/" + sigv4.uri_encode(key, safe="/")
    query = sigv4.canonical_query(params)
    url = f"https://s3.{region}.amazonaws.com{canonical_uri}" + (f"?{query}" if query else "")
    payload = hashlib.sha256(body).hexdigest()

    ours = sigv4.sign_headers(
        method=method, canonical_uri=canonical_uri, query=query,
        headers={"host": f"s3.{region}.amazonaws.com", **amz_headers}, payload_hash=payload,
        keys=sigv4.SigningKeys("AKIDEXAMPLE", "secret/KEY+example", token), scope=sigv4.Scope(region, "s3"), now=now,
    )

    request = AWSRequest(method=method, url=url, data=body, headers=dict(amz_headers))
    with mock.patch("botocore.auth.get_current_datetime", return_value=now.replace(tzinfo=None)):
        S3SigV4Auth(BotoCredentials("AKIDEXAMPLE", "secret/KEY+example", token or None), "s3", region).add_auth(request)
    assert ours["Authorization"] == request.headers["Authorization"]
