"""S3.transfer.gpg against the real gpg (skipped only where gpg is not installed) and a fake
gpg that records what it was given (argv, the passphrase descriptor)."""

from __future__ import annotations

import shutil
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from S3 import ExitCodes
from S3.errors import ConfigError
from S3.settings.model import Settings
from S3.transfer import gpg

GPG = shutil.which("gpg")
needs_gpg = pytest.mark.skipif(GPG is None, reason="gpg is not installed (make venv installs gnupg as root)")
PASSPHRASE = "correct horse battery staple 42"


@pytest.fixture
def gnupg_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """A private GNUPGHOME; the gpg-agent gpg starts for it is stopped afterwards."""
    home = tmp_path / "gnupg"
    home.mkdir(mode=0o700)
    monkeypatch.setenv("GNUPGHOME", str(home))
    monkeypatch.setenv("TMPDIR", str(tmp_path / "tmp"))
    (tmp_path / "tmp").mkdir()
    yield home
    if GPG:
        subprocess.run(["gpgconf", "--homedir", str(home), "--kill", "gpg-agent"], capture_output=True, check=False)


def settings(passphrase: str = PASSPHRASE, command: str = "") -> gpg.GpgSettings:
    defaults = Settings()
    return gpg.GpgSettings(command=command, passphrase=passphrase, encrypt_template=defaults.gpg_encrypt,
                           decrypt_template=defaults.gpg_decrypt)


@needs_gpg
def test_round_trip_through_real_gpg(tmp_path: Path, gnupg_home: Path) -> None:
    source = tmp_path / "a file with spaces %(input_file)s.txt"
    source.write_bytes(b"secret payload\n" * 100)
    with gpg.encrypt_to_temp(source, settings=settings()) as encrypted:
        assert stat.S_IMODE(encrypted.stat().st_mode) == 0o600
        assert stat.S_IMODE(encrypted.parent.stat().st_mode) == 0o700
        data = encrypted.read_bytes()
        assert b"secret payload" not in data
        kept = tmp_path / "downloaded"
        kept.write_bytes(data)
    assert not encrypted.exists() and not encrypted.parent.exists()
    assert list((tmp_path / "tmp").iterdir()) == []
    kept.chmod(0o640)
    gpg.decrypt_file(kept, settings=settings())
    assert kept.read_bytes() == b"secret payload\n" * 100
    assert stat.S_IMODE(kept.stat().st_mode) == 0o640
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([source.name, "downloaded", "gnupg", "tmp"])


@needs_gpg
def test_wrong_passphrase_leaves_the_file_and_no_temporary(tmp_path: Path, gnupg_home: Path) -> None:
    source = tmp_path / "plain"
    source.write_bytes(b"x" * 10)
    with gpg.encrypt_to_temp(source, settings=settings()) as encrypted:
        ciphertext = encrypted.read_bytes()
    target = tmp_path / "target"
    target.write_bytes(ciphertext)
    with pytest.raises(gpg.GpgFailed) as failed:
        gpg.decrypt_file(target, settings=settings(passphrase="not the one"))
    assert failed.value.exit_code == ExitCodes.EX_DATAERR
    assert "gpg_passphrase" in str(failed.value) and "not the one" not in str(failed.value)
    assert target.read_bytes() == ciphertext
    assert sorted(p.name for p in tmp_path.iterdir()) == ["gnupg", "plain", "target", "tmp"]


@needs_gpg
def test_failed_decryption_of_a_download_removes_it(tmp_path: Path, gnupg_home: Path) -> None:
    source = tmp_path / "plain"
    source.write_bytes(b"y" * 10)
    with gpg.encrypt_to_temp(source, settings=settings()) as encrypted:
        ciphertext = encrypted.read_bytes()
    good, bad = tmp_path / "good", tmp_path / "bad"
    good.write_bytes(ciphertext)
    bad.write_bytes(ciphertext)
    gpg.decrypt_download(good, settings=settings())
    assert good.read_bytes() == b"y" * 10
    with pytest.raises(gpg.GpgFailed):
        gpg.decrypt_download(bad, settings=settings(passphrase="wrong one"))
    assert not bad.exists()


@needs_gpg
def test_encryption_failure_is_an_error_not_an_empty_upload(tmp_path: Path, gnupg_home: Path) -> None:
    with pytest.raises(gpg.GpgFailed), gpg.encrypt_to_temp(tmp_path / "missing", settings=settings()):
        pytest.fail("the block must not run")
    assert list((tmp_path / "tmp").iterdir()) == []


FAKE_GPG = """#!{python}
import os, sys
argv = sys.argv[1:]
fd = int(argv[argv.index("--passphrase-fd") + 1])
secret = os.read(fd, 1000).decode()
with open({record!r}, "w") as rec:
    rec.write(repr((argv, secret)))
src, dst = argv[-1], argv[argv.index("-o") + 1]
data = open(src, "rb").read()
open(dst, "wb").write(data[::-1])
"""


def test_passphrase_goes_through_a_pipe_never_argv(tmp_path: Path, gnupg_home: Path) -> None:
    record = tmp_path / "record"
    fake = tmp_path / "fake-gpg"
    fake.write_text(FAKE_GPG.format(python=sys.executable, record=str(record)))
    fake.chmod(0o755)
    source = tmp_path / "in put"
    source.write_bytes(b"abc")
    with gpg.encrypt_to_temp(source, settings=settings(command=str(fake))) as encrypted:
        assert encrypted.read_bytes() == b"cba"
    argv, secret = eval(record.read_text())  # noqa: S307 - our own repr()
    assert secret == PASSPHRASE + "\n"
    assert not any(PASSPHRASE in word for word in argv)
    assert argv[-1] == str(source)  # one argument, spaces and all
    assert argv[0] == "-c"


def test_missing_gpg_program_is_a_config_error(tmp_path: Path) -> None:
    source = tmp_path / "plain"
    source.write_bytes(b"x")
    with pytest.raises(ConfigError) as failed, gpg.encrypt_to_temp(
            source, settings=settings(command=str(tmp_path / "no-such-gpg"))):
        pass
    assert failed.value.exit_code == ExitCodes.EX_CONFIG
    assert "gpg_command" in str(failed.value)


def test_template_words_are_filled_one_by_one() -> None:
    argv = gpg.command_line("%(gpg_command)s -d --passphrase-fd %(passphrase_fd)s -o %(output_file)s %(input_file)s",
                            program="/usr/bin/gpg", passphrase_fd=7, input_file="a b%s.txt", output_file="/t/o")
    assert argv == ["/usr/bin/gpg", "-d", "--passphrase-fd", "7", "-o", "/t/o", "a b%s.txt"]
    with pytest.raises(ConfigError):
        gpg.command_line("%(nope)s", program="g", passphrase_fd=3, input_file="i", output_file="o")


def test_encrypt_without_passphrase_is_refused() -> None:
    gpg.require_passphrase(encrypt=False, passphrase="")
    gpg.require_passphrase(encrypt=True, passphrase="p")
    with pytest.raises(ConfigError) as failed:
        gpg.require_passphrase(encrypt=True, passphrase="")
    assert failed.value.exit_code == ExitCodes.EX_CONFIG


def test_header_marks_encrypted_objects() -> None:
    assert gpg.is_encrypted({"X-Amz-Meta-S3tools-Gpgenc": "gpg"})
    assert not gpg.is_encrypted({"x-amz-meta-s3cmd-attrs": "md5:x"})
    assert "redacted" in repr(settings()) and PASSPHRASE not in repr(settings())


def test_settings_carry_the_gpg_options() -> None:
    chosen = gpg.GpgSettings.from_settings(Settings(gpg_passphrase="pw", gpg_command="/x/gpg"))
    assert (chosen.command, chosen.passphrase) == ("/x/gpg", "pw")
    assert "%(passphrase_fd)s" in chosen.encrypt_template and " -c " in chosen.encrypt_template
