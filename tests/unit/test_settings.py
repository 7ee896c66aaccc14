"""The typed, frozen settings: one declaration, built from .s3cfg and the command line."""

from __future__ import annotations

import dataclasses
from pathlib import Path
from types import SimpleNamespace

import pytest

from S3 import ExitCodes
from S3.cli.headers import guess_mime, object_headers
from S3.cli.progress import progress_meter_on
from S3.Config import Config
from S3.errors import ConfigError, ParameterError
from S3.settings.model import CredentialSettings, Settings
from S3.settings.options import DEFAULTS


def test_defaults_are_declared_once_with_their_types() -> None:
    settings = Settings()
    assert {name: getattr(settings, name) for name in DEFAULTS} == DEFAULTS
    assert isinstance(settings.multipart_chunk_size_mb, int) and isinstance(settings.use_https, bool)


def test_file_then_command_line(tmp_path: Path) -> None:
    cfg = tmp_path / "s3cfg"
    cfg.write_text("[default]\nmax_retries = 9\nuse_https = False\nadd_headers = X-A: 1\nbucket_location = EU\n")
    config = Config(str(cfg), env={})
    config.update_option("parallel_transfers", "3")
    settings = config.settings(cli={"add_header": ["X-B: 2"], "exclude": ["*.tmp"], "quiet": True})
    assert (settings.max_retries, settings.use_https, settings.parallel_transfers) == (9, False, 3)
    assert dict(settings.extra_headers) == {"X-A": "1", "X-B": "2"}
    assert settings.exclude == ("*.tmp",) and settings.quiet
    assert settings.region == "eu-west-1"
    with pytest.raises(dataclasses.FrozenInstanceError):
        settings.max_retries = 1  # type: ignore[misc]


def test_a_value_of_the_wrong_type_names_the_option() -> None:
    with pytest.raises(ConfigError, match="option max_retries must be a whole number, not str"):
        Settings(max_retries="5")  # type: ignore[arg-type]
    with pytest.raises(ConfigError, match="option use_https must be True or False, not int"):
        Settings(use_https=1)  # type: ignore[arg-type]


@pytest.mark.parametrize("values, message", [
    ({"multipart_chunk_size_mb": 4}, "Chunk size 4 MB is too small, must be >= 5 MB"),
    ({"multipart_chunk_size_mb": 5121}, "Chunk size 5121 MB is too large, must be <= 5120 MB"),
    ({"parallel_transfers": 0}, "--parallel must be 1 or more, not 0"),
    ({"max_retries": -1}, "--max-retries must be 0 or more, not -1"),
    ({"socket_timeout": 0}, "socket_timeout must be 1 or more, not 0"),
    ({"multipart_max_chunks": 10001}, "multipart_max_chunks must be between 1 and 10000"),
    ({"proxy_host": "proxy", "proxy_port": 0}, "proxy_port must be a TCP port"),
])
def test_values_out_of_range_are_refused_when_built(values: dict[str, object], message: str) -> None:
    with pytest.raises(ParameterError, match=message) as refused:
        Settings(**values)  # type: ignore[arg-type]
    assert refused.value.exit_code == ExitCodes.EX_USAGE


def test_limits_at_the_edges_are_accepted() -> None:
    Settings(multipart_chunk_size_mb=5, parallel_transfers=1, max_retries=0, multipart_max_chunks=10000)
    Settings(multipart_chunk_size_mb=5120)
    Settings(proxy_port=0)  # no proxy host: the port is never used, an old .s3cfg keeps working


def test_repr_never_shows_a_secret() -> None:
    settings = Settings(access_key="AKIAEXAMPLE", secret_key="s3cr3t-value", access_token="t0ken-value",
                        gpg_passphrase="gpg-pass", cli_secret_key="cli-s3cr3t", cli_access_token="cli-t0ken")
    for shown in (repr(settings), repr(settings.credentials())):
        assert "AKIAEXAMPLE" in shown
        for secret in ("s3cr3t-value", "t0ken-value", "gpg-pass", "cli-s3cr3t", "cli-t0ken"):
            assert secret not in shown


def test_credentials_get_only_their_part_of_the_settings() -> None:
    settings = Settings(access_key="AK", secret_key="SK", access_token="TOK", bucket_location="eu-central-1",
                        sts_endpoint="https://sts.example", credentials_cache=False, profile="dev",
                        cli_access_key="CLIAK", cli_secret_key="CLISK")
    assert settings.credentials() == CredentialSettings(
        access_key="AK", secret_key="SK", access_token="TOK", bucket_location="eu-central-1",
        sts_endpoint="https://sts.example", credentials_cache=False, profile="dev",
        cli_access_key="CLIAK", cli_secret_key="CLISK")


def test_scripts_get_credential_settings_from_a_config(tmp_path: Path) -> None:
    cfg = tmp_path / "s3cfg"
    cfg.write_text("[default]\naccess_key = AK\nsecret_key = SK\nsts_endpoint = https://sts.example\n"
                   "credentials_cache = False\n")
    creds = Config(str(cfg), env={}).credential_settings(profile="dev", cli={"secret_key": "CLISK"})
    assert (creds.access_key, creds.secret_key, creds.sts_endpoint, creds.credentials_cache) == (
        "AK", "SK", "https://sts.example", False)
    assert (creds.profile, creds.cli_secret_key, creds.cli_access_key) == ("dev", "CLISK", "")


def test_command_line_keys_are_settings_of_their_own() -> None:
    from S3.cli.main import cli_only
    from S3.cli.parser import parse

    options = parse(["--access_key", "CLIAK", "--secret_key", "CLISK", "ls"])
    settings = Config(env={}).settings(cli=cli_only(options))
    assert (settings.cli_access_key, settings.cli_secret_key, settings.cli_access_token) == ("CLIAK", "CLISK", "")
    assert settings.access_key == ""  # the file's key is another source in the chain


def test_upload_headers_from_settings() -> None:
    settings = Settings(acl_public=True, storage_class="standard_ia", kms_key="key-1",
                        extra_headers=(("X-A", "1"),))
    assert object_headers(settings) == {
        "X-A": "1", "x-amz-acl": "public-read", "x-amz-storage-class": "STANDARD_IA",
        "x-amz-server-side-encryption": "aws:kms", "x-amz-server-side-encryption-aws-kms-key-id": "key-1"}
    assert object_headers(Settings(reduced_redundancy=True, server_side_encryption=True)) == {
        "x-amz-storage-class": "REDUCED_REDUNDANCY", "x-amz-server-side-encryption": "AES256"}


def test_upload_headers_merge_the_file_and_the_command_line(tmp_path: Path) -> None:
    cfg = tmp_path / "s3cfg"
    cfg.write_text("[default]\nadd_headers = X-A: 1\nacl_public = True\n")
    settings = Config(str(cfg), env={}).settings(cli={"add_header": ["X-B: 2"]})
    assert object_headers(settings) == {"X-A": "1", "X-B": "2", "x-amz-acl": "public-read"}


def test_mime_type_from_settings() -> None:
    assert guess_mime(Settings(mime_type="text/x-forced"), "a.txt") == "text/x-forced"
    assert guess_mime(Settings(), "a.html") == "text/html"
    assert guess_mime(Settings(guess_mime_type=False, default_mime_type="x/y"), "a.html") == "x/y"


def test_progress_meter_follows_settings_and_quiet() -> None:
    def on(**values: object) -> bool:
        return progress_meter_on(SimpleNamespace(settings=Settings(**values), stdout=None))  # type: ignore[arg-type]

    assert on(progress_meter=True) and not on(progress_meter=False)
    assert not on(progress_meter=True, quiet=True)
