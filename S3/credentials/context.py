"""What credential sources may touch, in one injected object: environment, clock, files,
processes, HTTP, the STS endpoint and the on-disk cache. No provider reads
``os.environ`` or opens a file by itself."""

from __future__ import annotations

import subprocess
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from S3.credentials.cache import CredentialCache
from S3.runtime import Runtime
from S3.transport.http import HttpClient


def read_text(path: str) -> str:
    with open(path, encoding="utf-8") as handle:
        return handle.read()


@dataclass(frozen=True)
class ProcessResult:
    returncode: int
    stdout: str
    stderr: str


def run_process(argv: Sequence[str], timeout: float, env: dict[str, str]) -> ProcessResult:
    done = subprocess.run(list(argv), capture_output=True, text=True, timeout=timeout, env=env, stdin=subprocess.DEVNULL)
    return ProcessResult(done.returncode, done.stdout, done.stderr)


@dataclass(frozen=True)
class ProviderContext:
    runtime: Runtime
    # HTTP for STS: same proxy and CA settings as S3.
    sts_http: Callable[[], HttpClient]
    # HTTP for link-local metadata endpoints (container, IMDS): never through a proxy.
    metadata_http: Callable[[], HttpClient]
    region: str = ""
    sts_endpoint: str = ""  # the sts_endpoint config key
    profile: str = ""  # --profile
    cache: CredentialCache | None = None
    read_text: Callable[[str], str] = read_text
    run_process: Callable[[Sequence[str], float, dict[str, str]], ProcessResult] = run_process

    @property
    def env(self) -> Mapping[str, str]:
        return self.runtime.env
