"""The S3 client's request loop against a scripted loopback server: retries with
backoff on 5xx and dropped connections, one refresh-and-re-sign on ExpiredToken,
and a region correction on a redirect hint."""

from __future__ import annotations

import base64
import hashlib
import threading
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from S3.credentials.refreshing import RefreshingCredentials
from S3.errors import TransferError
from S3.identity.model import Credentials
from S3.runtime import Runtime
from S3.s3.addressing import Endpoint
from S3.s3.client import ClientSettings, S3Client, UnverifiedUpload, multipart_etag
from S3.s3.errors import S3Error
from S3.s3.xml import MalformedAnswer
from S3.transport.errors import ConnectionFailed
from S3.transport.http import TransportSettings
from S3.transport.retry import RetryPolicy
from S3.transport.wire import WireTransport

BUCKETS = (b'<?xml version="1.0"?><ListAllMyBucketsResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/">'
           b"<Buckets><Bucket><Name>one</Name><CreationDate>2026-01-01T00:00:00.000Z</CreationDate></Bucket>"
           b"</Buckets></ListAllMyBucketsResult>")


def error_xml(code: str, extra: str = "") -> bytes:
    return f"<Error><Code>{code}</Code><Message>{code} happened</Message>{extra}</Error>".encode()


class Script:
    def __init__(self, answers: list) -> None:  # type: ignore[type-arg]
        self.answers = answers
        self.seen: list[dict[str, str]] = []


@pytest.fixture
def server() -> Iterator[tuple[str, Script]]:
    script = Script([])

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802
            self.rfile.read(int(self.headers.get("Content-Length") or 0))
            script.seen.append({"method": self.command, "path": self.path,
                                **{k.lower(): v for k, v in self.headers.items()}})
            answer = script.answers.pop(0) if script.answers else (200, BUCKETS, {})
            if answer == "drop":
                self.connection.close()
                return
            status, body, headers = answer
            self.send_response(status)
            for name, value in headers.items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        do_PUT = do_POST = do_DELETE = do_GET  # noqa: N815

        def log_message(self, *args: object) -> None:
            pass

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"127.0.0.1:{httpd.server_address[1]}", script
    httpd.shutdown()


class Generations:
    name = "sts"

    def __init__(self) -> None:
        self.count = 0

    def load(self) -> Credentials:
        self.count += 1
        return Credentials(f"AKIDGEN{self.count}", "secret", "token",
                           expiry=datetime.now(timezone.utc) + timedelta(hours=1), origin=self.name)


def make_client(host: str, provider, sleeps: list[float], *, retries: int = 5) -> S3Client:  # type: ignore[no-untyped-def]
    runtime = Runtime(env={}, sleep=sleeps.append, random=lambda: 0.5)
    return S3Client(
        endpoint=Endpoint(host, host, use_https=False),
        transport=WireTransport(TransportSettings(read_timeout=5, connect_timeout=2)),
        credentials=RefreshingCredentials(provider),
        settings=ClientSettings(max_retries=retries),
        runtime=runtime,
    )


def test_retries_5xx_and_dropped_connections_with_growing_backoff(server) -> None:  # type: ignore[no-untyped-def]
    host, script = server
    script.answers = [(503, error_xml("SlowDown"), {}), "drop", (500, error_xml("InternalError"), {})]
    sleeps: list[float] = []
    buckets = make_client(host, Generations(), sleeps).list_buckets()
    assert [b.name for b in buckets] == ["one"]
    assert len(script.seen) == 4
    assert sleeps == [1.5, 3.0, 6.0]  # equal jitter: (0.5 + 0.5 × rand 0.5) × 2 s × 2^attempt
    dates = {seen["x-amz-date"] for seen in script.seen}
    assert len(script.seen) == len([s for s in script.seen if "authorization" in s]) and dates


def test_gives_up_after_max_retries_with_the_server_error(server) -> None:  # type: ignore[no-untyped-def]
    host, script = server
    script.answers = [(503, error_xml("SlowDown"), {})] * 3
    sleeps: list[float] = []
    with pytest.raises(S3Error) as caught:
        make_client(host, Generations(), sleeps, retries=2).list_buckets()
    assert caught.value.exit_code == 15 and caught.value.code == "SlowDown"
    assert len(sleeps) == 2


def test_expired_token_refreshes_once_and_re_signs(server) -> None:  # type: ignore[no-untyped-def]
    host, script = server
    script.answers = [(400, error_xml("ExpiredToken"), {})]
    provider = Generations()
    make_client(host, provider, []).list_buckets()
    assert provider.count == 2
    assert "Credential=AKIDGEN1/" in script.seen[0]["authorization"]
    assert "Credential=AKIDGEN2/" in script.seen[1]["authorization"]


def test_expired_static_token_is_reported_not_looped(server) -> None:  # type: ignore[no-untyped-def]
    host, script = server
    script.answers = [(400, error_xml("ExpiredToken"), {})] * 3

    class Static:
        name = "config file"

        def load(self) -> Credentials:
            return Credentials("AKIDSTATIC", "secret", "old-token")

    with pytest.raises(S3Error) as caught:
        make_client(host, Static(), []).list_buckets()
    assert caught.value.exit_code == 77 and len(script.seen) == 1


def test_region_hint_re_signs_for_the_bucket_region(server) -> None:  # type: ignore[no-untyped-def]
    host, script = server
    hint = error_xml("AuthorizationHeaderMalformed", "<Region>eu-west-1</Region>")
    empty = (b'<ListBucketResult><IsTruncated>false</IsTruncated></ListBucketResult>')
    script.answers = [(400, hint, {}), (200, empty, {})]
    client = make_client(host, Generations(), [])
    pages = list(client.list_objects("bucket"))
    assert pages[0].objects == ()
    assert "/us-east-1/s3/" in script.seen[0]["authorization"]
    assert "/eu-west-1/s3/" in script.seen[1]["authorization"]


def test_connection_refused_maps_to_111() -> None:
    with pytest.raises(ConnectionFailed) as caught:
        make_client("127.0.0.1:1", Generations(), [], retries=0).list_buckets()
    assert caught.value.exit_code == 111


def total_wait(policy: RetryPolicy, rand: float) -> float:
    waited = 0.0
    for _ in range(100):  # bounded: the policy runs out long before
        if policy.exhausted:
            return waited
        delay = policy.delay(rand)
        waited += delay
        policy = policy.increment(delay)
    raise AssertionError("the policy never ran out")


def test_default_s3_policy_rides_out_a_20_second_brownout_and_gives_up_within_about_a_minute() -> None:
    policy = RetryPolicy.for_s3(5)
    assert total_wait(policy, 0.0) >= 25  # even the unluckiest jitter waits past a 20 s brownout
    assert total_wait(policy, 0.999) <= 60
    assert [policy.delay(0.0), policy.increment().delay(0.0)] == [1.0, 2.0]


def test_budget_bounds_the_wait_whatever_max_retries_says() -> None:
    assert total_wait(RetryPolicy.for_s3(1000), 0.999) <= 90
    assert total_wait(RetryPolicy.for_s3(5, scale=0.1), 0.999) <= 6


def test_brownout_waits_are_announced(server, caplog) -> None:  # type: ignore[no-untyped-def]
    host, script = server
    script.answers = [(503, error_xml("SlowDown"), {})] * 2
    with caplog.at_level("WARNING", logger="s3cmd"):
        make_client(host, Generations(), []).list_buckets()
    assert caplog.text.count("Retrying failed request") == 2 and "Waiting 2 sec..." in caplog.text


def etag(data: bytes) -> dict[str, str]:
    return {"ETag": f'"{hashlib.md5(data).hexdigest()}"'}


def test_put_sends_content_md5_and_resends_when_the_etag_disagrees(server) -> None:  # type: ignore[no-untyped-def]
    host, script = server
    script.answers = [(200, b"", etag(b"damaged")), (200, b"", etag(b"body"))]
    make_client(host, Generations(), []).put_object("b", "k", b"body", headers={})
    assert [seen["content-md5"] for seen in script.seen] == [base64.b64encode(hashlib.md5(b"body").digest()).decode()] * 2


def test_put_damaged_every_time_fails_and_removes_the_damaged_object(server) -> None:  # type: ignore[no-untyped-def]
    host, script = server
    script.answers = [(200, b"", etag(b"damaged"))] * 3 + [(204, b"", {})]
    with pytest.raises(TransferError, match="MD5 mismatch, 3 tries"):
        make_client(host, Generations(), []).put_object("b", "k", b"body", headers={})
    assert [seen["method"] for seen in script.seen] == ["PUT", "PUT", "PUT", "DELETE"]


def test_sse_kms_etag_is_not_compared(server) -> None:  # type: ignore[no-untyped-def]
    host, script = server
    script.answers = [(200, b"", {**etag(b"other"), "x-amz-server-side-encryption": "aws:kms"})]
    make_client(host, Generations(), []).put_object("b", "k", b"body", headers={})
    assert len(script.seen) == 1


def test_upload_part_resends_a_damaged_part(server) -> None:  # type: ignore[no-untyped-def]
    host, script = server
    script.answers = [(200, b"", etag(b"damaged")), (200, b"", etag(b"part"))]
    got = make_client(host, Generations(), []).upload_part("b", "k", upload_id="u", number=3, data=b"part")
    assert got.strip('"') == hashlib.md5(b"part").hexdigest() and len(script.seen) == 2


COMPLETED = b"<CompleteMultipartUploadResult><ETag>&quot;{}&quot;</ETag></CompleteMultipartUploadResult>"


def test_complete_answering_200_with_error_is_retried(server) -> None:  # type: ignore[no-untyped-def]
    host, script = server
    parts = [hashlib.md5(b"a").hexdigest(), hashlib.md5(b"b").hexdigest()]
    script.answers = [(200, error_xml("InternalError"), {}),
                      (200, COMPLETED.replace(b"{}", multipart_etag(parts).encode()), {})]
    sleeps: list[float] = []
    make_client(host, Generations(), sleeps).complete_multipart(
        "b", "k", upload_id="u", parts=[(1, parts[0]), (2, parts[1])], part_etags=parts)
    assert len(script.seen) == 2 and len(sleeps) == 1


def test_complete_with_a_final_etag_from_other_parts_fails(server) -> None:  # type: ignore[no-untyped-def]
    host, script = server
    parts = [hashlib.md5(b"a").hexdigest(), hashlib.md5(b"b").hexdigest()]
    script.answers = [(200, COMPLETED.replace(b"{}", multipart_etag(parts[:1] * 2).encode()), {})]
    script.answers.append((204, b"", {}))
    with pytest.raises(TransferError, match="other parts"):
        make_client(host, Generations(), []).complete_multipart(
            "b", "k", upload_id="u", parts=[(1, parts[0]), (2, parts[1])], part_etags=parts)
    # the wrong object it assembled is not left under the key (as a damaged single PUT is not)
    assert [seen["method"] for seen in script.seen] == ["POST", "DELETE"]


@pytest.mark.parametrize("body", [b"", b"   \n  "], ids=["empty", "whitespace"])
@pytest.mark.parametrize("call", ["complete", "copy"])
def test_200_with_no_result_is_not_success(server, body: bytes, call: str) -> None:  # type: ignore[no-untyped-def]
    """S3 always ends these answers with its result (whitespace may come first): an answer with
    none says nothing of whether the upload or copy happened. Retried, then an error."""
    host, script = server
    script.answers = [(200, body, {})] * 6
    client = make_client(host, Generations(), [], retries=5)
    with pytest.raises(MalformedAnswer, match="200 with no result"):
        if call == "complete":
            client.complete_multipart("b", "k", upload_id="u", parts=[(1, "a" * 32)], part_etags=["a" * 32])
        else:
            client.copy_object("a", "x", "b", "y", headers={}, replace_metadata=False)
    assert len(script.seen) == 6


@pytest.mark.parametrize("stated", [None, "", "garbage", 'W/"garbage"'], ids=["none", "empty", "word", "weak"])
def test_put_answered_with_no_md5_etag_fails_unverified_and_leaves_the_object(server, stated) -> None:  # type: ignore[no-untyped-def]
    """S3 states the MD5 of a plain PUT's body in its ETag; an answer that does not cannot vouch for
    the bytes stored. Re-sent, then an error (exit 75), but nothing is deleted: it may be right."""
    host, script = server
    headers = {} if stated is None else {"ETag": stated}
    script.answers = [(200, b"", headers)] * 3
    with pytest.raises(UnverifiedUpload, match="could not be verified"):
        make_client(host, Generations(), []).put_object("b", "k", b"body", headers={})
    assert [seen["method"] for seen in script.seen] == ["PUT", "PUT", "PUT"]


def test_a_part_answered_without_etag_fails_at_once(server) -> None:  # type: ignore[no-untyped-def]
    host, script = server
    script.answers = [(200, b"", {})] * 3
    with pytest.raises(TransferError):
        make_client(host, Generations(), []).upload_part("b", "k", upload_id="u", number=1, data=b"part")


def test_copy_answering_200_with_error_is_retried_then_reported(server) -> None:  # type: ignore[no-untyped-def]
    host, script = server
    script.answers = [(200, error_xml("InternalError"), {})] * 6
    with pytest.raises(S3Error) as caught:
        make_client(host, Generations(), [], retries=5).copy_object("a", "x", "b", "y", headers={},
                                                                    replace_metadata=False)
    assert caught.value.code == "InternalError" and len(script.seen) == 6
