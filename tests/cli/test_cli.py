"""The command line in-process (``raw_main`` with an injected runtime): parsing, output lines,
error → exit code mapping and settings precedence, without a subprocess or a server."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from S3 import ExitCodes, PkgInfo
from tests.cli.runner import run_cli

Cfg = Callable[[str], str]
SECRET = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
ENDPOINT = "[default]\nhost_base = 127.0.0.1:9\nhost_bucket = 127.0.0.1:9\nuse_https = False\n"


def test_version_prints_the_version_on_stdout(env: dict[str, str]) -> None:
    result = run_cli("--version", env=env)
    assert (result.rc, result.stdout, result.stderr) == (0, f"s3cmd version {PkgInfo.version}\n", "")


def test_help_lists_options_and_commands(env: dict[str, str]) -> None:
    result = run_cli("--help", env=env)
    assert result.rc == 0
    assert result.stdout.startswith("Usage: s3cmd [options] COMMAND [parameters]")
    assert "--multipart-chunk-size-mb" in result.stdout
    assert "  List objects or buckets\n      s3cmd ls [s3://BUCKET[/PREFIX]]\n" in result.stdout


def test_unknown_option_is_a_usage_error_naming_it(env: dict[str, str]) -> None:
    result = run_cli("ls", "--no-such-thing", env=env)
    assert result.rc == 2  # optparse's code for any option error, as s3cmd 2.4.0
    assert result.stderr.splitlines()[0] == "Usage: s3cmd [options] COMMAND [parameters]"
    assert result.errors == ["ERROR: no such option: --no-such-thing (see 's3cmd --help')"]
    assert result.stdout == ""


def test_a_non_number_where_a_number_belongs_is_named_without_its_value(env: dict[str, str]) -> None:
    result = run_cli("ls", "--parallel", "lots", env=env)
    assert result.rc == 2
    assert result.errors == ["ERROR: option --parallel: expects a whole number (see 's3cmd --help')"]
    assert "lots" not in result.output


@pytest.mark.parametrize("args, message", [
    (("--multipart-chunk-size-mb=0",),
     "Parameter problem: Chunk size 0 MB is too small, must be >= 5 MB. Please adjust --multipart-chunk-size-mb"),
    (("--multipart-chunk-size-mb=6000",),
     "Parameter problem: Chunk size 6000 MB is too large, must be <= 5120 MB. Please adjust --multipart-chunk-size-mb"),
    (("--parallel=0",), "Parameter problem: --parallel must be 1 or more, not 0"),
    (("--max-retries=-1",), "Parameter problem: --max-retries must be 0 or more, not -1"),
])
def test_out_of_range_values_are_refused_at_start_for_any_command(env: dict[str, str], args: tuple[str, ...],
                                                                 message: str) -> None:
    # ls reads none of these: s3cmd 2.4.0 still refuses them before any command runs
    result = run_cli("ls", "s3://bucket", *args, env=env)
    assert (result.rc, result.errors, result.stdout) == (ExitCodes.EX_USAGE, [f"ERROR: {message}"], "")


def test_out_of_range_value_in_the_config_file_is_refused_too(env: dict[str, str], s3cfg: Cfg) -> None:
    path = s3cfg(ENDPOINT + "multipart_chunk_size_mb = 1\n")
    result = run_cli("-c", path, "--dump-config", env=env)
    assert result.rc == ExitCodes.EX_USAGE
    assert result.errors == ["ERROR: Parameter problem: Chunk size 1 MB is too small, must be >= 5 MB. "
                             "Please adjust --multipart-chunk-size-mb"]


def test_dump_config_masks_secrets(env: dict[str, str], s3cfg: Cfg) -> None:
    path = s3cfg(ENDPOINT + f"access_key = AKIAEXAMPLE\nsecret_key = {SECRET}\n")
    result = run_cli("-c", path, "--dump-config", env=env)
    assert result.rc == 0
    assert "secret_key = ********\n" in result.stdout
    assert "access_key = AKIAEXAMPLE\n" in result.stdout


def test_dump_config_show_secrets_prints_them(env: dict[str, str], s3cfg: Cfg) -> None:
    path = s3cfg(ENDPOINT + f"secret_key = {SECRET}\n")
    result = run_cli("-c", path, "--dump-config", "--show-secrets", env=env, shows_secrets=True)
    assert f"secret_key = {SECRET}\n" in result.stdout


def test_malformed_config_file_is_a_config_error_naming_the_line(env: dict[str, str], s3cfg: Cfg) -> None:
    path = s3cfg(ENDPOINT + f"secret_key {SECRET}\n")
    result = run_cli("-c", path, "ls", env=env)
    assert result.rc == ExitCodes.EX_CONFIG
    assert result.errors == [f"ERROR: {path}, line 5: 'secret_key' is not followed by '='; "
                             "write 'secret_key = VALUE'"]


def test_config_file_named_but_missing_is_a_config_error(env: dict[str, str], tmp_path) -> None:  # type: ignore[no-untyped-def]
    result = run_cli("-c", str(tmp_path / "absent"), "ls", env=env)
    assert result.rc == ExitCodes.EX_CONFIG
    assert result.errors[0].startswith(f"ERROR: {tmp_path / 'absent'}: config file not found.")


def test_missing_command(env: dict[str, str]) -> None:
    result = run_cli(env=env)
    assert result.rc == ExitCodes.EX_USAGE
    assert result.errors == ["ERROR: Missing command. Please run with --help for more information. "
                             "(see 's3cmd --help')"]


def test_invalid_command(env: dict[str, str]) -> None:
    result = run_cli("frobnicate", env=env)
    assert result.rc == ExitCodes.EX_USAGE
    assert result.errors == ["ERROR: Invalid command: frobnicate (see 's3cmd --help')"]


def test_ls_of_something_not_an_s3_uri_is_refused_before_any_request(env: dict[str, str]) -> None:
    result = run_cli("ls", "bucket/key", env=env)
    assert result.rc == ExitCodes.EX_USAGE
    assert result.errors == ["ERROR: Parameter problem: Expecting S3 URI instead of 'bucket/key'"]


@pytest.mark.parametrize(("argv", "message"), [
    (["get", "/tmp/x", "y"], "Expecting S3 URI instead of '/tmp/x'"),
    (["del", "rel/x"], "Expecting S3 URI instead of 'rel/x'"),
    (["mb", "bucket"], "Expecting S3 URI with just the bucket name set instead of 'bucket'"),
    (["mb", "s3://bucket/key"], "Expecting S3 URI with just the bucket name set instead of 's3://bucket/key'"),
    (["rb", "/tmp/x"], "Expecting S3 URI with just the bucket name set instead of '/tmp/x'"),
    (["ws-info", "/tmp/x"], "Expecting S3 URI with just the bucket name set instead of '/tmp/x'"),
    (["expire", "s3://bucket/k"], "Expecting S3 URI with just the bucket name set instead of 's3://bucket/k'"),
    (["put", "f.txt", "rel/x"], "Destination must be S3Uri. Got: file://rel/x"),
    (["cp", "s3://bucket/k", "/tmp/k"], "Destination must be S3 URI. To download a file use 'get' or 'sync'."),
    (["mv", "s3://bucket/k", "k"], "Destination must be S3 URI. To download a file use 'get' or 'sync'."),
    (["signurl", "rel/x", "+10"], "Must be S3Uri. Got: file://rel/x"),
])
def test_a_local_path_where_an_s3_uri_belongs_is_named_in_s3cmds_words(
    env: dict[str, str], argv: list[str], message: str
) -> None:
    result = run_cli(*argv, env=env)
    assert (result.rc, result.errors) == (ExitCodes.EX_USAGE, [f"ERROR: Parameter problem: {message}"])


def _dumped(result_stdout: str, name: str) -> str:
    return next(line.split(" = ", 1)[1] for line in result_stdout.splitlines() if line.startswith(f"{name} = "))


def test_config_file_value_overrides_the_default(env: dict[str, str], s3cfg: Cfg) -> None:
    path = s3cfg(ENDPOINT + "multipart_chunk_size_mb = 20\n")
    assert _dumped(run_cli("-c", path, "--dump-config", env=env).stdout, "multipart_chunk_size_mb") == "20"


def test_command_line_overrides_the_config_file(env: dict[str, str], s3cfg: Cfg) -> None:
    path = s3cfg(ENDPOINT + "multipart_chunk_size_mb = 20\n")
    result = run_cli("-c", path, "--multipart-chunk-size-mb=30", "--dump-config", env=env)
    assert _dumped(result.stdout, "multipart_chunk_size_mb") == "30"
    assert _dumped(result.stdout, "host_base") == "127.0.0.1:9"  # what the command line leaves alone stays


def test_config_file_takes_dollar_names_from_the_environment(env: dict[str, str], s3cfg: Cfg) -> None:
    path = s3cfg(ENDPOINT + "multipart_chunk_size_mb = $CHUNK\n")
    result = run_cli("-c", path, "--dump-config", env={**env, "CHUNK": "40"})
    assert _dumped(result.stdout, "multipart_chunk_size_mb") == "40"


def test_s3cmd_config_variable_names_the_config_file(env: dict[str, str], s3cfg: Cfg) -> None:
    path = s3cfg(ENDPOINT + "multipart_chunk_size_mb = 25\n")
    result = run_cli("--dump-config", env={**env, "S3CMD_CONFIG": path})
    assert _dumped(result.stdout, "multipart_chunk_size_mb") == "25"


def _signurl(env: dict[str, str], s3cfg: Cfg, *extra: str) -> str:
    path = s3cfg(ENDPOINT)
    result = run_cli("-c", path, "--access_key", "AKIAEXAMPLE", "--secret_key", SECRET, *extra,
                     "signurl", "s3://bucket/key", "+60", env=env)
    assert result.rc == 0, result.stderr
    return result.stdout


def test_command_output_goes_to_the_runtime_stdout(env: dict[str, str], s3cfg: Cfg) -> None:
    # signurl signs offline: its line is the command's output through Context.out
    url = _signurl(env, s3cfg)
    assert url.startswith("http://127.0.0.1:9/bucket/key?") and url.endswith("\n")
    assert "X-Amz-Credential=AKIAEXAMPLE%2F" in url
    assert SECRET not in url


def test_quiet_silences_command_output(env: dict[str, str], s3cfg: Cfg) -> None:
    assert _signurl(env, s3cfg, "-q") == ""


def test_command_reads_the_config_file_setting(env: dict[str, str], s3cfg: Cfg) -> None:
    # the file says use_https = False: the command (through ctx.settings) signs an http:// URL
    assert _signurl(env, s3cfg).startswith("http://127.0.0.1:9/")


def test_command_reads_the_command_line_over_the_file(env: dict[str, str], s3cfg: Cfg) -> None:
    url = _signurl(env, s3cfg, "--ssl", "--host", "127.0.0.2:9")
    assert url.startswith("https://127.0.0.2:9/bucket/key?")
