"""Run the command line in-process: ``raw_main(argv, runtime=...)`` with an injected environment
and in-memory standard streams. For parsing, output lines and error → exit code mapping; what
needs the real executable (signals, the console script, a real server) stays in ``tests/e2e``.

Every run is checked for leaked secrets, as the subprocess runner does (``tests.conftest``).
"""

from __future__ import annotations

import io
import logging
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path

from S3.cli.main import raw_main
from S3.runtime import Runtime
from tests.conftest import Result, assert_no_secrets, known_secrets

CliResult = Result  # the subprocess runner's result type: one shape for both runners


def _stream() -> io.TextIOWrapper:
    # A text stream with a binary ``buffer`` underneath, as sys.stdout has (``get … -`` writes bytes).
    return io.TextIOWrapper(io.BytesIO(), encoding="utf-8", newline="")


def _text(stream: io.TextIOWrapper) -> str:
    stream.flush()
    return stream.buffer.getvalue().decode("utf-8", "replace")  # type: ignore[attr-defined]


def _no_sleep(seconds: float) -> None:
    # Every in-process test runs without a server: a request being retried is already a failure.
    raise AssertionError(f"the run slept {seconds}s: a request was sent and retried")


@contextmanager
def _logging_restored() -> Iterator[None]:
    """raw_main configures the "s3cmd" logger for a process (a handler on the run's stderr, no
    propagation); the test process gets its own back, or later tests' caplog would see nothing."""
    logger = logging.getLogger("s3cmd")
    saved = (list(logger.handlers), logger.level, logger.propagate)
    try:
        yield
    finally:
        for handler in list(logger.handlers):
            logger.removeHandler(handler)
        handlers, level, propagate = saved
        for handler in handlers:
            logger.addHandler(handler)
        logger.setLevel(level)
        logger.propagate = propagate


def run_cli(*args: str, env: Mapping[str, str], stdin: bytes = b"", shows_secrets: bool = False) -> CliResult:
    """``s3cmd ARGS`` in this process. ``env`` is the whole environment the run sees (give it a
    ``HOME`` of the test's own, so that no ``~/.s3cfg`` or ``~/.aws`` of the machine is read)."""
    stdout, stderr = _stream(), _stream()
    runtime = Runtime(env=dict(env), stdin=io.BytesIO(stdin), stdout=stdout, stderr=stderr, sleep=_no_sleep)
    with _logging_restored():
        rc = raw_main(list(args), runtime=runtime)
    result = CliResult(rc, _text(stdout), _text(stderr))
    if not shows_secrets:
        configs = [Path(args[i + 1]) for i, arg in enumerate(args[:-1]) if arg in ("-c", "--config")]
        configs += [Path(env["S3CMD_CONFIG"])] if env.get("S3CMD_CONFIG") else []
        secrets = known_secrets(args=args, env=env, configs=configs)
        assert_no_secrets(result, secrets, args=args)  # type: ignore[arg-type]
    return result
