"""No secret in any output, on the error paths that have secrets at hand.

Every run below goes through ``S3cmdRunner``, whose guard fails the test when a secret the
invocation could know (config file, environment, token files, ``--secret_key``/``--access_token``,
the credential cache) appears in stdout or stderr; the tests add what the guard cannot know
(values passed to options that do not exist) and check each message says what to fix.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from tests.conftest import S3cmdRunner, write_config
from tests.e2e.test_credentials_e2e import TOKEN, keyless, sts_front, webhook_env  # noqa: F401 - fixtures

pytestmark = pytest.mark.e2e

SECRET = "TOPSECRETvalue0123456789abcdef"
SESSION = "FwoGZXIvYXdzSESSIONTOKENvalue0123456789"


def test_the_guard_fails_a_run_that_prints_a_secret(s3cmd: S3cmdRunner) -> None:
    with pytest.raises(AssertionError, match="printed a secret"):
        s3cmd("--dump-config", "--show-secrets")
    shown = s3cmd("--dump-config", "--show-secrets", shows_secrets=True)
    assert shown.rc == 0 and "secret_key = " in shown.stdout


def test_the_guard_for_runs_a_test_starts_itself(s3cmd: S3cmdRunner) -> None:
    """``S3cmdRunner.guard``: the same check for a run started with Popen or through a wrapper."""
    shown = s3cmd("--dump-config", "--show-secrets", shows_secrets=True)
    with pytest.raises(AssertionError, match="printed a secret"):
        s3cmd.guard(("--dump-config", "--show-secrets"), stdout=shown.stdout.encode(), stderr=b"")
    masked = s3cmd.guard(("--dump-config",), stdout=s3cmd("--dump-config").stdout, stderr="")
    assert "secret_key = " in masked.stdout


def test_wrong_secret_from_the_environment_with_debug(s3cmd: S3cmdRunner, keyless: Path, identities) -> None:  # noqa: F811
    env = {"AWS_ACCESS_KEY_ID": identities["admin"].access_key, "AWS_SECRET_ACCESS_KEY": SECRET}
    for args in (("ls",), ("-d", "ls"), ("-d", "ls", "-r", "s3://no-such-bucket-here")):
        run = s3cmd(*args, config=keyless, env=env)
        assert run.rc == 77 and "403 (SignatureDoesNotMatch)" in run.stderr, run.output
    with_token = s3cmd("-d", "ls", config=keyless, env={**env, "AWS_SESSION_TOKEN": SESSION})
    assert with_token.rc == 77 and "(InvalidToken)" in with_token.stderr, with_token.output
    legacy = {"AWS_ACCESS_KEY": identities["admin"].access_key, "AWS_SECRET_KEY": SECRET, "AWS_SECURITY_TOKEN": SESSION}
    assert s3cmd("-d", "ls", config=keyless, env=legacy).rc == 77


def test_wrong_secret_on_the_command_line(s3cmd: S3cmdRunner) -> None:
    run = s3cmd("-d", f"--secret_key={SECRET}", "--access_token", SESSION, "ls")
    assert run.rc == 77 and re.search(r"S3 error: 40[03] ", run.stderr), run.stderr


@pytest.mark.parametrize(
    ("line", "what"),
    [
        (f"secret_key {SECRET}", "'secret_key' is not followed by '='"),
        (f"secret_key: {SECRET}", "'secret_key' is not followed by '='"),
        (f"secret-key = {SECRET}", "the name before '=' is not an option name (letters, digits, _)"),
        (SECRET, "expected 'name = value' or '[section]'"),
        (f"[default {SECRET}", "a '[section]' header without its closing ']'"),
    ],
)
def test_malformed_config_line_names_file_and_line_never_its_value(s3cmd: S3cmdRunner, line: str, what: str) -> None:
    bad = s3cmd.home / "bad.cfg"
    bad.write_text(f"[default]\naccess_key = AKIAEXAMPLE\n{line}\nsecret_key = {SECRET}\n")
    run = s3cmd("ls", config=bad)
    assert run.rc == 78, run.output
    assert run.stderr.startswith(f"ERROR: {bad}, line 3: {what}"), run.stderr
    assert len(run.stderr.splitlines()) == 1
    assert SECRET[:6] not in run.output  # not even a prefix of it


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("put", "--secret-key", SECRET, "f", "s3://b/"), "no such option: --secret-key"),
        (("put", f"--secret-key={SECRET}", "f", "s3://b/"), "no such option: --secret-key"),
        (("ls", f"-x{SECRET}"), "no such option: -x"),
        (("ls", f"--{SECRET}"), "no such option (argument 4)"),  # after the runner's "-c FILE"
        (("--parallel", SECRET, "ls"), "option --parallel: expects a whole number"),
        ((f"--max-retries={SECRET}", "ls"), "option --max-retries: expects a whole number"),
        ((f"--force={SECRET}", "ls"), "option -f/--force: takes no value"),
        (("ls", "--secret_key"), "option --secret_key: expects a value"),
    ],
)
def test_usage_errors_name_the_option_never_its_value(s3cmd: S3cmdRunner, args: tuple[str, ...], message: str) -> None:
    run = s3cmd(*args)
    assert run.rc == 2, run.output  # s3cmd's optparse exits 2 for option errors
    assert f"ERROR: {message} (see 's3cmd --help')" in run.stderr, run.stderr
    assert SECRET[:6] not in run.output


def test_bad_token_files_fail_fast_and_say_which_variable(s3cmd: S3cmdRunner, keyless: Path, sts_front,  # noqa: F811
                                                          roles) -> None:  # type: ignore[no-untyped-def]
    env = webhook_env(s3cmd, roles.s3_allowed, sts_front.url)
    fifo = s3cmd.home / "fifo"
    os.mkfifo(fifo)
    huge = s3cmd.home / "huge"
    huge.write_bytes(b"A" * (1 << 20))
    cases = [
        ({"AWS_WEB_IDENTITY_TOKEN_FILE": str(fifo)}, "(AWS_WEB_IDENTITY_TOKEN_FILE) is a FIFO, not a regular file"),
        ({"AWS_WEB_IDENTITY_TOKEN_FILE": "/dev/zero"}, "is a character device, not a regular file"),
        ({"AWS_WEB_IDENTITY_TOKEN_FILE": str(huge)}, "is larger than 64 KiB"),
        ({"AWS_WEB_IDENTITY_TOKEN_FILE": str(s3cmd.home)}, "is a directory, not a regular file"),
        ({"AWS_ROLE_ARN": "", "AWS_WEB_IDENTITY_TOKEN_FILE": "", "AWS_CONTAINER_CREDENTIALS_FULL_URI":
          "http://127.0.0.1:1/creds", "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE": str(fifo)},
         "(AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE) is a FIFO, not a regular file"),
    ]
    for change, message in cases:
        run = s3cmd("-d", "ls", config=keyless, env={**env, **change}, timeout=30)
        assert run.rc == 78, run.output
        assert message in run.stderr and f"point {next(k for k in change if k.endswith('_FILE') and change[k])}" \
            in run.stderr, run.stderr


def test_sts_rejection_and_container_token_with_debug(s3cmd: S3cmdRunner, keyless: Path, sts_front,  # noqa: F811
                                                      roles) -> None:  # type: ignore[no-untyped-def]
    env = webhook_env(s3cmd, roles.s3_allowed, sts_front.url)
    (s3cmd.home / "token").write_text("eyJunknown.web-identity-token.signature")
    rejected = s3cmd("-d", "ls", config=keyless, env={**env, "AWS_MAX_ATTEMPTS": "1"})
    assert rejected.rc == 77 and "InvalidIdentityToken" in rejected.stderr
    container = s3cmd("-d", "ls", config=keyless, env={
        "AWS_CONTAINER_CREDENTIALS_FULL_URI": "http://127.0.0.1:1/creds",
        "AWS_CONTAINER_AUTHORIZATION_TOKEN": "container-authorization-token-value"})
    assert container.rc != 0 and "container credentials endpoint" in container.stderr


def test_successful_irsa_debug_run_prints_no_cached_secret(s3cmd: S3cmdRunner, keyless: Path, sts_front,  # noqa: F811
                                                           roles, bucket: str) -> None:  # type: ignore[no-untyped-def]
    env = webhook_env(s3cmd, roles.s3_allowed, sts_front.url)
    first = s3cmd("-d", "ls", config=keyless, env=env)
    assert first.rc == 0, first.output
    cached = list((s3cmd.home / ".cache" / "s3cmd" / "credentials").glob("*.json"))
    assert len(cached) == 1  # the guard read the STS secrets from here
    denied = s3cmd("-d", "ls", "-r", f"s3://{bucket}", config=keyless, env=env)
    assert denied.rc == 77


def test_cache_directory_that_is_a_symlink_is_not_used(s3cmd: S3cmdRunner, keyless: Path, sts_front,  # noqa: F811
                                                       roles) -> None:  # type: ignore[no-untyped-def]
    target = s3cmd.home / "elsewhere"
    target.mkdir(mode=0o755)
    link = s3cmd.home / "cache-link"
    link.symlink_to(target)
    env = {**webhook_env(s3cmd, roles.s3_allowed, sts_front.url), "S3CMD_CACHE_DIR": str(link)}
    for _ in range(2):
        run = s3cmd("ls", config=keyless, env=env)
        assert run.rc == 0, run.output
        warnings = [line for line in run.stderr.splitlines() if line.startswith("WARNING:")]
        assert len(warnings) == 1 and f"credential cache directory {link} is a symbolic link" in warnings[0]
        assert "S3CMD_CACHE_DIR" in warnings[0] and "--no-credentials-cache" in warnings[0]
    assert list(target.iterdir()) == [] and target.stat().st_mode & 0o777 == 0o755
    assert sts_front.calls["AssumeRoleWithWebIdentity"] == 2  # no cache: STS each time


def test_corrupt_cache_entry_is_ignored_and_replaced(s3cmd: S3cmdRunner, keyless: Path, sts_front,  # noqa: F811
                                                     roles) -> None:  # type: ignore[no-untyped-def]
    env = webhook_env(s3cmd, roles.s3_allowed, sts_front.url)
    assert s3cmd("ls", config=keyless, env=env).rc == 0
    entry = next((s3cmd.home / ".cache" / "s3cmd" / "credentials").glob("*.json"))
    entry.write_text('{"AccessKeyId": null, "SecretAccessKey": 5, "SessionToken": [], "Expiration": []}')
    run = s3cmd("ls", config=keyless, env=env)
    assert run.rc == 0, run.output
    assert sts_front.calls["AssumeRoleWithWebIdentity"] == 2
    assert '"AccessKeyId": "' in entry.read_text()  # replaced by the good answer
    assert s3cmd("ls", config=keyless, env=env).rc == 0 and sts_front.calls["AssumeRoleWithWebIdentity"] == 2


def test_config_file_without_secret_issue_is_quiet(s3cmd: S3cmdRunner, moto_server, identities) -> None:
    cfg = write_config(s3cmd.home / "gpg.cfg", moto_server, identities["admin"], gpg_passphrase=SECRET)
    assert s3cmd("-d", "--dump-config", config=cfg).rc == 0


def test_bad_value_taken_from_the_environment_is_not_echoed(s3cmd: S3cmdRunner) -> None:
    cfg = s3cmd.home / "env.cfg"
    cfg.write_text("[default]\naccess_key = AKIAEXAMPLE\nuse_https = $S3CMD_TEST_VALUE\n")
    run = s3cmd("ls", config=cfg, env={"S3CMD_TEST_VALUE": SECRET})
    assert run.rc == 78
    assert f"ERROR: {cfg}, line 3: use_https: the value of $S3CMD_TEST_VALUE must be True or False" in run.stderr
    assert SECRET[:6] not in run.output


def test_the_guard_knows_every_kind_of_secret(tmp_path: Path) -> None:
    from tests.conftest import known_secrets

    (tmp_path / "token").write_text("web-identity-token-value\n")
    (tmp_path / "pod-token").write_text("pod-identity-token-value")
    cache = tmp_path / ".cache" / "s3cmd" / "credentials"
    cache.mkdir(parents=True)
    (cache / "x.json").write_text('{"SecretAccessKey": "cached-secret-value", "SessionToken": "cached-session-token"}')
    (tmp_path / ".aws").mkdir()
    (tmp_path / ".aws" / "credentials").write_text("[p]\naws_secret_access_key = profile-secret-value\n")
    cfg = tmp_path / "s3cfg"
    cfg.write_text('[default]\nsecret_key = "cfg-secret-value"\naccess_token = cfg-token-value\n'
                   "gpg_passphrase = gpg-passphrase-value\nbroken secret_key line\n")
    env = {"HOME": str(tmp_path), "AWS_SECRET_ACCESS_KEY": "env-secret-value", "AWS_SESSION_TOKEN": "env-session-token",
           "AWS_SECURITY_TOKEN": "env-security-token", "AWS_SECRET_KEY": "env-legacy-secret",
           "AWS_CONTAINER_AUTHORIZATION_TOKEN": "container-token-value",
           "AWS_WEB_IDENTITY_TOKEN_FILE": str(tmp_path / "token"),
           "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE": str(tmp_path / "pod-token")}
    found = known_secrets(args=["--secret_key=argv-secret-value", "--access_token", "argv-token-value", "ls"],
                          env=env, configs=[cfg])
    assert found == {"web-identity-token-value", "pod-identity-token-value", "cached-secret-value",
                     "cached-session-token", "profile-secret-value", "cfg-secret-value", "cfg-token-value",
                     "gpg-passphrase-value", "env-secret-value", "env-session-token", "env-security-token",
                     "env-legacy-secret", "container-token-value", "argv-secret-value", "argv-token-value"}
