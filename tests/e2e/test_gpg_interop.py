"""Objects encrypted by upstream s3cmd 2.4.0 (``-e put``) are decrypted by S3.transfer.gpg, and
objects we encrypt are decrypted by upstream's ``get``; the objects travel through the moto
server and are read and written with boto3.

``tests/cases/gpg/upstream-2.4.0-encrypted.bin`` is what upstream 2.4.0 stored for
``hello-world\\n`` with ``gpg_passphrase = hunter2pass`` (fetched with boto3 from moto), so the
first direction is checked even where upstream is not installed; the live tests skip, saying
why, where upstream (``/tmp/upstream/bin/s3cmd``) or gpg is absent.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import uuid
from pathlib import Path

import pytest

from S3.settings.model import Settings
from S3.transfer import gpg
from tests.conftest import ROOT, write_config

GPG = shutil.which("gpg")
UPSTREAM = Path(os.environ.get("S3CMD_UPSTREAM", "/tmp/upstream/bin/s3cmd"))
RECORDED = ROOT / "tests" / "cases" / "gpg" / "upstream-2.4.0-encrypted.bin"
PASSPHRASE = "hunter2pass-interop"

pytestmark = pytest.mark.skipif(GPG is None, reason="gpg is not installed (make venv installs gnupg as root)")
needs_upstream = pytest.mark.skipif(not UPSTREAM.exists(), reason=f"upstream s3cmd 2.4.0 not installed at {UPSTREAM}")


def ours(passphrase: str = PASSPHRASE) -> gpg.GpgSettings:
    defaults = Settings()
    return gpg.GpgSettings(command="", passphrase=passphrase, encrypt_template=defaults.gpg_encrypt,
                           decrypt_template=defaults.gpg_decrypt)


@pytest.fixture
def gnupg_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    home = tmp_path / "gnupg"
    home.mkdir(mode=0o700)
    monkeypatch.setenv("GNUPGHOME", str(home))
    yield {**os.environ, "GNUPGHOME": str(home)}
    subprocess.run(["gpgconf", "--homedir", str(home), "--kill", "gpg-agent"], capture_output=True, check=False)


def upstream(tmp_path: Path, moto_server, identity, env: dict[str, str], *args: str) -> subprocess.CompletedProcess:  # type: ignore[no-untyped-def]
    config = write_config(tmp_path / "upstream.s3cfg", moto_server, identity, gpg_passphrase=PASSPHRASE,
                          gpg_command=str(GPG))
    return subprocess.run([str(UPSTREAM), "-c", str(config), *args], capture_output=True, env=env, timeout=120,
                          cwd=str(tmp_path))


def test_recorded_upstream_object_decrypts(tmp_path: Path, gnupg_env: dict[str, str]) -> None:
    target = tmp_path / "hello.txt"
    shutil.copyfile(RECORDED, target)
    gpg.decrypt_file(target, settings=ours("hunter2pass"))
    assert target.read_bytes() == b"hello-world\n"


@needs_upstream
def test_upstream_encrypted_object_is_readable_by_us(tmp_path: Path, moto_server, identities,  # type: ignore[no-untyped-def]
                                                     gnupg_env: dict[str, str]) -> None:
    s3 = moto_server.client("s3", identities["admin"])
    bucket = f"gpg-{uuid.uuid4().hex[:10]}"
    s3.create_bucket(Bucket=bucket)
    plain = tmp_path / "plain.bin"
    plain.write_bytes(os.urandom(70_000))
    done = upstream(tmp_path, moto_server, identities["admin"], gnupg_env, "-e", "put", str(plain), f"s3://{bucket}/o")
    assert done.returncode == 0, done.stderr
    stored = s3.get_object(Bucket=bucket, Key="o")
    assert stored["Metadata"]["s3tools-gpgenc"] == gpg.ENCRYPTED_VALUE
    fetched = tmp_path / "fetched"
    fetched.write_bytes(stored["Body"].read())
    assert fetched.read_bytes() != plain.read_bytes()
    gpg.decrypt_file(fetched, settings=ours())
    assert fetched.read_bytes() == plain.read_bytes()


@needs_upstream
def test_object_we_encrypt_is_readable_by_upstream(tmp_path: Path, moto_server, identities,  # type: ignore[no-untyped-def]
                                                   gnupg_env: dict[str, str]) -> None:
    s3 = moto_server.client("s3", identities["admin"])
    bucket = f"gpg-{uuid.uuid4().hex[:10]}"
    s3.create_bucket(Bucket=bucket)
    plain = tmp_path / "plain.bin"
    plain.write_bytes(b"ours, encrypted\n" * 500)
    with gpg.encrypt_to_temp(plain, settings=ours()) as encrypted:
        s3.put_object(Bucket=bucket, Key="o", Body=encrypted.read_bytes(),
                      Metadata={gpg.ENCRYPTED_HEADER.removeprefix("x-amz-meta-"): gpg.ENCRYPTED_VALUE})
    done = upstream(tmp_path, moto_server, identities["admin"], gnupg_env, "get", f"s3://{bucket}/o",
                    str(tmp_path / "got"))
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "got").read_bytes() == plain.read_bytes()
