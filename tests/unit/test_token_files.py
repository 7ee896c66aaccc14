"""Token files (IRSA web identity, Pod Identity / ECS authorization) are read by one helper that
never blocks on a FIFO, never reads a device or a huge file, and says which variable to fix."""

from __future__ import annotations

import os
import signal
from collections.abc import Iterator
from pathlib import Path

import pytest

from S3.credentials.common import read_token
from S3.credentials.context import ProviderContext, read_token_file
from S3.identity.errors import CredentialsError
from S3.runtime import Runtime

SETTING = "AWS_WEB_IDENTITY_TOKEN_FILE"


@pytest.fixture(autouse=True)
def no_hang() -> Iterator[None]:
    """A reader that blocks on a FIFO must fail this test, not hang the suite."""
    def timeout(signum: int, frame: object) -> None:
        raise TimeoutError("token file read blocked")

    previous = signal.signal(signal.SIGALRM, timeout)
    signal.alarm(10)
    yield
    signal.alarm(0)
    signal.signal(signal.SIGALRM, previous)


def ctx() -> ProviderContext:
    def unused() -> None:
        raise AssertionError("no HTTP here")

    return ProviderContext(runtime=Runtime(env={}), sts_http=unused, metadata_http=unused)  # type: ignore[arg-type]


def load(path: Path | str) -> str:
    return read_token(ctx(), str(path), "web-identity", setting=SETTING)


def test_a_regular_file_and_a_kubelet_symlink_are_read_and_stripped(tmp_path: Path) -> None:
    data = tmp_path / "..data"
    data.mkdir()
    (data / "token").write_text("eyJ.token.sig\n")
    (tmp_path / "token").symlink_to(data / "token")  # projected volumes are symlinks into ..data
    assert load(data / "token") == "eyJ.token.sig"
    assert load(tmp_path / "token") == "eyJ.token.sig"


def test_a_fifo_is_refused_without_blocking(tmp_path: Path) -> None:
    fifo = tmp_path / "token"
    os.mkfifo(fifo)
    with pytest.raises(CredentialsError) as caught:
        load(fifo)
    message = str(caught.value)
    assert f"token file {fifo} ({SETTING}) is a FIFO, not a regular file" in message
    assert caught.value.exit_code == 78


def test_a_device_is_refused_without_reading_it() -> None:
    with pytest.raises(CredentialsError, match=r"token file /dev/zero \(AWS_WEB_IDENTITY_TOKEN_FILE\) is a "
                                               r"character device, not a regular file") as caught:
        load("/dev/zero")
    assert caught.value.exit_code == 78


def test_a_directory_is_refused(tmp_path: Path) -> None:
    with pytest.raises(CredentialsError, match="is a directory, not a regular file"):
        load(tmp_path)


def test_a_file_over_the_cap_is_refused(tmp_path: Path) -> None:
    big = tmp_path / "token"
    big.write_bytes(b"x" * (64 * 1024 + 1))
    with pytest.raises(CredentialsError) as caught:
        load(big)
    assert "is larger than 64 KiB" in str(caught.value) and "x" * 20 not in str(caught.value)
    assert caught.value.exit_code == 78
    big.write_bytes(b"y" * (64 * 1024))
    assert load(big) == "y" * (64 * 1024)


def test_missing_and_unreadable_keep_their_hints(tmp_path: Path) -> None:
    with pytest.raises(CredentialsError, match="does not exist"):
        load(tmp_path / "missing")

    def denied(path: str) -> str:  # root reads any file: an unreadable one is simulated
        raise PermissionError(13, "Permission denied", path)

    context = ProviderContext(runtime=Runtime(env={}), sts_http=None, metadata_http=None,  # type: ignore[arg-type]
                              read_token_file=denied)
    with pytest.raises(CredentialsError, match="permission denied; run the pod with securityContext.fsGroup"):
        read_token(context, "/var/run/token", "web-identity", setting=SETTING)


def test_the_low_level_reader_is_the_context_default(tmp_path: Path) -> None:
    token = tmp_path / "t"
    token.write_text("abc")
    assert read_token_file(str(token)) == "abc"
    assert ctx().read_token_file is read_token_file
