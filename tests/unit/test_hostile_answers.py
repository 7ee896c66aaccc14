"""Pure logic behind hostile-server handling: XML checks, bodiless errors, caps, URIs, limits."""

from __future__ import annotations

import socket
import ssl

import pytest
import urllib3

from S3 import ExitCodes
from S3.errors import ParameterError, S3cmdError
from S3.s3 import uri as s3uri
from S3.s3 import xml
from S3.s3.errors import S3Error
from S3.transfer.chunking import MIB, part_size
from S3.transport.errors import ConnectionFailed, NameNotResolved, RequestTimedOut, TlsError
from S3.transport.http import ConnectTimedOut, read_at_most, translate
from S3.transport.proxied import translate_urllib3
from S3.transport.wire import WireError
from tests.hostile_server import BOMB, HTML, XXE


def test_malformed_answer_is_a_server_error_not_an_internal_one() -> None:
    assert issubclass(xml.MalformedAnswer, S3cmdError)
    assert xml.MalformedAnswer("x").exit_code == ExitCodes.EX_SERVERERROR


@pytest.mark.parametrize("body", [HTML, b"  <html><body>proxy</body></html>", b"<HTML></HTML>"])
def test_html_listing_names_what_answered(body: bytes) -> None:
    with pytest.raises(xml.MalformedAnswer, match="answered HTML, not S3 XML.*captive portal"):
        xml.parse_list_page(body)


def test_listing_that_is_other_xml_is_not_an_empty_listing() -> None:
    with pytest.raises(xml.MalformedAnswer, match="<Foo>, not S3's <ListBucketResult>"):
        xml.parse_list_page(b"<?xml version='1.0'?><Foo><Bar/></Foo>")
    with pytest.raises(xml.MalformedAnswer, match="ListAllMyBucketsResult"):
        xml.parse_buckets(b"<ListBucketResult/>")


def test_namespaced_listing_still_parses() -> None:
    page = xml.parse_list_page(f'<ListBucketResult xmlns="{xml.S3_NS}"><IsTruncated>false</IsTruncated></ListBucketResult>'.encode())
    assert page.objects == () and not page.truncated


@pytest.mark.parametrize("body", [BOMB, XXE], ids=["entity-bomb", "xxe"])
def test_entity_tricks_are_a_malformed_answer(body: bytes) -> None:
    with pytest.raises(xml.MalformedAnswer, match="malformed XML"):
        xml.parse_list_page(body)


def _bodiless(method_is_head: bool, *, key: bool) -> S3Error:
    return S3Error.from_answer(status=404, reason="Not Found", body=b"", resource="s3://b/k",
                               object_request=key, head=method_is_head)


def test_bare_404_says_not_found_like_upstream() -> None:
    assert str(_bodiless(False, key=False)) == "S3 error: 404 (Not Found)"
    assert str(_bodiless(False, key=True)) == "S3 error: 404 (Not Found)"
    assert _bodiless(False, key=True).exit_code == ExitCodes.EX_NOTFOUND


def test_head_404_is_named_as_s3_names_it() -> None:
    assert _bodiless(True, key=True).code == "NoSuchKey"
    assert _bodiless(True, key=False).code == "NoSuchBucket"


def test_html_error_body_is_not_an_s3_code() -> None:
    error = S3Error.from_answer(status=403, reason="Forbidden", body=HTML, resource="s3://")
    assert str(error) == "S3 error: 403 (Forbidden): " + xml.HTML_ANSWER
    assert error.exit_code == ExitCodes.EX_ACCESSDENIED


def test_read_at_most_stops_reading() -> None:
    pulled = []

    def endless():  # type: ignore[no-untyped-def]
        for _ in range(10_000):
            pulled.append(1)
            yield b"x" * 1000

    assert read_at_most(endless(), 2500) == b"x" * 2500
    assert len(pulled) == 3


def test_name_resolution_failure_is_one_line_and_not_retried() -> None:
    cause = urllib3.exceptions.NameResolutionError("nohost.invalid", None, socket.gaierror(-2, "Name or service not known"))  # type: ignore[arg-type]
    error = translate_urllib3(cause, "http://nohost.invalid:8080/b/k")  # what urllib3 raises with retries=False
    assert isinstance(error, NameNotResolved)
    assert str(error) == "Could not resolve host 'nohost.invalid': check host_base / --host"
    assert not error.retryable
    assert error.exit_code == ExitCodes.EX_IOERR


@pytest.mark.parametrize("text", ["S3://bucket/key", "s3://bucket/key", "S3://bucket/key"])
def test_scheme_is_case_insensitive_like_upstream(text: str) -> None:
    assert s3uri.is_s3_uri(text)
    assert s3uri.parse(text) == s3uri.S3Uri("bucket", "key")


@pytest.mark.parametrize("text", ["s3:/x", "s3:bucket", "bucket/key"])
def test_not_quite_uris_are_refused(text: str) -> None:
    assert not s3uri.is_s3_uri(text)
    with pytest.raises(ParameterError):
        s3uri.parse(text)


@pytest.mark.parametrize(("mb", "word"), [(0, "too small"), (4, "too small"), (5121, "too large"), (6000, "too large")])
def test_chunk_size_out_of_range_is_refused(mb: int, word: str) -> None:
    with pytest.raises(ParameterError, match=f"Chunk size {mb} MB is {word}.*--multipart-chunk-size-mb"):
        part_size(mb, None)


@pytest.mark.parametrize("mb", [5, 15, 5120])
def test_chunk_size_in_range_is_kept(mb: int) -> None:
    assert part_size(mb, None) == mb * MIB


def test_unresolvable_proxy_is_named_as_the_proxy() -> None:
    class Conn:
        host = "proxy.invalid"

    cause = urllib3.exceptions.NameResolutionError("proxy.invalid", Conn(), socket.gaierror(-2, "unknown"))  # type: ignore[arg-type]
    failed = urllib3.exceptions.ProxyError("Unable to connect to proxy", cause)
    error = translate_urllib3(failed, "https://s3.example.com/b/k")
    assert str(error) == "Could not resolve proxy host 'proxy.invalid': check proxy_host / HTTPS_PROXY"


@pytest.mark.parametrize(("field", "value"), [("Size", "lots"), ("LastModified", "yesterday")])
def test_listing_with_a_bad_value_is_a_malformed_answer(field: str, value: str) -> None:
    entry = {"Key": "k", "Size": "1", "LastModified": "2024-01-01T00:00:00Z", field: value}
    body = "<ListBucketResult><Contents>" + "".join(f"<{k}>{v}</{k}>" for k, v in entry.items()) + "</Contents></ListBucketResult>"
    with pytest.raises(xml.MalformedAnswer, match=f"<{field}>{value}</{field}>"):
        xml.parse_list_page(body.encode())


def test_bucket_list_with_a_bad_date_is_a_malformed_answer() -> None:
    body = b"<ListAllMyBucketsResult><Buckets><Bucket><Name>b</Name><CreationDate>x</CreationDate></Bucket></Buckets></ListAllMyBucketsResult>"
    with pytest.raises(xml.MalformedAnswer, match="not a date"):
        xml.parse_buckets(body)


@pytest.mark.parametrize(
    ("failed", "kind", "text"),
    [
        (urllib3.exceptions.ReadTimeoutError(None, "/", "read timed out"), RequestTimedOut, "timed out (ReadTimeout)"),  # type: ignore[arg-type]
        (urllib3.exceptions.ConnectTimeoutError(None, "timed out"), RequestTimedOut, "timed out (ConnectTimeout)"),
        (urllib3.exceptions.ProtocolError("Connection aborted.", ConnectionResetError(104, "reset by peer")),
         ConnectionFailed, "failed: ('Connection aborted.', ConnectionResetError(104, 'reset by peer'))"),
        (urllib3.exceptions.SSLError(ssl.SSLCertVerificationError(1, "bad")), TlsError, "TLS problem"),
    ],
)
def test_urllib3_failures_become_our_transport_errors(failed: Exception, kind: type, text: str) -> None:
    error = translate_urllib3(failed, "http://127.0.0.1:1/b/k")
    assert type(error) is kind and text in str(error)


def test_refused_connection_is_exit_111() -> None:
    cause = urllib3.exceptions.NewConnectionError(None, "Failed to establish a new connection")  # type: ignore[arg-type]
    cause.__cause__ = ConnectionRefusedError(111, "Connection refused")
    error = translate_urllib3(cause, "http://127.0.0.1:1/b/k")
    assert isinstance(error, ConnectionFailed) and error.refused and not isinstance(error, RequestTimedOut)


@pytest.mark.parametrize(
    ("failed", "kind", "text"),
    [
        (socket.gaierror(-2, "Name or service not known"), NameNotResolved, "Could not resolve host '127.0.0.1'"),
        (ConnectTimedOut("no connection within 2s"), RequestTimedOut, "timed out (ConnectTimeout)"),
        (TimeoutError("timed out"), RequestTimedOut, "timed out (ReadTimeout)"),
        (ConnectionRefusedError(111, "Connection refused"), ConnectionFailed, "Connection refused by"),
        (ConnectionResetError(104, "Connection reset by peer"), ConnectionFailed, "failed: [Errno 104] Connection reset"),
        (WireError("the answer ended after 1 of 2 bytes"), ConnectionFailed, "failed: the answer ended after 1 of 2"),
        (ssl.SSLCertVerificationError(1, "certificate verify failed"), TlsError, "TLS problem"),
    ],
)
def test_what_our_connections_raise_becomes_our_transport_errors(failed: Exception, kind: type, text: str) -> None:
    error = translate(failed, "http://127.0.0.1:1/b/k")
    assert type(error) is kind and text in str(error)
