"""What credential sources may touch, in one injected object: environment, clock, files,
processes, HTTP, the STS endpoint and the on-disk cache. No provider reads
``os.environ`` or opens a file by itself."""

from __future__ import annotations

import os
import stat
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from S3.credentials.cache import CredentialCache
from S3.runtime import Runtime

if TYPE_CHECKING:  # the transport (urllib3, ssl) is imported only by a run that makes a request
    from S3.transport.http import HttpClient


def read_text(path: str) -> str:
    with open(path, encoding="utf-8") as handle:
        return handle.read()


# Tokens are a few KiB (a projected service account token is ~1 KiB); anything bigger is not a token.
MAX_TOKEN_BYTES = 64 * 1024

_KINDS = ((stat.S_ISDIR, "a directory"), (stat.S_ISFIFO, "a FIFO"), (stat.S_ISCHR, "a character device"),
          (stat.S_ISBLK, "a block device"), (stat.S_ISSOCK, "a socket"))


class TokenFileRefused(OSError):
    """The token file is not something to read a token from; ``reason`` says why (no content in it)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def read_token_file(path: str) -> str:
    """A token file's text: a regular file (symlinks followed: kubelet's projected token is one) of at
    most ``MAX_TOKEN_BYTES``. O_NONBLOCK so that opening a FIFO cannot wait for a writer; the type is
    checked on the opened descriptor, so the file cannot be swapped between the check and the read."""
    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            kind = next((name for test, name in _KINDS if test(info.st_mode)), "not a file")
            raise TokenFileRefused(f"is {kind}, not a regular file")
        data = b""
        while len(data) <= MAX_TOKEN_BYTES:
            chunk = os.read(fd, MAX_TOKEN_BYTES + 1 - len(data))
            if not chunk:
                break
            data += chunk
        if len(data) > MAX_TOKEN_BYTES:
            raise TokenFileRefused(f"is larger than {MAX_TOKEN_BYTES // 1024} KiB, too large for a token")
    finally:
        os.close(fd)
    return data.decode("utf-8")


@dataclass(frozen=True)
class ProcessResult:
    returncode: int
    stdout: str
    stderr: str


def run_process(argv: Sequence[str], timeout: float, env: dict[str, str]) -> ProcessResult:
    import subprocess  # only credential_process runs one: ~2 ms of start-up the others skip

    done = subprocess.run(list(argv), capture_output=True, text=True, timeout=timeout, env=env, stdin=subprocess.DEVNULL)
    return ProcessResult(done.returncode, done.stdout, done.stderr)


@dataclass(frozen=True)
class ProviderContext:
    runtime: Runtime
    # HTTP for STS: same proxy and CA settings as S3.
    sts_http: Callable[[], HttpClient]
    # HTTP for link-local metadata endpoints (container, IMDS): never through a proxy.
    metadata_http: Callable[[], HttpClient]
    region: str = ""  # for STS, named outright (AWS_REGION, AWS_DEFAULT_REGION)
    # for STS when none is named: asked only by a source that calls STS, since finding it reads
    # the ~/.aws files (the profile's region), which a run with keys in .s3cfg never needs
    region_fallback: Callable[[], str] = lambda: ""
    sts_endpoint: str = ""  # the sts_endpoint config key
    profile: str = ""  # --profile
    cache: CredentialCache | None = None
    read_text: Callable[[str], str] = read_text
    read_token_file: Callable[[str], str] = read_token_file
    run_process: Callable[[Sequence[str], float, dict[str, str]], ProcessResult] = run_process

    @property
    def env(self) -> Mapping[str, str]:
        return self.runtime.env

    def sts_region(self) -> str:
        return self.region or self.region_fallback()
