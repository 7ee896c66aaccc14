"""The on-disk credential cache: private files, atomic writes, best effort, never stale."""

from __future__ import annotations

import logging
import os
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from S3.credentials.cache import CredentialCache
from S3.identity.model import Credentials

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


# -- a cache directory someone else controls is never used (one warning, no cache) ---------------


def warnings_of(caplog) -> list[str]:  # type: ignore[no-untyped-def]
    return [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]


def test_missing_directories_are_created_private(tmp_path: Path) -> None:
    directory = tmp_path / "xdg" / "s3cmd" / "credentials"
    cache = CredentialCache(str(directory), clock=lambda: NOW)
    cache.put(KEY, creds(60))
    assert directory.stat().st_mode & 0o777 == 0o700 and cache.get(KEY) == creds(60)


def test_a_symlinked_directory_is_refused_with_one_warning(tmp_path: Path, caplog) -> None:  # type: ignore[no-untyped-def]
    caplog.set_level(logging.DEBUG)
    target = tmp_path / "theirs"
    target.mkdir(mode=0o755)
    link = tmp_path / "link"
    link.symlink_to(target)
    cache = CredentialCache(str(link), clock=lambda: NOW)
    cache.put(KEY, creds(60))
    cache.put(KEY, creds(60))
    assert cache.get(KEY) is None
    assert list(target.iterdir()) == [] and target.stat().st_mode & 0o777 == 0o755  # not chmod-ed, not written
    [warning] = warnings_of(caplog)
    assert f"credential cache directory {link} is a symbolic link" in warning
    assert "S3CMD_CACHE_DIR" in warning and "--no-credentials-cache" in warning and "not using" in warning


def test_a_directory_owned_by_another_user_is_refused(tmp_path: Path, caplog) -> None:  # type: ignore[no-untyped-def]
    theirs = tmp_path / "theirs"
    theirs.mkdir(mode=0o700)
    # We run as root here: "another user" is simulated by telling the cache we are someone else.
    cache = CredentialCache(str(theirs), clock=lambda: NOW, uid=os.geteuid() + 4242)
    cache.put(KEY, creds(60))
    assert cache.get(KEY) is None and list(theirs.iterdir()) == []
    [warning] = warnings_of(caplog)
    assert f"is owned by uid {os.geteuid()}, not by this user (uid {os.geteuid() + 4242})" in warning


@pytest.mark.parametrize("mode", [0o770, 0o707, 0o777, 0o1777])
def test_a_group_or_world_writable_directory_is_refused(tmp_path: Path, caplog, mode: int) -> None:  # type: ignore[no-untyped-def]
    shared = tmp_path / "shared"
    shared.mkdir()
    os.chmod(shared, mode)
    cache = CredentialCache(str(shared), clock=lambda: NOW)
    cache.put(KEY, creds(60))
    assert list(shared.iterdir()) == [] and shared.stat().st_mode & 0o7777 == mode
    [warning] = warnings_of(caplog)
    assert "is writable by other users" in warning


def test_a_readable_directory_of_ours_is_used_as_it_is(tmp_path: Path, caplog) -> None:  # type: ignore[no-untyped-def]
    ours = tmp_path / "ours"
    ours.mkdir()
    os.chmod(ours, 0o755)
    cache = CredentialCache(str(ours), clock=lambda: NOW)
    cache.put(KEY, creds(60))
    assert cache.get(KEY) == creds(60) and warnings_of(caplog) == []


def test_entries_are_never_read_or_written_through_a_symlink(tmp_path: Path) -> None:
    directory = tmp_path / "cache"
    cache = CredentialCache(str(directory), clock=lambda: NOW)
    cache.put(KEY, creds(60))
    entry = next(directory.glob("*.json"))
    elsewhere = tmp_path / "planted.json"
    elsewhere.write_text(entry.read_text())
    os.chmod(elsewhere, 0o600)
    entry.unlink()
    entry.symlink_to(elsewhere)
    assert cache.get(KEY) is None  # a planted entry is not believed
    victim = tmp_path / "victim"
    victim.write_text("keep me")
    entry.unlink()
    entry.symlink_to(victim)
    cache.put(KEY, creds(60))
    assert victim.read_text() == "keep me"  # the link was replaced, not followed
    assert not entry.is_symlink() and cache.get(KEY) == creds(60)


# -- an entry of the wrong shape is ignored (debug line) and replaced by the next good result -----

BAD_ENTRIES = [
    '{"AccessKeyId": null, "Expiration": []}',
    '{"AccessKeyId": null, "SecretAccessKey": 5, "SessionToken": [], "Expiration": []}',
    '{"AccessKeyId": "ASIA", "SecretAccessKey": "s", "SessionToken": "t", "Expiration": []}',
    '{"AccessKeyId": "ASIA", "SecretAccessKey": "s", "SessionToken": "t", "Expiration": "tomorrow"}',
    '{"AccessKeyId": "", "SecretAccessKey": "s", "SessionToken": "t", "Expiration": "2026-11-22T13:00:00Z"}',
    '{"AccessKeyId": "ASIA", "SecretAccessKey": "s", "SessionToken": 7, "Expiration": "2026-11-22T13:00:00Z"}',
    '{"AccessKeyId": "ASIA", "SecretAccessKey": "s", "Expiration": "2026-11-22T13:00:00Z", "Source": {}}',
    '["AccessKeyId"]',
    "null",
    "{not json",
    '"\\ud800"',
    "\xff\xfe",
]


@pytest.mark.parametrize("text", BAD_ENTRIES)
def test_a_malformed_entry_is_ignored_then_replaced(tmp_path: Path, caplog, text: str) -> None:  # type: ignore[no-untyped-def]
    caplog.set_level(logging.DEBUG)
    cache = CredentialCache(str(tmp_path / "c"), clock=lambda: NOW)
    cache.put(KEY, creds(60))
    entry = next((tmp_path / "c").glob("*.json"))
    entry.write_bytes(text.encode("utf-8", "surrogateescape") if text != "\xff\xfe" else b"\xff\xfe")
    assert cache.get(KEY) is None
    assert any("Ignoring credential cache entry" in r.getMessage() and r.levelno == logging.DEBUG
               for r in caplog.records)
    cache.put(KEY, creds(60))
    assert cache.get(KEY) == creds(60)


def test_an_entry_that_is_not_a_regular_file_is_ignored(tmp_path: Path) -> None:
    cache = CredentialCache(str(tmp_path / "c"), clock=lambda: NOW)
    cache.put(KEY, creds(60))
    entry = next((tmp_path / "c").glob("*.json"))
    entry.unlink()
    os.mkfifo(entry, 0o600)
    assert cache.get(KEY) is None  # and did not block on the FIFO
