"""The CloudFront client and XML: SigV4 checked against botocore's signer as an oracle, retries,
and configuration edits that keep what they do not touch, in the schema's order."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import datetime, timezone

import pytest
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials as BotoCredentials
from requests.structures import CaseInsensitiveDict

from S3 import ExitCodes
from S3.cloudfront import xml as cfxml
from S3.cloudfront.client import CloudFrontClient, CloudFrontError, endpoint_url
from S3.identity.model import Credentials
from S3.runtime import Runtime
from S3.transport.http import Response

NOW = datetime(2026, 11, 29, 8, 0, 0, tzinfo=timezone.utc)
LIST = (b'<?xml version="1.0"?><DistributionList xmlns="http://cloudfront.amazonaws.com/doc/2020-05-31/">'
        b"<Marker></Marker><MaxItems>100</MaxItems><IsTruncated>false</IsTruncated><Quantity>0</Quantity>"
        b"</DistributionList>")
THROTTLED = (b"<ErrorResponse><Error><Type>Sender</Type><Code>Throttling</Code><Message>Rate exceeded</Message>"
             b"</Error></ErrorResponse>")


class _Source:
    def __init__(self, creds: Credentials) -> None:
        self.creds = creds

    def snapshot(self) -> Credentials:
        return self.creds

    def force_refresh(self, stale: Credentials) -> Credentials:
        return self.creds


class _Transport:
    def __init__(self, *answers: tuple[int, bytes]) -> None:
        self.answers = list(answers)
        self.sent: list[tuple[str, str, dict[str, str], bytes | None]] = []

    def send(self, method, url, *, headers, body=None, stream=False):  # type: ignore[no-untyped-def]
        self.sent.append((method, url, dict(headers), body))
        status, data = self.answers.pop(0)
        return Response(status, "OK" if status < 300 else "Error", CaseInsensitiveDict({"ETag": "E1"}), data)

    def close(self) -> None:
        pass


def _client(transport: _Transport, *, token: str = "", sleeps: list[float] | None = None) -> CloudFrontClient:
    creds = Credentials("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", token)
    runtime = Runtime(env={"S3CMD_RETRY_DELAY_SCALE": "0.01"}, clock=lambda: NOW,
                      sleep=(sleeps.append if sleeps is not None else lambda _: None), random=lambda: 0.5)
    return CloudFrontClient(endpoint="https://cloudfront.amazonaws.com", transport=transport,
                            credentials=_Source(creds), runtime=runtime, max_retries=3)  # type: ignore[arg-type]


@pytest.mark.parametrize("token", ["", "FQoGZXIvYXdzEXAMPLETOKEN"])
def test_signature_matches_botocore(token: str) -> None:
    transport = _Transport((200, LIST), (201, b""))
    client = _client(transport, token=token)
    client.list_distributions()
    with pytest.raises(Exception):  # noqa: B017 - the empty answer is not a Distribution; the request is what counts
        client.create_distribution(cfxml.new_config(caller_reference="s3://b/", origin_host="b.s3.amazonaws.com",
                                                    comment="c"))
    for method, url, headers, body in transport.sent:
        request = AWSRequest(method=method, url=url, data=body or b"",
                             headers={k: v for k, v in headers.items() if k != "Authorization"})
        request.headers["host"] = "cloudfront.amazonaws.com"
        request.context["timestamp"] = headers["x-amz-date"]
        # botocore's stages (add_auth would take the wall clock's time)
        auth = SigV4Auth(BotoCredentials("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", token or None),
                         "cloudfront", "us-east-1")
        expected = auth.signature(auth.string_to_sign(request, auth.canonical_request(request)), request)
        assert headers["Authorization"].endswith(f"Signature={expected}"), method
        assert "/us-east-1/cloudfront/aws4_request" in headers["Authorization"]


def test_throttling_is_retried_then_reported_with_its_code() -> None:
    sleeps: list[float] = []
    transport = _Transport((400, THROTTLED), (200, LIST))
    assert _client(transport, sleeps=sleeps).list_distributions() == []
    assert len(sleeps) == 1 and len(transport.sent) == 2
    transport = _Transport(*[(400, THROTTLED)] * 4)
    with pytest.raises(CloudFrontError) as failed:
        _client(transport).list_distributions()
    assert len(transport.sent) == 4
    assert str(failed.value) == "S3 error: 400 (Throttling): Rate exceeded"
    assert failed.value.exit_code == ExitCodes.EX_SERVERERROR


def test_endpoint_url() -> None:
    assert endpoint_url("cloudfront.amazonaws.com", use_https=True) == "https://cloudfront.amazonaws.com"
    assert endpoint_url("127.0.0.1:5000", use_https=False) == "http://127.0.0.1:5000"
    assert endpoint_url("https://cf.example/", use_https=False) == "https://cf.example"


def test_edit_config_keeps_unknown_settings_and_the_schema_order() -> None:
    config = cfxml.parse_config(
        b'<DistributionConfig xmlns="http://cloudfront.amazonaws.com/doc/2020-05-31/">'
        b"<CallerReference>r</CallerReference><Origins><Quantity>1</Quantity><Items><Origin><Id>o</Id>"
        b"<DomainName>b.s3.amazonaws.com</DomainName><S3OriginConfig><OriginAccessIdentity/></S3OriginConfig>"
        b"</Origin></Items></Origins><DefaultCacheBehavior><TargetOriginId>o</TargetOriginId></DefaultCacheBehavior>"
        b"<Comment>c</Comment><PriceClass>PriceClass_100</PriceClass><Enabled>true</Enabled>"
        b"<ViewerCertificate><ACMCertificateArn>arn:x</ACMCertificateArn></ViewerCertificate></DistributionConfig>")
    cfxml.edit_config(config, cfxml.ConfigChanges(enabled=False, default_root_object="i.html", cnames_add=["A.example"],
                                                  logging_host="logs.s3.amazonaws.com", logging_prefix="p/"))
    assert [child.tag for child in config] == ["CallerReference", "Aliases", "DefaultRootObject", "Origins",
                                               "DefaultCacheBehavior", "Comment", "Logging", "PriceClass", "Enabled",
                                               "ViewerCertificate"]
    parsed = cfxml.parse_config_tree(config)
    assert (parsed.enabled, parsed.default_root_object, parsed.cnames) == (False, "i.html", ("a.example",))
    assert parsed.logging.display() == "s3://logs/p/"
    assert config.findtext("ViewerCertificate/ACMCertificateArn") == "arn:x"
    cfxml.edit_config(config, cfxml.ConfigChanges(cnames_remove=["a.example"], logging_host=""))
    assert config.findtext("Aliases/Quantity") == "0" and config.find("Aliases/Items") is None
    assert [c.text or "" for c in config.find("Logging")] == ["false", "false", "", ""]  # type: ignore[union-attr]
    assert ET.fromstring(cfxml.serialize(config)).tag == "{http://cloudfront.amazonaws.com/doc/2020-05-31/}DistributionConfig"


def test_origins_display_as_upstream() -> None:
    assert cfxml.Origin("my.bucket.s3.amazonaws.com", True).display() == "s3://my.bucket/"
    assert cfxml.Origin("b.s3.eu-west-1.amazonaws.com", True).bucket == "b"
    assert cfxml.Origin("b.s3-website-us-east-1.amazonaws.com", False).display() == "http://b.s3-website-us-east-1.amazonaws.com/"
    assert cfxml.Origin("example.org", True).display() == "http://example.org/"


def test_cfdelete_stops_waiting_after_its_bound(monkeypatch: pytest.MonkeyPatch) -> None:
    """A distribution that never finishes deploying its disabling: cfdelete gives up (exit 75), never loops on."""
    from types import SimpleNamespace

    from S3.cli.commands import cloudfront as commands

    config = cfxml.new_config(caller_reference="s3://b/", origin_host="b.s3.amazonaws.com", comment="c")
    still = cfxml.Distribution("D1", "InProgress", "x.cloudfront.net", cfxml.parse_config_tree(config))
    calls: list[str] = []

    class _Cf:
        def get_config(self, dist_id: str) -> tuple[ET.Element, str]:
            calls.append("get_config")
            return config, "E1"

        def put_config(self, dist_id: str, tree: ET.Element, *, etag: str) -> None:
            calls.append(f"put_config enabled={tree.findtext('Enabled')} if-match={etag}")

        def get_distribution(self, dist_id: str) -> tuple[cfxml.Distribution, str]:
            calls.append("get_distribution")
            return still, "E2"

    sleeps: list[float] = []
    ctx = SimpleNamespace(runtime=SimpleNamespace(sleep=sleeps.append))
    monkeypatch.setattr(commands, "DISABLE_POLLS", 3)
    with pytest.raises(commands.TransferError) as failed:
        commands._disable_and_wait(ctx, _Cf(), commands.CfUri("D1"))  # type: ignore[arg-type]
    assert failed.value.exit_code == ExitCodes.EX_TEMPFAIL
    assert calls == ["get_config", "put_config enabled=false if-match=E1"] + ["get_distribution"] * 3
    assert sleeps == [commands.DISABLE_POLL_SECONDS] * 3
