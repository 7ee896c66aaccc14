"""What the process touches, injected: environment, clock, sleep, randomness, standard streams.

Anything that reads the environment or the time, or writes to the terminal, takes a
``Runtime`` so that tests can hand in a fake one (a dict for the environment, a settable
clock, in-memory streams) and run the CLI in-process.
"""

from __future__ import annotations

import io
import os
import random
import sys
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import IO, Protocol


class Clock(Protocol):
    def __call__(self) -> datetime: ...


def utc_now() -> datetime:
    return datetime.now(timezone.utc)


def _binary_stdin() -> IO[bytes]:
    # No stdin at all (a daemon, a service started with stdin closed) reads as empty, not a crash at start.
    return sys.stdin.buffer if sys.stdin is not None else io.BytesIO()


@dataclass(frozen=True)
class Runtime:
    env: Mapping[str, str] = field(default_factory=lambda: dict(os.environ))
    clock: Clock = utc_now
    sleep: Callable[[float], None] = time.sleep
    random: Callable[[], float] = random.random
    monotonic: Callable[[], float] = time.monotonic
    # Looked up when the Runtime is made, not at import: pytest and callers may have replaced them.
    stdin: IO[bytes] = field(default_factory=lambda: _binary_stdin())
    stdout: IO[str] = field(default_factory=lambda: sys.stdout)
    stderr: IO[str] = field(default_factory=lambda: sys.stderr)
    # the run is the whole process (the command-line program), not a call among others (tests):
    # what start-up made may be frozen for the garbage collector (S3.cli.main)
    owns_process: bool = False

    def env_flag(self, name: str) -> bool:
        return self.env.get(name, "").strip().lower() in ("1", "true", "yes", "on")

    def home(self) -> str:
        return self.env.get("HOME") or os.path.expanduser("~")

    @property
    def stdout_bytes(self) -> IO[bytes]:
        """Where ``get … -`` writes the object: the binary side of ``stdout``."""
        buffer: IO[bytes] = self.stdout.buffer  # type: ignore[attr-defined]
        return buffer

    def stdout_is_terminal(self) -> bool:
        try:
            return self.stdout.isatty()
        except (OSError, ValueError):
            return False
