"""``-e``/``--encrypt`` end to end: the real ``s3cmd`` against the moto server, what is stored
checked through boto3. ``put -e`` stores gpg's output with ``x-amz-meta-s3tools-gpgenc``,
``get`` of such an object (ours, or upstream 2.4.0's recorded one) writes the plaintext,
``put - -e`` and ``sync -e`` (to S3) are refused with exit 64 as upstream refuses the latter.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from S3.s3 import attrs
from S3.transfer import gpg
from tests.conftest import ROOT, S3cmdRunner

PASSPHRASE = "hunter2pass-wiring"
RECORDED = ROOT / "tests" / "cases" / "gpg" / "upstream-2.4.0-encrypted.bin"
pytestmark = pytest.mark.skipif(shutil.which("gpg") is None, reason="gpg is not installed")


@pytest.fixture
def enc(s3cmd: S3cmdRunner, tmp_path: Path):  # type: ignore[no-untyped-def]
    """The runner with a gpg passphrase in its config and a private GNUPGHOME."""
    home = tmp_path / "gnupg"
    home.mkdir(mode=0o700)
    with open(s3cmd.config, "a") as config:
        config.write(f"gpg_passphrase = {PASSPHRASE}\n")
    s3cmd.base_env["GNUPGHOME"] = str(home)
    yield s3cmd
    subprocess.run(["gpgconf", "--homedir", str(home), "--kill", "gpg-agent"], capture_output=True, check=False)


def test_put_e_stores_ciphertext_and_get_gives_plaintext(enc: S3cmdRunner, bucket: str, s3, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    plain = tmp_path / "secret.txt"
    plain.write_bytes(b"top secret payload\n" * 300)
    put = enc("-e", "put", str(plain), f"s3://{bucket}/o")
    assert put.rc == 0, put.output
    stored = s3.get_object(Bucket=bucket, Key="o")
    body = stored["Body"].read()
    assert body != plain.read_bytes() and b"top secret" not in body
    assert stored["Metadata"]["s3tools-gpgenc"] == gpg.ENCRYPTED_VALUE
    # as upstream: the attrs MD5 is the plaintext's
    stored_attrs = attrs.decode(stored["Metadata"].get("s3cmd-attrs", ""))
    assert stored_attrs.md5 in ("", None, hashlib.md5(plain.read_bytes()).hexdigest())
    got = enc("get", f"s3://{bucket}/o", str(tmp_path / "back"))
    assert got.rc == 0, got.output
    assert (tmp_path / "back").read_bytes() == plain.read_bytes()


def test_get_decrypts_upstream_encrypted_object(enc: S3cmdRunner, bucket: str, s3, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    s3.put_object(Bucket=bucket, Key="up", Body=RECORDED.read_bytes(), Metadata={"s3tools-gpgenc": "gpg"})
    with open(enc.config, "a") as config:
        config.write("gpg_passphrase = hunter2pass\n")  # the passphrase upstream's recording was made with
    got = enc("get", f"s3://{bucket}/up", str(tmp_path / "up.txt"))
    assert got.rc == 0, got.output
    assert (tmp_path / "up.txt").read_bytes() == b"hello-world\n"
    to_stdout = enc("get", f"s3://{bucket}/up", "-")
    assert to_stdout.rc == 0, to_stdout.output
    assert to_stdout.stdout == "hello-world\n"


def test_get_with_wrong_passphrase_leaves_no_ciphertext(enc: S3cmdRunner, bucket: str, s3, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    s3.put_object(Bucket=bucket, Key="up", Body=RECORDED.read_bytes(), Metadata={"s3tools-gpgenc": "gpg"})
    got = enc("get", f"s3://{bucket}/up", str(tmp_path / "up.txt"))
    assert got.rc == 65, got.output
    assert "ERROR:" in got.stderr and "Traceback" not in got.output
    assert not (tmp_path / "up.txt").exists()


def test_put_e_multipart_round_trip(enc: S3cmdRunner, bucket: str, s3, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    plain = tmp_path / "big.bin"
    plain.write_bytes(os.urandom(6 * 1024 * 1024))
    put = enc("-e", "--multipart-chunk-size-mb=5", "put", str(plain), f"s3://{bucket}/big")
    assert put.rc == 0, put.output
    head = s3.head_object(Bucket=bucket, Key="big")
    assert head["Metadata"]["s3tools-gpgenc"] == gpg.ENCRYPTED_VALUE
    got = enc("get", f"s3://{bucket}/big", str(tmp_path / "big.back"))
    assert got.rc == 0, got.output
    assert (tmp_path / "big.back").read_bytes() == plain.read_bytes()


def test_put_stdin_with_encrypt_is_refused(enc: S3cmdRunner, bucket: str, s3) -> None:  # type: ignore[no-untyped-def]
    result = enc("-e", "put", "-", f"s3://{bucket}/o", input=b"not to be sent in clear\n")
    assert result.rc == 64, result.output
    assert "ERROR:" in result.stderr
    assert "Contents" not in s3.list_objects(Bucket=bucket)


def test_sync_with_encrypt_is_refused(enc: S3cmdRunner, bucket: str, s3, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    (tmp_path / "d").mkdir()
    (tmp_path / "d" / "f").write_bytes(b"clear\n")
    result = enc("-e", "sync", str(tmp_path / "d") + "/", f"s3://{bucket}/")
    assert result.rc == 64, result.output
    assert "--no-encrypt" in result.stderr
    assert "Contents" not in s3.list_objects(Bucket=bucket)


def test_get_continue_of_an_encrypted_object_is_refused(enc: S3cmdRunner, bucket: str, s3, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """Appending ciphertext to a local file cannot give the plaintext: refused, the file untouched."""
    s3.put_object(Bucket=bucket, Key="up", Body=RECORDED.read_bytes(), Metadata={"s3tools-gpgenc": "gpg"})
    partial = tmp_path / "up.txt"
    partial.write_bytes(b"hello")
    got = enc("--continue", "get", f"s3://{bucket}/up", str(partial))
    assert got.rc == 64, got.output
    assert "--force" in got.stderr and "Traceback" not in got.output
    assert partial.read_bytes() == b"hello"


def test_sync_down_decrypts_what_put_e_stored(enc: S3cmdRunner, bucket: str, tmp_path: Path) -> None:
    """A restore with ``sync`` must not hand back ciphertext with exit 0 (upstream 2.4.0 does)."""
    plain = tmp_path / "db.dump"
    plain.write_bytes(b"rows of a backup\n" * 500)
    assert enc("-e", "put", str(plain), f"s3://{bucket}/backup/db.dump").rc == 0
    restored = tmp_path / "restore"
    restored.mkdir()
    run = enc("sync", f"s3://{bucket}/backup/", f"{restored}/")
    assert run.rc == 0, run.output
    assert (restored / "db.dump").read_bytes() == plain.read_bytes()
