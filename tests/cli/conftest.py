"""Fixtures for the in-process CLI tests: a home of the test's own and a config file writer."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    """An environment with nothing of the machine's: no ~/.s3cfg, no ~/.aws, no instance metadata."""
    home = tmp_path / "home"
    home.mkdir()
    return {"HOME": str(home), "AWS_EC2_METADATA_DISABLED": "true", "S3CMD_CACHE_DIR": str(tmp_path / "cache")}


@pytest.fixture
def s3cfg(tmp_path: Path) -> Callable[[str], str]:
    """Write a ``.s3cfg`` with the given body; returns its path."""
    def write(body: str) -> str:
        path = tmp_path / "s3cfg"
        path.write_text(body)
        return str(path)

    return write
