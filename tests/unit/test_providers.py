"""Every credential source against scripted endpoints (a fake ``HttpClient``): the happy path,
each fault (timeouts, 500s, throttling, malformed XML/JSON, each STS error code),
and no secret in any error message or log line."""

from __future__ import annotations

import json
import logging
from dataclasses import replace
from datetime import datetime, timedelta, timezone
from urllib.parse import parse_qs

import pytest

from S3.credentials.chain import ProviderChain
from S3.credentials.container import ContainerProvider
from S3.credentials.context import ProcessResult, ProviderContext
from S3.credentials.errors import CredentialsNotLoaded
from S3.credentials.imds import ImdsProvider
from S3.credentials.process import CredentialProcess
from S3.credentials.web_identity import WebIdentityProvider
from S3.identity.errors import CredentialsError
from S3.runtime import Runtime
from S3.sts.errors import StsThrottled
from S3.transport.errors import ConnectionFailed, RequestTimedOut
from tests.scripted_http import ScriptedHttp

# The providers talk to an ``HttpClient``; this one answers from a script, as ``responses`` did
# for requests (the transport itself is exercised end to end against loopback servers).
responses = ScriptedHttp()

NOW = datetime(2026, 11, 22, 12, 0, tzinfo=timezone.utc)
ROLE = "arn:aws:iam::111122223333:role/backup"
TOKEN = "eyJ.web-identity-token.sig"
SECRET = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYzzSECRET"
SESSION = "FwoGZXIvYXdzEXAMPLESESSIONTOKEN"
STS_URL = "https://sts.eu-west-1.amazonaws.com/"


def sts_ok(expiry: str = "2026-11-22T13:00:00Z") -> str:
    return (
        '<AssumeRoleWithWebIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">'
        "<AssumeRoleWithWebIdentityResult><Credentials><AccessKeyId>ASIATEST</AccessKeyId>"
        f"<SecretAccessKey>{SECRET}</SecretAccessKey><SessionToken>{SESSION}</SessionToken>"
        f"<Expiration>{expiry}</Expiration></Credentials></AssumeRoleWithWebIdentityResult>"
        "</AssumeRoleWithWebIdentityResponse>"
    )


def sts_error(code: str, message: str = "something went wrong") -> str:
    return f"<ErrorResponse><Error><Type>Sender</Type><Code>{code}</Code><Message>{message}</Message></Error></ErrorResponse>"


class Files:
    def __init__(self, files: dict[str, str | Exception]) -> None:
        self.files = files
        self.reads: list[str] = []

    def __call__(self, path: str) -> str:
        self.reads.append(path)
        value = self.files.get(path, FileNotFoundError(path))
        if isinstance(value, Exception):
            raise value
        return value


def make_ctx(env: dict[str, str], files: dict[str, str | Exception] | None = None, **extra) -> ProviderContext:  # type: ignore[no-untyped-def]
    transport = responses
    runtime = Runtime(env=env, clock=lambda: NOW, sleep=lambda s: None, random=lambda: 0.5)
    reader = Files(files or {})  # profile files and token files alike
    return ProviderContext(runtime=runtime, sts_http=lambda: transport, metadata_http=lambda: transport,
                           region=env.get("AWS_REGION", ""), read_text=reader, read_token_file=reader, **extra)


IRSA_ENV = {"AWS_ROLE_ARN": ROLE, "AWS_WEB_IDENTITY_TOKEN_FILE": "/var/run/token", "AWS_REGION": "eu-west-1"}


def assert_no_secrets(text: str) -> None:
    for secret in (TOKEN, SECRET, SESSION):
        assert secret not in text


@responses.activate
def test_web_identity_calls_sts_unsigned_with_the_stripped_token_and_re_reads_it(caplog) -> None:  # type: ignore[no-untyped-def]
    caplog.set_level(logging.DEBUG)
    responses.post(STS_URL, body=sts_ok())
    ctx = make_ctx({**IRSA_ENV, "AWS_ROLE_SESSION_NAME": "nightly"}, {"/var/run/token": TOKEN + "\n"})
    provider = WebIdentityProvider(ctx)
    creds = provider.load()
    assert (creds.access_key, creds.secret_key, creds.session_token) == ("ASIATEST", SECRET, SESSION)
    assert creds.expiry == datetime(2026, 11, 22, 13, 0, tzinfo=timezone.utc)
    assert creds.origin == f"web-identity: role {ROLE}, token file /var/run/token"
    sent = responses.calls[0].request
    form = {k: v[0] for k, v in parse_qs(sent.body.decode()).items()}
    assert form == {"Action": "AssumeRoleWithWebIdentity", "RoleArn": ROLE, "RoleSessionName": "nightly",
                    "WebIdentityToken": TOKEN, "Version": "2011-06-15"}
    assert "Authorization" not in sent.headers
    ctx.read_text.files["/var/run/token"] = "rotated-token"  # type: ignore[attr-defined]
    provider.load()
    assert parse_qs(responses.calls[1].request.body.decode())["WebIdentityToken"] == ["rotated-token"]
    assert_no_secrets(caplog.text + repr(creds))


@pytest.mark.parametrize(
    ("status", "code", "rc"),
    [(400, "InvalidIdentityToken", 77), (403, "AccessDenied", 77), (400, "ExpiredTokenException", 77),
     (403, "RegionDisabledException", 78), (400, "MalformedPolicyDocument", 78)],
)
@responses.activate
def test_sts_errors_reach_the_user_verbatim(status: int, code: str, rc: int) -> None:
    responses.post(STS_URL, status=status, body=sts_error(code, f"message for {code}"))
    with pytest.raises(CredentialsError) as caught:
        WebIdentityProvider(make_ctx(IRSA_ENV, {"/var/run/token": TOKEN})).load()
    assert f"{code}: message for {code}" in str(caught.value) and caught.value.exit_code == rc
    assert str(caught.value).startswith("web-identity: STS https://sts.eu-west-1.amazonaws.com refused")
    assert len(responses.calls) == 1
    assert_no_secrets(str(caught.value))


@responses.activate
def test_sts_transient_failures_are_retried() -> None:
    responses.post(STS_URL, status=400, body=sts_error("IDPCommunicationError"))
    responses.post(STS_URL, status=400, body=sts_error("Throttling"))
    responses.post(STS_URL, status=503, body="unavailable")
    responses.post(STS_URL, body=RequestTimedOut("connect timed out"))
    responses.post(STS_URL, body=sts_ok())
    assert WebIdentityProvider(make_ctx(IRSA_ENV, {"/var/run/token": TOKEN})).load().access_key == "ASIATEST"
    assert len(responses.calls) == 5


@responses.activate
def test_sts_throttling_until_the_retries_run_out_is_temporary_not_a_config_error() -> None:
    for _ in range(5):
        responses.post(STS_URL, status=400, body=sts_error("Throttling", "Rate exceeded"))
    with pytest.raises(CredentialsError) as caught:
        WebIdentityProvider(make_ctx(IRSA_ENV, {"/var/run/token": TOKEN})).load()
    assert isinstance(caught.value.__cause__, StsThrottled) and caught.value.exit_code == 75
    assert str(caught.value).startswith("web-identity: STS https://sts.eu-west-1.amazonaws.com refused: Throttling")
    assert len(responses.calls) == 5


@responses.activate
def test_sts_unreachable_after_retries_names_the_endpoint() -> None:
    for _ in range(5):
        responses.post(STS_URL, body=RequestTimedOut("read timed out"))
    with pytest.raises(CredentialsError) as caught:
        WebIdentityProvider(make_ctx(IRSA_ENV, {"/var/run/token": TOKEN})).load()
    assert "STS at https://sts.eu-west-1.amazonaws.com is unreachable after 5 attempts" in str(caught.value)
    assert caught.value.exit_code == 75


@responses.activate
def test_sts_malformed_xml() -> None:
    responses.post(STS_URL, body="<html>captive portal</html")
    with pytest.raises(CredentialsError, match="malformed XML"):
        WebIdentityProvider(make_ctx(IRSA_ENV, {"/var/run/token": TOKEN})).load()


@pytest.mark.parametrize(
    ("files", "message"),
    [
        ({}, "token file /var/run/token (AWS_WEB_IDENTITY_TOKEN_FILE) does not exist"),
        ({"/var/run/token": PermissionError(13, "denied")}, "permission denied; run the pod with securityContext.fsGroup"),
        ({"/var/run/token": "  \n"}, "is empty"),
    ],
)
def test_token_file_problems(files, message) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(CredentialsError) as caught:
        WebIdentityProvider(make_ctx(IRSA_ENV, files)).load()
    assert message in str(caught.value) and caught.value.exit_code == 78


def test_broken_web_identity_stops_the_chain_before_instance_metadata() -> None:
    class Imds:
        name = "instance metadata"

        def load(self):  # type: ignore[no-untyped-def]
            raise AssertionError("the node's role must never be used when IRSA is configured")

    with pytest.raises(CredentialsError, match="does not exist"):
        ProviderChain([WebIdentityProvider(make_ctx(IRSA_ENV, {})), Imds()]).load()


# -- container (ECS / EKS Pod Identity) -------------------------------------------------

POD_ENV = {"AWS_CONTAINER_CREDENTIALS_FULL_URI": "http://169.254.170.23/v1/credentials",
           "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE": "/var/run/pod-token"}
AGENT = "http://169.254.170.23/v1/credentials"


def agent_body() -> str:
    return json.dumps({"AccessKeyId": "ASIAPOD", "SecretAccessKey": SECRET, "Token": SESSION,
                       "AccountId": "111122223333", "Expiration": "2026-11-22T18:00:00.123456789Z"})


@responses.activate
def test_pod_identity_sends_the_token_file_and_parses_rfc3339nano(caplog) -> None:  # type: ignore[no-untyped-def]
    caplog.set_level(logging.DEBUG)
    responses.get(AGENT, status=500, body="agent restarting")
    responses.get(AGENT, body=agent_body())
    creds = ContainerProvider(make_ctx(POD_ENV, {"/var/run/pod-token": TOKEN + "\n"})).load()
    assert creds.access_key == "ASIAPOD" and creds.expiry == datetime(2026, 11, 22, 18, 0, 0, 123456, tzinfo=timezone.utc)
    assert responses.calls[1].request.headers["Authorization"] == TOKEN
    assert_no_secrets(caplog.text)


@responses.activate
def test_ecs_relative_uri() -> None:
    responses.get("http://169.254.170.2/v2/credentials/abc", body=agent_body())
    creds = ContainerProvider(make_ctx({"AWS_CONTAINER_CREDENTIALS_RELATIVE_URI": "/v2/credentials/abc"})).load()
    assert creds.origin == "container: http://169.254.170.2/v2/credentials/abc"


@pytest.mark.parametrize(
    ("url", "allowed"),
    [("http://169.254.170.23/v1/credentials", True), ("http://[fd00:ec2::23]/v1/credentials", True),
     ("http://127.0.0.1:8080/creds", True), ("http://localhost/creds", True), ("https://creds.example.com/x", True),
     ("http://169.254.169.254/creds", False), ("http://evil.example.com/creds", False), ("ftp://127.0.0.1/x", False)],
)
def test_full_uri_host_rules(url: str, allowed: bool) -> None:
    provider = ContainerProvider(make_ctx({"AWS_CONTAINER_CREDENTIALS_FULL_URI": url}))
    if allowed:
        assert provider.url() == url
    else:
        with pytest.raises(CredentialsError, match="is not allowed") as caught:
            provider.url()
        assert caught.value.exit_code == 78


@pytest.mark.parametrize(
    ("status", "body", "message", "rc"),
    [
        (403, '{"code":"AccessDeniedException","message":"Token is not valid"}',
         "answered 403: AccessDeniedException: Token is not valid", 77),
        (200, "not json", "malformed JSON", 75),
        (200, '{"AccessKeyId":"A"}', "lacks SecretAccessKey, Token, Expiration", 75),
        (400, '{"code":"InvalidToken"}', "answered 400: InvalidToken", 78),
    ],
)
@responses.activate
def test_container_faults(status: int, body: str, message: str, rc: int) -> None:
    responses.get(AGENT, status=status, body=body)
    with pytest.raises(CredentialsError) as caught:
        ContainerProvider(make_ctx(POD_ENV, {"/var/run/pod-token": TOKEN})).load()
    assert message in str(caught.value) and caught.value.exit_code == rc
    assert_no_secrets(str(caught.value))


def test_container_token_with_line_break_is_refused() -> None:
    env = {"AWS_CONTAINER_CREDENTIALS_FULL_URI": AGENT, "AWS_CONTAINER_AUTHORIZATION_TOKEN": "a\r\nX-Injected: 1"}
    with pytest.raises(CredentialsError, match="line break"):
        ContainerProvider(make_ctx(env)).load()


# -- IMDSv2 -----------------------------------------------------------------------------

IMDS = "http://169.254.169.254"


def imds_creds(expiration: str = "2026-11-22T18:00:00Z") -> str:
    return json.dumps({"Code": "Success", "Type": "AWS-HMAC", "AccessKeyId": "ASIAEC2", "SecretAccessKey": SECRET,
                       "Token": SESSION, "Expiration": expiration, "LastUpdated": "2026-11-22T11:00:00Z"})


@responses.activate
def test_imds_v2_flow_and_token_reuse() -> None:
    responses.put(f"{IMDS}/latest/api/token", body="imds-token")
    responses.get(f"{IMDS}/latest/meta-data/iam/security-credentials/", body="node-role")
    responses.get(f"{IMDS}/latest/meta-data/iam/security-credentials/node-role", body=imds_creds())
    provider = ImdsProvider(make_ctx({}))
    creds = provider.load()
    provider.load()
    assert creds.access_key == "ASIAEC2" and creds.origin == f"instance metadata: role node-role at {IMDS}"
    assert responses.calls[0].request.headers["x-aws-ec2-metadata-token-ttl-seconds"] == "21600"
    assert responses.calls[1].request.headers["x-aws-ec2-metadata-token"] == "imds-token"
    assert [c.request.method for c in responses.calls].count("PUT") == 1  # the session token is reused


@responses.activate
def test_imds_token_refused_is_not_a_v1_fallback() -> None:
    responses.put(f"{IMDS}/latest/api/token", status=403)
    with pytest.raises(CredentialsNotLoaded, match="refused the IMDSv2 token request"):
        ImdsProvider(make_ctx({})).load()
    assert len(responses.calls) == 1
    responses.put(f"{IMDS}/latest/api/token", status=400)
    with pytest.raises(CredentialsError, match="token request to http://169.254.169.254 failed"):
        ImdsProvider(make_ctx({})).load()


@responses.activate
def test_imds_expired_credentials_are_extended_with_a_warning(caplog) -> None:  # type: ignore[no-untyped-def]
    responses.put(f"{IMDS}/latest/api/token", body="t")
    responses.get(f"{IMDS}/latest/meta-data/iam/security-credentials/", body="node-role")
    responses.get(f"{IMDS}/latest/meta-data/iam/security-credentials/node-role",
                  body=imds_creds("2026-11-22T11:00:00Z"))
    creds = ImdsProvider(make_ctx({})).load()
    assert creds.expiry is not None and creds.expiry - NOW >= timedelta(minutes=15)
    assert "using them until" in caplog.text


@responses.activate
def test_imds_unreachable_or_roleless_or_disabled_is_not_configured() -> None:
    responses.put(f"{IMDS}/latest/api/token", body=RequestTimedOut("timeout"))
    responses.put(f"{IMDS}/latest/api/token", body=RequestTimedOut("timeout"))
    with pytest.raises(CredentialsNotLoaded, match="not reachable at http://169.254.169.254.*HttpPutResponseHopLimit"):
        ImdsProvider(make_ctx({})).load()
    with pytest.raises(CredentialsNotLoaded, match="disabled"):
        ImdsProvider(make_ctx({"AWS_EC2_METADATA_DISABLED": "true"})).load()
    responses.put(f"{IMDS}/latest/api/token", body="t")
    responses.get(f"{IMDS}/latest/meta-data/iam/security-credentials/", status=404)
    with pytest.raises(CredentialsNotLoaded, match="no IAM role"):
        ImdsProvider(make_ctx({})).load()


@responses.activate
def test_imds_waits_before_trying_again() -> None:
    responses.put(f"{IMDS}/latest/api/token", status=503)
    responses.put(f"{IMDS}/latest/api/token", body="t")
    responses.get(f"{IMDS}/latest/meta-data/iam/security-credentials/", body="node-role")
    responses.get(f"{IMDS}/latest/meta-data/iam/security-credentials/node-role", body=imds_creds())
    sleeps: list[float] = []
    ctx = make_ctx({})
    ctx = replace(ctx, runtime=replace(ctx.runtime, sleep=sleeps.append))
    assert ImdsProvider(ctx).load().access_key == "ASIAEC2"
    assert len(sleeps) == 1 and 0 < sleeps[0] <= 1.0  # jittered, and short: IMDS is the chain's last resort


@responses.activate
def test_container_agent_is_asked_again_after_a_jittered_wait() -> None:
    responses.get(AGENT, status=503, body="agent restarting")
    responses.get(AGENT, body=ConnectionFailed("Connection refused by the agent", url=AGENT, refused=True))
    responses.get(AGENT, body=agent_body())
    sleeps: list[float] = []
    ctx = make_ctx(POD_ENV, {"/var/run/pod-token": TOKEN})
    ctx = replace(ctx, runtime=replace(ctx.runtime, sleep=sleeps.append))
    assert ContainerProvider(ctx).load().access_key == "ASIAPOD"
    assert sleeps == [0.25, 0.5]  # full jitter (rand 0.5) under caps of 0.5 s, 1 s


@responses.activate
def test_imds_malformed_json_and_ipv6_mode() -> None:
    base = "http://[fd00:ec2::254]"
    responses.put(f"{base}/latest/api/token", body="t")
    responses.get(f"{base}/latest/meta-data/iam/security-credentials/", body="r")
    responses.get(f"{base}/latest/meta-data/iam/security-credentials/r", body="{oops")
    with pytest.raises(CredentialsError, match="malformed JSON"):
        ImdsProvider(make_ctx({"AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE": "IPv6"})).load()


# -- credential_process -----------------------------------------------------------------

def process_ctx(result: ProcessResult) -> ProviderContext:
    return make_ctx({}, run_process=lambda argv, timeout, env: result)


@pytest.mark.parametrize(
    ("result", "message"),
    [
        (ProcessResult(1, "", "session expired, run aws sso login\n"), "exited with 1: session expired, run aws sso login"),
        (ProcessResult(0, f"AccessKeyId={SECRET}", ""), "printed something that is not JSON"),
        (ProcessResult(0, json.dumps({"Version": 2, "AccessKeyId": "A", "SecretAccessKey": SECRET}), ""),
         "Version 2"),
        (ProcessResult(0, json.dumps({"Version": 1, "AccessKeyId": "A"}), ""), "printed no SecretAccessKey"),
    ],
)
def test_credential_process_failures(result: ProcessResult, message: str) -> None:
    with pytest.raises(CredentialsError) as caught:
        CredentialProcess(process_ctx(result), "get-creds --profile x", "dev").load()
    assert message in str(caught.value)
    assert_no_secrets(str(caught.value))


def test_credential_process_success() -> None:
    out = json.dumps({"Version": 1, "AccessKeyId": "ASIAPROC", "SecretAccessKey": SECRET, "SessionToken": SESSION,
                      "Expiration": "2026-11-22T14:00:00Z"})
    seen = []
    ctx = make_ctx({}, run_process=lambda argv, timeout, env: seen.append(argv) or ProcessResult(0, out, ""))
    creds = CredentialProcess(ctx, "/usr/bin/get-creds --role 'read only'", "dev").load()
    assert seen == [["/usr/bin/get-creds", "--role", "read only"]]
    assert creds.expiry == datetime(2026, 11, 22, 14, 0, tzinfo=timezone.utc)


# -- profiles: the plan executed --------------------------------------------------------

@responses.activate
def test_profile_chain_signs_each_hop_with_the_previous_credentials() -> None:
    from S3.credentials.profile import ProfileProvider

    assume_ok = (
        "<AssumeRoleResponse><AssumeRoleResult><Credentials><AccessKeyId>ASIAHOP2</AccessKeyId>"
        f"<SecretAccessKey>{SECRET}2</SecretAccessKey><SessionToken>hop2-token</SessionToken>"
        "<Expiration>2026-11-22T13:00:00Z</Expiration></Credentials></AssumeRoleResult></AssumeRoleResponse>"
    )
    responses.post(STS_URL, body=sts_ok())
    responses.post(STS_URL, body=assume_ok)
    config = (f"[profile irsa]\nrole_arn = {ROLE}\nweb_identity_token_file = /var/run/token\n"
              "[profile cross]\nrole_arn = arn:aws:iam::444455556666:role/writer\nsource_profile = irsa\n"
              "external_id = ext-1\nduration_seconds = 1800\n")
    ctx = make_ctx({"AWS_PROFILE": "cross", "AWS_REGION": "eu-west-1", "HOME": "/home/u"},
                   {"/home/u/.aws/config": config, "/var/run/token": TOKEN})
    creds = ProfileProvider(ctx).load()
    assert creds.access_key == "ASIAHOP2"
    assert creds.origin == "profile: profile irsa (web_identity) → arn:aws:iam::444455556666:role/writer"
    second = responses.calls[1].request
    form = {k: v[0] for k, v in parse_qs(second.body.decode()).items()}
    assert form["Action"] == "AssumeRole" and form["ExternalId"] == "ext-1" and form["DurationSeconds"] == "1800"
    assert "Credential=ASIATEST/20261122/eu-west-1/sts/aws4_request" in second.headers["Authorization"]
    assert second.headers["X-Amz-Security-Token"] == SESSION


def test_implicit_default_profile_without_credentials_is_not_configured() -> None:
    from S3.credentials.profile import ProfileProvider

    ctx = make_ctx({"HOME": "/home/u"}, {"/home/u/.aws/config": "[default]\nregion = eu-west-1\n"})
    with pytest.raises(CredentialsNotLoaded):
        ProfileProvider(ctx).load()
    assert ProfileProvider(ctx).region() == "eu-west-1"  # its region still picks the STS endpoint
