"""The on-disk credential cache: private files, atomic writes, best effort, never stale."""

from __future__ import annotations

import os
from datetime import datetime, timedelta, timezone
from pathlib import Path

from S3.credentials.cache import CredentialCache
from S3.credentials.model import Credentials

NOW = datetime(2026, 11, 22, 12, 0, tzinfo=timezone.utc)
KEY = {"kind": "web-identity", "role": "arn:aws:iam::1:role/r", "token": "abc"}


def creds(minutes: int) -> Credentials:
    return Credentials("ASIA", "secret", "token", NOW + timedelta(minutes=minutes), "web-identity")


def test_round_trip_with_private_permissions(tmp_path: Path) -> None:
    directory = tmp_path / "cache" / "s3cmd"
    cache = CredentialCache(str(directory), clock=lambda: NOW)
    cache.put(KEY, creds(60))
    assert directory.stat().st_mode & 0o777 == 0o700
    files = list(directory.iterdir())
    assert len(files) == 1 and files[0].stat().st_mode & 0o777 == 0o600
    assert cache.get(KEY) == creds(60)
    assert cache.get({**KEY, "token": "other"}) is None


def test_entries_near_expiry_are_not_used(tmp_path: Path) -> None:
    cache = CredentialCache(str(tmp_path), clock=lambda: NOW)
    cache.put(KEY, creds(14))
    assert cache.get(KEY) is None


def test_read_only_directory_means_no_cache(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a directory")
    cache = CredentialCache(str(blocker / "sub"), clock=lambda: NOW)
    cache.put(KEY, creds(60))  # must not raise
    assert cache.get(KEY) is None


def test_entries_others_could_read_are_ignored(tmp_path: Path) -> None:
    cache = CredentialCache(str(tmp_path), clock=lambda: NOW)
    cache.put(KEY, creds(60))
    entry = next(tmp_path.glob("*.json"))
    os.chmod(entry, 0o644)
    assert cache.get(KEY) is None


def test_stop_reading_after_rejection(tmp_path: Path) -> None:
    cache = CredentialCache(str(tmp_path), clock=lambda: NOW)
    cache.put(KEY, creds(60))
    cache.stop_reading()
    assert cache.get(KEY) is None


def test_static_credentials_are_never_written(tmp_path: Path) -> None:
    cache = CredentialCache(str(tmp_path), clock=lambda: NOW)
    cache.put(KEY, Credentials("AKIA", "secret"))
    assert list(tmp_path.iterdir()) == []
