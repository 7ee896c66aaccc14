"""The credential chain end to end: the real s3cmd, a moto server enforcing IAM, and our
loopback STS front, Pod Identity agent and instance metadata server.

Every scenario proves *which* identity signed: the role may use buckets named
``allowed-*`` and gets S3's AccessDenied (exit 77) on any other bucket, which the
admin key that created both buckets could read.
"""

from __future__ import annotations

import json
import os
import sys
import uuid
from pathlib import Path

import pytest

from tests.conftest import Roles, S3cmdRunner, write_config
from tests.servers import InstanceMetadata, PodIdentityAgent, StsFront, assume

pytestmark = pytest.mark.e2e

TOKEN = "eyJhbGciOiJSUzI1NiJ9.irsa-test-token.signature"


@pytest.fixture
def buckets(s3cmd: S3cmdRunner) -> tuple[str, str]:
    suffix = uuid.uuid4().hex[:10]
    allowed, denied = f"allowed-{suffix}", f"denied-{suffix}"
    for name in (allowed, denied):
        assert s3cmd("mb", f"s3://{name}").rc == 0
    (s3cmd.home / "seed.txt").write_text("seed")
    assert s3cmd("put", "seed.txt", f"s3://{denied}/seed.txt").rc == 0
    return allowed, denied


@pytest.fixture
def keyless(s3cmd: S3cmdRunner, moto_server) -> Path:  # type: ignore[no-untyped-def]
    """A config with endpoint settings only: the credentials must come from the chain."""
    return write_config(s3cmd.home / "keyless.cfg", moto_server, None)


@pytest.fixture
def sts_front(moto_server, identities):  # type: ignore[no-untyped-def]
    front = StsFront(moto_server, identities["admin"], {TOKEN})
    yield front
    front.stop()


def webhook_env(s3cmd: S3cmdRunner, role_arn: str, sts_url: str) -> dict[str, str]:
    """Exactly what the EKS pod identity webhook injects, plus the local STS endpoint."""
    token_file = s3cmd.home / "token"
    if not token_file.exists():
        token_file.write_text(TOKEN + "\n")  # kubelet's file may end in a newline: it is stripped
    return {
        "AWS_ROLE_ARN": role_arn,
        "AWS_WEB_IDENTITY_TOKEN_FILE": str(token_file),
        "AWS_STS_REGIONAL_ENDPOINTS": "regional",
        "AWS_REGION": "us-east-1",
        "AWS_DEFAULT_REGION": "us-east-1",
        "AWS_ENDPOINT_URL_STS": sts_url,
    }


def assert_role_signed(s3cmd: S3cmdRunner, config: Path, env: dict[str, str], buckets: tuple[str, str],
                       secrets: tuple[str, ...] = ()) -> None:
    allowed, denied = buckets
    (s3cmd.home / "payload.txt").write_text("from the role\n")
    put = s3cmd("put", "payload.txt", f"s3://{allowed}/payload.txt", config=config, env=env)
    assert put.rc == 0, put.output
    listing = s3cmd("ls", "-r", f"s3://{allowed}", config=config, env=env)
    assert listing.rc == 0 and f"s3://{allowed}/payload.txt" in listing.stdout
    get = s3cmd("get", "--force", f"s3://{allowed}/payload.txt", "back.txt", config=config, env=env)
    assert get.rc == 0 and (s3cmd.home / "back.txt").read_text() == "from the role\n"
    denied_run = s3cmd("ls", "-r", f"s3://{denied}", config=config, env=env)
    assert denied_run.rc == 77, denied_run.output
    assert "S3 error: 403 (AccessDenied)" in denied_run.stderr
    debug = s3cmd("-d", "ls", "-r", f"s3://{allowed}", config=config, env=env)
    assert debug.rc == 0
    for run in (put, listing, get, denied_run, debug):
        for secret in secrets:
            assert secret not in run.output


def test_irsa_with_only_the_webhook_environment(s3cmd, keyless, sts_front, roles: Roles, buckets) -> None:  # type: ignore[no-untyped-def]
    env = webhook_env(s3cmd, roles.s3_allowed, sts_front.url)
    assert_role_signed(s3cmd, keyless, env, buckets, secrets=(TOKEN,))
    who = s3cmd("whoami", config=keyless, env=env)
    assert who.rc == 0, who.output
    assert "assumed-role/s3-allowed/" in who.stdout
    assert f"Source:     web-identity: role {roles.s3_allowed}, token file" in who.stdout
    assert "Expires:" in who.stdout and TOKEN not in who.output


def test_fifty_runs_ask_sts_once(s3cmd, keyless, sts_front, roles: Roles, buckets) -> None:  # type: ignore[no-untyped-def]
    env = webhook_env(s3cmd, roles.s3_allowed, sts_front.url)
    for _ in range(50):
        run = s3cmd("ls", "-r", f"s3://{buckets[0]}", config=keyless, env=env)
        assert run.rc == 0, run.output
    assert sts_front.calls.get("AssumeRoleWithWebIdentity") == 1
    cache_files = list((s3cmd.home / ".cache" / "s3cmd" / "credentials").glob("*.json"))
    assert len(cache_files) == 1 and cache_files[0].stat().st_mode & 0o777 == 0o600
    assert (s3cmd.home / ".cache" / "s3cmd" / "credentials").stat().st_mode & 0o777 == 0o700
    uncached = s3cmd("--no-credentials-cache", "ls", "-r", f"s3://{buckets[0]}", config=keyless, env=env)
    assert uncached.rc == 0 and sts_front.calls["AssumeRoleWithWebIdentity"] == 2



def test_parallel_put_of_twenty_files_asks_sts_once(s3cmd, keyless, sts_front, roles: Roles, buckets) -> None:  # type: ignore[no-untyped-def]
    """Workers start together: the client and the credential source are built once, before them."""
    env = webhook_env(s3cmd, roles.s3_allowed, sts_front.url)
    tree = s3cmd.home / "twenty"
    tree.mkdir()
    for n in range(20):
        (tree / f"f{n:02d}.txt").write_text(f"file {n}\n")
    run = s3cmd("--no-credentials-cache", "--parallel=8", "put", "-r", str(tree), f"s3://{buckets[0]}/p/",
                config=keyless, env=env)
    assert run.rc == 0, run.output
    assert sts_front.calls.get("AssumeRoleWithWebIdentity") == 1
    listing = s3cmd("ls", "-r", f"s3://{buckets[0]}/p/", config=keyless, env=env)
    assert listing.stdout.count("/p/twenty/f") == 20, listing.output

@pytest.mark.parametrize(
    ("change", "rc", "message"),
    [
        ({"AWS_WEB_IDENTITY_TOKEN_FILE": "/nonexistent/token"}, 78, "token file /nonexistent/token"),
        ({"AWS_ROLE_ARN": "not-an-arn"}, 78, "AWS_ROLE_ARN 'not-an-arn' is not a role ARN"),
        ({"AWS_WEB_IDENTITY_TOKEN_FILE": None}, 78, "AWS_ROLE_ARN is set but AWS_WEB_IDENTITY_TOKEN_FILE is not"),
        ({"token": "a-token-sts-does-not-know"}, 77, "InvalidIdentityToken: Couldn't retrieve verification key"),
        ({"token": ""}, 78, "is empty"),
        ({"AWS_ENDPOINT_URL_STS": "http://127.0.0.1:1"}, 111, "STS at http://127.0.0.1:1 is unreachable"),
        ({"AWS_STS_REGIONAL_ENDPOINTS": "sometimes"}, 78, "AWS_STS_REGIONAL_ENDPOINTS must be"),
    ],
)
def test_irsa_failures_say_what_to_fix(s3cmd, keyless, sts_front, roles: Roles, change, rc, message) -> None:  # type: ignore[no-untyped-def]
    env = webhook_env(s3cmd, roles.s3_allowed, sts_front.url)
    if "token" in change:
        (s3cmd.home / "token").write_text(change.pop("token"))
    for name, value in change.items():
        if value is None:
            env.pop(name)
        else:
            env[name] = value
    env["AWS_MAX_ATTEMPTS"] = "1"
    run = s3cmd("ls", config=keyless, env=env, timeout=120)
    assert run.rc == rc, run.output
    assert message in run.stderr
    assert len(run.stderr.strip().splitlines()) == 1 and run.stderr.startswith("ERROR: ")
    assert "Traceback" not in run.output and "a-token-sts-does-not-know" not in run.output


def test_pod_identity_agent(s3cmd, keyless, moto_server, identities, roles: Roles, buckets) -> None:  # type: ignore[no-untyped-def]
    pod_token = "eks-pod-identity-token-value"
    agent = PodIdentityAgent(moto_server, identities["admin"], roles.s3_allowed, pod_token)
    try:
        token_file = s3cmd.home / "eks-pod-identity-token"
        token_file.write_text(pod_token)
        env = {"AWS_CONTAINER_CREDENTIALS_FULL_URI": f"{agent.url}/v1/credentials",
               "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE": str(token_file)}
        assert_role_signed(s3cmd, keyless, env, buckets, secrets=(pod_token,))
        token_file.write_text("rotated-but-wrong")
        refused = s3cmd("--no-credentials-cache", "ls", config=keyless, env=env)
        assert refused.rc == 77 and "answered 403: AccessDeniedException: Token is not valid" in refused.stderr
        env["AWS_CONTAINER_CREDENTIALS_FULL_URI"] = "http://169.254.1.1/v1/credentials"
        blocked = s3cmd("ls", config=keyless, env=env)
        assert blocked.rc == 78 and "is not allowed" in blocked.stderr
    finally:
        agent.stop()


def test_instance_metadata_v2(s3cmd, keyless, moto_server, identities, roles: Roles, buckets) -> None:  # type: ignore[no-untyped-def]
    imds = InstanceMetadata(moto_server, identities["admin"], roles.s3_allowed)
    try:
        env = {"AWS_EC2_METADATA_DISABLED": "false", "AWS_EC2_METADATA_SERVICE_ENDPOINT": imds.url}
        assert_role_signed(s3cmd, keyless, env, buckets, secrets=(InstanceMetadata.TOKEN,))
    finally:
        imds.stop()
    refusing = InstanceMetadata(moto_server, identities["admin"], roles.s3_allowed, refuse_token=True)
    try:
        env = {"AWS_EC2_METADATA_DISABLED": "false", "AWS_EC2_METADATA_SERVICE_ENDPOINT": refusing.url}
        run = s3cmd("ls", config=keyless, env=env)
        assert run.rc == 78 and "refused the IMDSv2 token request (403)" in run.stderr
        assert refusing.calls.get("get", 0) == 0  # never fell back to IMDSv1
    finally:
        refusing.stop()
    nothing = s3cmd("ls", config=keyless, env={"AWS_EC2_METADATA_DISABLED": "false",
                                               "AWS_EC2_METADATA_SERVICE_ENDPOINT": "http://127.0.0.1:1"})
    assert nothing.rc == 78
    assert "No credentials found" in nothing.stderr and "instance metadata: not reachable" in nothing.stderr
    assert "HttpPutResponseHopLimit" in nothing.stderr


def test_profile_chain_web_identity_then_second_role(s3cmd, keyless, sts_front, roles: Roles, buckets) -> None:  # type: ignore[no-untyped-def]
    token_file = s3cmd.home / "token"
    token_file.write_text(TOKEN)
    aws = s3cmd.home / ".aws"
    aws.mkdir()
    (aws / "config").write_text(
        f"[profile irsa]\nrole_arn = {roles.chain_start}\nweb_identity_token_file = {token_file}\n\n"
        f"[profile target]\nrole_arn = {roles.chain_target}\nsource_profile = irsa\nrole_session_name = nightly\n"
        "region = us-east-1\n"
    )
    env = {"AWS_PROFILE": "target", "AWS_ENDPOINT_URL_STS": sts_front.url}
    assert_role_signed(s3cmd, keyless, env, buckets, secrets=(TOKEN,))
    assert sts_front.calls.get("AssumeRoleWithWebIdentity") == 1 and sts_front.calls.get("AssumeRole") == 1
    who = s3cmd("whoami", config=keyless, env=env)
    assert "assumed-role/chain-target/nightly" in who.stdout, who.output
    start_only = s3cmd("--profile", "irsa", "ls", "-r", f"s3://{buckets[0]}", config=keyless, env=env)
    assert start_only.rc == 77  # the first role may not touch S3: the second one signed above
    loop = aws / "loop"
    loop.write_text("[profile a]\nrole_arn = arn:aws:iam::123456789012:role/a\nsource_profile = b\n"
                    "[profile b]\nrole_arn = arn:aws:iam::123456789012:role/b\nsource_profile = a\n")
    looping = s3cmd("ls", config=keyless, env={**env, "AWS_CONFIG_FILE": str(loop), "AWS_PROFILE": "a"})
    assert looping.rc == 78 and "source_profile loop: a → b → a" in looping.stderr
    missing = s3cmd("--profile", "nope", "ls", config=keyless, env=env)
    assert missing.rc == 78 and "profile 'nope' is not defined" in missing.stderr


def test_credential_process(s3cmd, keyless, moto_server, identities, roles: Roles, buckets) -> None:  # type: ignore[no-untyped-def]
    creds = assume(moto_server, identities["admin"], roles.s3_allowed, "process")
    answer = s3cmd.home / "answer.json"
    answer.write_text(json.dumps({"Version": 1, "AccessKeyId": creds["AccessKeyId"],
                                  "SecretAccessKey": creds["SecretAccessKey"], "SessionToken": creds["SessionToken"],
                                  "Expiration": creds["Expiration"].strftime("%Y-%m-%dT%H:%M:%SZ")}))
    script = s3cmd.home / "creds.py"
    script.write_text(f"print(open({str(answer)!r}).read())\n")
    aws = s3cmd.home / ".aws"
    aws.mkdir()
    (aws / "config").write_text(f"[default]\ncredential_process = {sys.executable} {script}\n")
    assert_role_signed(s3cmd, keyless, {}, buckets, secrets=(creds["SecretAccessKey"], creds["SessionToken"]))
    (aws / "config").write_text(f"[default]\ncredential_process = {sys.executable} -c \"print('not json')\"\n")
    bad = s3cmd("--no-credentials-cache", "ls", config=keyless)
    assert bad.rc == 75 and "printed something that is not JSON" in bad.stderr and "not json" not in bad.stderr
    (aws / "config").write_text(
        f"[default]\ncredential_process = {sys.executable} -c \"import sys; sys.exit('token expired, run login')\"\n")
    failing = s3cmd("--no-credentials-cache", "ls", config=keyless)
    assert failing.rc == 75 and "exited with 1: token expired, run login" in failing.stderr


def test_whoami_with_static_keys_says_so(s3cmd, sts_front, identities) -> None:  # type: ignore[no-untyped-def]
    who = s3cmd("whoami", env={"AWS_ENDPOINT_URL_STS": sts_front.url})
    assert who.rc == 0, who.output
    assert "Source:     config file" in who.stdout and "Expires:    never" in who.stdout
    assert identities["admin"].secret_key not in who.output


def test_upload_that_outlives_its_credentials_finishes(s3cmd, moto_server, sts_front, roles: Roles, buckets) -> None:  # type: ignore[no-untyped-def]
    from tests.servers import ExpiringS3Front

    s3_front = ExpiringS3Front(moto_server, expire_at=2)
    try:
        config = write_config(s3cmd.home / "via-front.cfg", s3_front, None)
        env = webhook_env(s3cmd, roles.s3_allowed, sts_front.url)
        payload = os.urandom(12 * 1024 * 1024)
        (s3cmd.home / "backup.bin").write_bytes(payload)
        put = s3cmd("--multipart-chunk-size-mb=5", "--parallel=1", "put", "backup.bin",
                    f"s3://{buckets[0]}/backup.bin", config=config, env=env)
        assert put.rc == 0, put.output
        assert len(s3_front.rejected_keys) == 1
        # the refresh went back to STS (not to the cache that handed out the rejected keys) and re-signed
        assert sts_front.calls["AssumeRoleWithWebIdentity"] == 2
        got = s3cmd("get", f"s3://{buckets[0]}/backup.bin", "restored.bin", config=config, env=env)
        assert got.rc == 0 and (s3cmd.home / "restored.bin").read_bytes() == payload
    finally:
        s3_front.stop()


def test_sts_endpoint_option_points_web_identity_at_sts(s3cmd, keyless, sts_front, roles: Roles, buckets) -> None:  # type: ignore[no-untyped-def]
    env = webhook_env(s3cmd, roles.s3_allowed, sts_front.url)
    del env["AWS_ENDPOINT_URL_STS"]
    env["AWS_STS_REGIONAL_ENDPOINTS"] = "legacy"  # else the regional AWS endpoint would be tried, off this machine
    run = s3cmd("--no-credentials-cache", "--sts-endpoint", sts_front.url, "ls", f"s3://{buckets[0]}", config=keyless,
                env=env)
    assert run.rc == 0, run.output
    assert sts_front.calls.get("AssumeRoleWithWebIdentity") == 1
