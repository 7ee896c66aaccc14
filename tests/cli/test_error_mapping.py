"""raw_main's one decision: whatever a command raises becomes one ``ERROR:`` line on stderr and
s3cmd's exit code, never a traceback (unless --debug). In-process, with a command that raises."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from S3 import ExitCodes
from S3.cli import commands
from S3.cli.context import Context
from S3.cli.main import Terminated
from S3.errors import ConfigError, LocalFileError, ParameterError, TransferError
from tests.cli.runner import CliResult, run_cli


@pytest.fixture
def raising(env: dict[str, str], monkeypatch: pytest.MonkeyPatch) -> Callable[..., CliResult]:
    """Run ``s3cmd ls`` whose handler raises ``problem``."""
    def run(problem: BaseException, *args: str) -> CliResult:
        def handler(ctx: Context, params: list[str]) -> int:
            ctx.out("before the failure")
            raise problem

        monkeypatch.setattr(commands, "COMMANDS", {**commands.COMMANDS, "ls": handler})
        return run_cli(*args, "ls", env=env)

    return run


@pytest.mark.parametrize(("problem", "rc", "line"), [
    (ParameterError("no such thing"), ExitCodes.EX_USAGE, "ERROR: Parameter problem: no such thing"),
    (ConfigError("bad file"), ExitCodes.EX_CONFIG, "ERROR: bad file"),
    (LocalFileError("cannot read x"), ExitCodes.EX_IOERR, "ERROR: cannot read x"),
    (TransferError("try again"), ExitCodes.EX_TEMPFAIL, "ERROR: try again"),
    (PermissionError(13, "Permission denied", "/some/file"), ExitCodes.EX_IOERR, "ERROR: Permission denied: /some/file"),
    (MemoryError(), ExitCodes.EX_OSERR, "ERROR: Out of memory; lower --parallel or --multipart-chunk-size-mb"),
    (RuntimeError("surprise"), ExitCodes.EX_SOFTWARE,
     "ERROR: Internal error: RuntimeError: surprise (run with --debug for details and report it)"),
], ids=lambda value: type(value).__name__ if isinstance(value, BaseException) else None)
def test_errors_become_one_line_and_the_exit_code(raising: Callable[..., CliResult], problem: BaseException,
                                                  rc: int, line: str) -> None:
    result = raising(problem)
    assert (result.rc, result.stderr) == (rc, line + "\n")
    assert result.stdout == "before the failure\n"  # what was printed before stays printed


def test_ctrl_c_exits_130(raising: Callable[..., CliResult]) -> None:
    result = raising(KeyboardInterrupt())
    assert (result.rc, result.stderr) == (ExitCodes.EX_BREAK, "\nERROR: Interrupted by the user (Ctrl-C)\n")


def test_sigterm_exits_143(raising: Callable[..., CliResult]) -> None:
    result = raising(Terminated())
    assert result.rc == 128 + 15
    assert result.stderr == "ERROR: Terminated (SIGTERM); no partial file was left behind\n"


def test_a_closed_pipe_is_not_an_error(raising: Callable[..., CliResult]) -> None:
    result = raising(BrokenPipeError())
    assert (result.rc, result.stderr) == (ExitCodes.EX_OK, "")


def test_debug_adds_the_traceback(raising: Callable[..., CliResult]) -> None:
    result = raising(RuntimeError("surprise"), "--debug")
    assert result.rc == ExitCodes.EX_SOFTWARE
    assert "Traceback (most recent call last)" in result.stderr
    assert result.errors[-1].startswith("ERROR: Internal error: RuntimeError: surprise")
