"""Shared fixtures: the moto server, IAM identities, and ``run_s3cmd`` for the real executable."""

from __future__ import annotations

import configparser
import json
import os
import shutil
import signal
import subprocess
import sys
import uuid
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.servers import ADMIN_POLICY, S3_ON_ALLOWED_BUCKETS, Identity, MotoServer, create_role

ROOT = Path(__file__).resolve().parent.parent


def default_sigint() -> None:
    """``preexec_fn`` of a run a test interrupts with SIGINT: a shell that starts the suite in the
    background (``make test &``) hands its children SIGINT ignored, and Python then never raises
    KeyboardInterrupt; the test is about our handling of Ctrl-C, not about how it was started."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def s3cmd_executable() -> list[str]:
    """The installed console script when there is one (as users run it), else the checkout's launcher."""
    installed = shutil.which("s3cmd", path=os.path.dirname(sys.executable))
    return [installed] if installed else [sys.executable, str(ROOT / "s3cmd")]


@dataclass(frozen=True)
class Result:
    """What one s3cmd run printed and its exit code (a subprocess, or in-process: ``tests/cli/runner.py``)."""

    rc: int
    stdout: str
    stderr: str

    @property
    def output(self) -> str:
        return self.stdout + self.stderr

    @property
    def errors(self) -> list[str]:
        return [line for line in self.stderr.splitlines() if line.startswith("ERROR:")]


# Environment variables whose values are secrets: they must never reach s3cmd's output.
SECRET_ENV = ("AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_SECURITY_TOKEN", "AWS_SECRET_KEY",
              "AWS_CONTAINER_AUTHORIZATION_TOKEN")
# Environment variables naming files whose content is a secret (web identity / Pod Identity tokens).
SECRET_FILE_ENV = ("AWS_WEB_IDENTITY_TOKEN_FILE", "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE")
SECRET_CFG_KEYS = ("secret_key", "access_token", "gpg_passphrase")
SECRET_ARGS = ("--secret_key", "--access_token")
# Shorter values ("abc", "True") would match ordinary output by chance.
MIN_SECRET_LEN = 8


def _read(path: str | Path, limit: int = 1 << 16) -> str:
    """A small regular file's text, or "" (a FIFO or a missing file must not hang or fail the guard)."""
    try:
        if not Path(path).is_file():
            return ""
        with open(path, "rb") as handle:
            return handle.read(limit).decode("utf-8", "replace")
    except OSError:
        return ""


def _ini_values(path: Path, keys: Iterable[str]) -> list[str]:
    parser = configparser.RawConfigParser(strict=False, interpolation=None)
    try:
        parser.read_string(_read(path))
    except configparser.Error:
        # A deliberately malformed file: fall back to taking the text after the key on any line.
        return [line.split(key, 1)[1].lstrip(" =:\t") for line in _read(path).splitlines()
                for key in keys if line.strip().startswith(key)]
    return [parser.get(section, key) for section in parser.sections() for key in keys if parser.has_option(section, key)]


def _argv_values(args: Sequence[str]) -> list[str]:
    values = []
    for i, arg in enumerate(args):
        for name in SECRET_ARGS:
            if arg == name and i + 1 < len(args):
                values.append(args[i + 1])
            elif arg.startswith(name + "="):
                values.append(arg[len(name) + 1:])
    return values


def _cache_dir(env: Mapping[str, str]) -> Path:
    if env.get("S3CMD_CACHE_DIR"):
        return Path(env["S3CMD_CACHE_DIR"])
    base = env.get("XDG_CACHE_HOME") or os.path.join(env.get("HOME", ""), ".cache")
    return Path(base, "s3cmd", "credentials")


def _cached_secrets(env: Mapping[str, str]) -> list[str]:
    """SecretAccessKey / SessionToken of the STS results the run cached (they are what it signed with)."""
    values = []
    directory = _cache_dir(env)
    if directory.is_dir() and not directory.is_symlink():
        for entry in sorted(directory.glob("*.json")):
            try:
                data = json.loads(_read(entry))
            except ValueError:
                continue
            if isinstance(data, dict):
                values += [v for k, v in data.items() if k in ("SecretAccessKey", "SessionToken") and isinstance(v, str)]
    return values


def known_secrets(*, args: Sequence[str], env: Mapping[str, str], configs: Iterable[Path]) -> set[str]:
    """Every secret one s3cmd invocation could know: config file, environment, token files, argv,
    ~/.aws files and the credential cache."""
    values: list[str] = [env.get(name, "") for name in SECRET_ENV]
    values += [_read(env[name]).strip() for name in SECRET_FILE_ENV if env.get(name)]
    values += _argv_values(args)
    for config in configs:
        values += _ini_values(config, SECRET_CFG_KEYS)
    home = Path(env.get("HOME", "/nonexistent"))
    for aws_file in (env.get("AWS_SHARED_CREDENTIALS_FILE") or home / ".aws" / "credentials",
                     env.get("AWS_CONFIG_FILE") or home / ".aws" / "config"):
        values += _ini_values(Path(aws_file), ("aws_secret_access_key", "aws_session_token"))
    values += _cached_secrets(env)
    values = [v.strip().strip('"') for v in values]  # .s3cfg values may be quoted
    return {v for v in values if len(v) >= MIN_SECRET_LEN}


def _stdout_is_object_data(args: Sequence[str]) -> bool:
    """``get``/``cat`` to ``-`` prints the object's bytes, which the test chose: only stderr is s3cmd's text."""
    return ("get" in args and args[-1] == "-") or "cat" in args


def assert_no_secrets(result: Result, secrets: Iterable[str], *, args: Sequence[str]) -> None:
    """Fail when any of ``secrets`` appears in what one invocation printed."""
    checked = result.stderr if _stdout_is_object_data(args) else result.output
    leaked = sorted(s for s in secrets if s in checked)
    assert not leaked, (f"s3cmd {' '.join(args[:3])}… printed a secret "
                        f"({', '.join(s[:4] + '…' for s in leaked)}):\n{result.output}")


def assert_run_shows_no_secret(stdout: str | bytes, stderr: str | bytes, *, args: Sequence[str],
                               env: Mapping[str, str], configs: Iterable[Path], rc: int = 0) -> Result:
    """The runner's guard for a run a test starts itself (Popen, a wrapper process, a script, the
    demo): fails when the output shows a secret the run could know; returns the output as a Result."""
    result = Result(rc, _decoded(stdout), _decoded(stderr))
    assert_no_secrets(result, known_secrets(args=args, env=env, configs=configs), args=args)
    return result


def _decoded(text: str | bytes) -> str:
    return text.decode("utf-8", "replace") if isinstance(text, bytes) else text


@dataclass
class S3cmdRunner:
    """Runs the real executable. Every run is checked for leaked secrets (see ``assert_no_secrets``);
    ``shows_secrets=True`` is for the few invocations that print secrets on purpose
    (``--dump-config --show-secrets``)."""

    home: Path
    config: Path
    base_env: dict[str, str]

    def __call__(self, *args: str, env: dict[str, str] | None = None, input: bytes | None = None,
                 config: Path | None = None, timeout: float = 120, shows_secrets: bool = False) -> Result:
        full_env = {**self.base_env, **(env or {})}
        config_path = config or self.config
        # Known before the run (a test may rewrite a token file afterwards) and after it (the cache,
        # a config file written by --configure).
        secrets = set() if shows_secrets else known_secrets(args=args, env=full_env, configs=[config_path])
        argv = [*s3cmd_executable(), "-c", str(config_path), *args]
        proc = subprocess.run(argv, env=full_env, input=input, capture_output=True, timeout=timeout,
                              cwd=str(self.home))
        result = Result(proc.returncode, _decoded(proc.stdout), _decoded(proc.stderr))
        if not shows_secrets:
            secrets |= known_secrets(args=args, env=full_env, configs=[config_path])
            assert_no_secrets(result, secrets, args=args)
        return result

    def guard(self, args: Sequence[str], *, stdout: str | bytes, stderr: str | bytes, rc: int = 0) -> Result:
        """``assert_run_shows_no_secret`` for a run of this runner's setup that a test started itself."""
        return assert_run_shows_no_secret(stdout, stderr, args=args, env=self.base_env, configs=[self.config], rc=rc)


@pytest.fixture(scope="session")
def moto_server():
    server = MotoServer()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def identities(moto_server: MotoServer) -> dict[str, Identity]:
    """An admin user and a user limited to buckets named 'allowed-*', then enforcement on."""
    moto_server.enforce(False)
    admin = moto_server.create_user("admin", ADMIN_POLICY)
    limited = moto_server.create_user(
        "limited",
        {
            "Version": "2012-10-17",
            "Statement": [
                {"Effect": "Allow", "Action": "s3:*", "Resource": ["arn:aws:s3:::allowed-*", "arn:aws:s3:::allowed-*/*"]}
            ],
        },
    )
    moto_server.enforce(True)
    return {"admin": admin, "limited": limited}


@dataclass(frozen=True)
class Roles:
    s3_allowed: str  # may use buckets named allowed-*
    chain_start: str  # may only assume chain_target
    chain_target: str  # may use buckets named allowed-*


@pytest.fixture(scope="session")
def roles(moto_server: MotoServer, identities: dict[str, Identity]) -> Roles:
    moto_server.enforce(False)
    try:
        allowed = create_role(moto_server, "s3-allowed", S3_ON_ALLOWED_BUCKETS)
        target = create_role(moto_server, "chain-target", S3_ON_ALLOWED_BUCKETS)
        start = create_role(moto_server, "chain-start", {
            "Version": "2012-10-17",
            "Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole", "Resource": target}],
        })
    finally:
        moto_server.enforce(True)
    return Roles(allowed, start, target)


def write_config(path: Path, server: MotoServer, identity: Identity | None, **extra: str) -> Path:
    lines = ["[default]"]
    if identity is not None:
        lines += [f"access_key = {identity.access_key}", f"secret_key = {identity.secret_key}"]
    host = server.url.split("//", 1)[1]
    lines += [f"host_base = {host}", f"host_bucket = {host}", "use_https = False", "bucket_location = us-east-1"]
    lines += [f"{k} = {v}" for k, v in extra.items()]
    path.write_text("\n".join(lines) + "\n")
    return path


@pytest.fixture
def s3cmd(tmp_path: Path, moto_server: MotoServer, identities: dict[str, Identity]) -> S3cmdRunner:
    return new_runner(tmp_path / "home", moto_server, identities["admin"])


def new_runner(home: Path, moto_server: MotoServer, identity: Identity) -> S3cmdRunner:
    """A runner with a home of its own (made here) and a config for ``identity`` on the moto server;
    module-scoped fixtures use it to share one setup between several one-behaviour tests."""
    home.mkdir()
    config = write_config(home / ".s3cfg", moto_server, identity)
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_") and k != "S3CMD_CONFIG"}
    env.update({"HOME": str(home), "AWS_EC2_METADATA_DISABLED": "true", "TZ": "UTC"})
    return S3cmdRunner(home=home, config=config, base_env=env)


@pytest.fixture
def s3(moto_server: MotoServer, identities: dict[str, Identity]):  # type: ignore[no-untyped-def]
    """boto3 as the admin: setup, and checks of what the server really holds, outside the code under test."""
    return moto_server.client("s3", identities["admin"])


@pytest.fixture
def bucket(s3cmd: S3cmdRunner) -> str:
    name = f"b-{uuid.uuid4().hex[:12]}"
    result = s3cmd("mb", f"s3://{name}")
    assert result.rc == 0, result.output
    return name


@pytest.fixture
def relaxed_auth(moto_server: MotoServer):
    """Signature checks off for one test.

    moto rejects every correctly signed request whose query holds an encoded slash (``delimiter=%2F``, ``prefix=a%2F``)
    (upstream s3cmd 2.4.0 and botocore get the same SignatureDoesNotMatch), so the
    tests of non-recursive listings run with enforcement off. Identity tests keep it on.
    """
    moto_server.enforce(False)
    yield
    moto_server.enforce(True)


__all__ = ["Result", "S3cmdRunner", "assert_no_secrets", "known_secrets", "new_runner", "subprocess", "write_config"]
