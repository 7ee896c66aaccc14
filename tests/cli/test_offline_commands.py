"""Commands refused before any request: argument checks, URIs, local sources. In-process, against
an endpoint where nothing listens (127.0.0.1:9): a request would end in a connection error, not
in the exit 64 and the one line each test expects."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from S3 import ExitCodes
from tests.cli.runner import CliResult, run_cli

KEYS = "access_key = AKIAEXAMPLE\nsecret_key = offline-secret-key-value\n"
ENDPOINT = "[default]\nhost_base = 127.0.0.1:9\nhost_bucket = 127.0.0.1:9\nuse_https = False\n"


@pytest.fixture
def run(env: dict[str, str], s3cfg: Callable[[str], str], tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> Callable[..., CliResult]:
    work = tmp_path / "work"
    work.mkdir()
    (work / "a.txt").write_text("a")
    (work / "b.txt").write_text("b")
    monkeypatch.chdir(work)  # local paths in the arguments are relative, as a user types them
    path = s3cfg(ENDPOINT + KEYS)
    return lambda *args: run_cli("-c", path, *args, env=env)


def _refused(result: CliResult, *errors: str) -> None:
    assert (result.rc, result.stdout) == (ExitCodes.EX_USAGE, ""), result.stderr
    assert result.errors == [f"ERROR: {error}" for error in errors]


def test_invalid_bucket_name(run: Callable[..., CliResult]) -> None:
    _refused(run("get", "s3://bad_bucket!/x", "x"),
             "Parameter problem: Invalid bucket name 'bad_bucket!' in 's3://bad_bucket!/x': "
             "use 3 to 255 letters, digits, '.', '-' or '_'")


def test_not_enough_parameters(run: Callable[..., CliResult]) -> None:
    _refused(run("cp", "s3://bucket/a.txt"),
             "Not enough parameters for command 'cp' (usage: s3cmd cp s3://BUCKET1/OBJECT1 s3://BUCKET2[/OBJECT2])")


def test_del_of_a_bucket_needs_recursive(run: Callable[..., CliResult]) -> None:
    _refused(run("del", "s3://bucket"),
             "Parameter problem: File name required, not only the bucket name. Alternatively use --recursive")


def test_rm_of_a_prefix_needs_recursive(run: Callable[..., CliResult]) -> None:
    _refused(run("rm", "s3://bucket/dir/"),
             "Parameter problem: Expecting S3 URI with a filename or --recursive: s3://bucket/dir/")


def test_rm_of_a_whole_bucket_needs_force(run: Callable[..., CliResult]) -> None:
    _refused(run("rm", "-r", "s3://bucket"), "Parameter problem: Please use --force to delete ALL contents of s3://bucket/")


@pytest.mark.parametrize("args", [("a.txt", "b.txt", "s3://bucket/multi"), ("-r", ".", "s3://bucket/tree")])
def test_several_sources_need_a_directory_destination(run: Callable[..., CliResult], args: tuple[str, ...]) -> None:
    _refused(run("put", *args), "Parameter problem: Destination S3 URI must end with '/' "
                                "(ie must refer to a directory on the remote side).")


def test_put_of_only_missing_files_uploads_nothing(run: Callable[..., CliResult]) -> None:
    _refused(run("put", "missing.txt", "s3://bucket/up/"),
             "File 'missing.txt' does not exist: skipped", "Parameter problem: Nothing to upload.")


def test_config_value_of_the_wrong_type_names_file_and_line(env: dict[str, str], s3cfg: Callable[[str], str]) -> None:
    path = s3cfg("[default]\nuse_https = maybe\n")
    result = run_cli("-c", path, "ls", env=env)
    assert result.rc == ExitCodes.EX_CONFIG
    assert result.errors == [f"ERROR: {path}, line 2: use_https must be True or False, not 'maybe'"]


def test_unparsable_config_line_is_not_echoed(env: dict[str, str], s3cfg: Callable[[str], str]) -> None:
    path = s3cfg("[default]\naccess_key = AKIA\nthis line is wrong\n")
    result = run_cli("-c", path, "ls", env=env)
    assert result.rc == ExitCodes.EX_CONFIG
    assert result.errors == [f"ERROR: {path}, line 3: expected 'name = value' or '[section]' "
                             "(the line's text is not shown: it may hold a secret)"]
