"""S3Client with a prehashed body (a multipart upload's part): the digests computed ahead are
the ones signed and sent, the body is read afresh for each attempt, and an empty SHA-256 goes
as UNSIGNED-PAYLOAD."""

from __future__ import annotations

import base64
import hashlib
import io

import pytest

from S3.credentials.refreshing import RefreshingCredentials
from S3.identity.model import Credentials
from S3.runtime import Runtime
from S3.s3.addressing import Endpoint
from S3.s3.client import ClientSettings, S3Client
from tests.scripted_http import ScriptedHttp

DATA = b"part bytes " * 100


class Static:
    name = "static"

    def load(self) -> Credentials:
        return Credentials("AKIDEXAMPLE", "secret", "", expiry=None, origin=self.name)


class Part:
    def __init__(self, sha256: str) -> None:
        self.md5 = hashlib.md5(DATA).digest()
        self.sha256 = sha256
        self.readers = 0

    def __len__(self) -> int:
        return len(DATA)

    def reader(self) -> io.BytesIO:
        self.readers += 1
        return io.BytesIO(DATA)


@pytest.mark.parametrize("sha256", [hashlib.sha256(DATA).hexdigest(), ""])
def test_prehashed_part_is_signed_with_its_digests_and_reread_on_retry(sha256: str) -> None:
    http = ScriptedHttp()
    url = "http://127.0.0.1:9/bkt/key"
    http.put(url, status=500, body="<Error><Code>InternalError</Code><Message>x</Message></Error>")
    http.add("PUT", url, body=b"", headers={"ETag": f'"{hashlib.md5(DATA).hexdigest()}"'})
    client = S3Client(endpoint=Endpoint("127.0.0.1:9", "127.0.0.1:9", use_https=False), transport=http,
                      credentials=RefreshingCredentials(Static()), settings=ClientSettings(max_retries=2),
                      runtime=Runtime(env={}, sleep=lambda s: None, random=lambda: 0.5))
    part = Part(sha256)
    client.upload_part("bkt", "key", upload_id="u1", number=1, data=part)
    assert len(http.calls) == 2 and part.readers == 2
    for call in http.calls:
        sent = call.request
        assert sent.body == DATA and sent.headers["Content-Length"] == str(len(DATA))
        # a signed SHA-256 is what the server checks; an unsigned part carries its MD5 instead
        assert sent.headers.get("Content-MD5") == (None if sha256 else base64.b64encode(part.md5).decode())
        assert sent.headers["x-amz-content-sha256"] == (sha256 or "UNSIGNED-PAYLOAD")


def test_a_signed_part_whose_etag_is_no_md5_keeps_content_md5() -> None:
    http = ScriptedHttp()
    url = "http://127.0.0.1:9/bkt/key"
    http.add("PUT", url, body=b"", headers={"ETag": '"not-an-md5-under-sse-kms"'})  # accepted as it is
    client = S3Client(endpoint=Endpoint("127.0.0.1:9", "127.0.0.1:9", use_https=False), transport=http,
                      credentials=RefreshingCredentials(Static()), settings=ClientSettings(max_retries=2),
                      runtime=Runtime(env={}, sleep=lambda s: None, random=lambda: 0.5))
    part = Part(hashlib.sha256(DATA).hexdigest())
    client.upload_part("bkt", "key", upload_id="u1", number=1, data=part, etag_unverifiable=True)
    assert len(http.calls) == 1
    sent = http.calls[0].request
    assert sent.headers["Content-MD5"] == base64.b64encode(part.md5).decode()
    assert sent.headers["x-amz-content-sha256"] == part.sha256
