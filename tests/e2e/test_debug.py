"""``--debug`` shows every HTTP exchange (method, URL, status, request id, time, headers) and no secret."""

from __future__ import annotations

import re

from tests.conftest import S3cmdRunner, write_config
from tests.servers import MotoServer

SECRET = "debugSecretKey0123456789abcdefghijklmnop"
TOKEN = "FwoGZXIvYXdzEDebugSessionToken+/=0123456789"


def test_debug_lines_and_no_secrets(s3cmd: S3cmdRunner, moto_server: MotoServer, bucket: str,
                                    relaxed_auth: None) -> None:
    config = write_config(s3cmd.home / "debug.s3cfg", moto_server, None, access_key="AKIADEBUGKEYID",
                          secret_key=SECRET, access_token=TOKEN)
    (s3cmd.home / "f").write_bytes(b"hello")
    result = s3cmd("--debug", "put", "f", f"s3://{bucket}/f", config=config)
    assert result.rc == 0, result.output
    line = re.search(rf"^DEBUG: PUT http://127\.0\.0\.1:\d+/{bucket}/f -> 200 OK in \d+\.\d{{3}}s \((.*)\)$",
                     result.stderr, re.M)
    assert line, result.stderr
    assert re.search(r"x-amzn?-request-?id: \S+", line.group(1), re.I), line.group(0)
    assert re.search(r"^DEBUG:   request headers: .*'Authorization': 'AWS4-HMAC-SHA256 Credential=AKIADEBUGKEYID/"
                     r"\d{8}/us-east-1/s3/aws4_request, SignedHeaders=[a-z0-9;-]+, Signature=\*\* redacted \*\*'",
                     result.stderr, re.M), result.stderr
    assert "'x-amz-security-token': '** redacted **'" in result.stderr
    assert "DEBUG:   response headers: {" in result.stderr
    for secret in (SECRET, TOKEN, TOKEN[:20]):
        assert secret not in result.output
    assert not re.search(r"Signature=[0-9a-f]{64}", result.output)


def test_failed_request_is_logged_with_its_reason(s3cmd: S3cmdRunner, moto_server: MotoServer) -> None:
    config = write_config(s3cmd.home / "dead.s3cfg", moto_server, None, access_key="AKIADEBUGKEYID",
                          secret_key=SECRET, max_retries="0")
    text = config.read_text().replace(moto_server.url.split("//", 1)[1], "127.0.0.1:9")
    config.write_text(text)
    result = s3cmd("--debug", "ls", "s3://nothing-here", config=config)
    assert result.rc != 0
    assert re.search(r"^DEBUG: GET http://127\.0\.0\.1:9/nothing-here/\S* failed after \d+\.\d{3}s: ",
                     result.stderr, re.M), result.stderr
    assert SECRET not in result.output
