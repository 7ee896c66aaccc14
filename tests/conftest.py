"""Shared fixtures: the moto server, IAM identities, and ``run_s3cmd`` for the real executable."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import uuid
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.servers import ADMIN_POLICY, S3_ON_ALLOWED_BUCKETS, Identity, MotoServer, create_role

ROOT = Path(__file__).resolve().parent.parent


def s3cmd_executable() -> list[str]:
    """The installed console script when there is one (as users run it), else the checkout's launcher."""
    installed = shutil.which("s3cmd", path=os.path.dirname(sys.executable))
    return [installed] if installed else [sys.executable, str(ROOT / "s3cmd")]


@dataclass
class Result:
    rc: int
    stdout: str
    stderr: str

    @property
    def output(self) -> str:
        return self.stdout + self.stderr


@dataclass
class S3cmdRunner:
    home: Path
    config: Path
    base_env: dict[str, str]

    def __call__(self, *args: str, env: dict[str, str] | None = None, input: bytes | None = None,
                 config: Path | None = None, timeout: float = 120) -> Result:
        full_env = {**self.base_env, **(env or {})}
        argv = [*s3cmd_executable(), "-c", str(config or self.config), *args]
        proc = subprocess.run(argv, env=full_env, input=input, capture_output=True, timeout=timeout,
                              cwd=str(self.home))
        return Result(proc.returncode, proc.stdout.decode("utf-8", "replace"), proc.stderr.decode("utf-8", "replace"))


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
    home = tmp_path / "home"
    home.mkdir()
    config = write_config(home / ".s3cfg", moto_server, identities["admin"])
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_") and k != "S3CMD_CONFIG"}
    env.update({"HOME": str(home), "AWS_EC2_METADATA_DISABLED": "true", "TZ": "UTC"})
    return S3cmdRunner(home=home, config=config, base_env=env)


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


__all__ = ["Result", "S3cmdRunner", "subprocess", "write_config"]
