"""The typed, frozen settings: one declaration, built from .s3cfg and the command line."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from S3.Config import Config
from S3.errors import ConfigError
from S3.settings.model import Settings
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
