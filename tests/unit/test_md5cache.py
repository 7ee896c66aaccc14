"""The --cache-file MD5 cache: our JSON only, never a pickle; unchanged files not re-read; atomic save."""

from __future__ import annotations

import hashlib
import json
import os
import pickle
from pathlib import Path

import pytest

from S3.sync import md5cache
from S3.sync.entries import LocalEntry
from S3.sync.md5cache import Md5Cache


def _entry(path: Path) -> LocalEntry:
    return LocalEntry.from_stat(path.name, str(path), os.stat(path))


@pytest.fixture
def reads(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every file the cache reads for its MD5."""
    seen: list[str] = []
    real = md5cache.read_md5
    monkeypatch.setattr(md5cache, "read_md5", lambda p: (seen.append(os.path.basename(p)), real(p))[1])
    return seen


def test_unchanged_file_is_not_read_again_across_runs(tmp_path: Path, reads: list[str]) -> None:
    data = tmp_path / "data"
    data.write_bytes(b"hello")
    cache_file = str(tmp_path / "cache")
    warnings: list[str] = []
    first = Md5Cache.load(cache_file, warn=warnings.append)
    assert first.md5_of(_entry(data)) == hashlib.md5(b"hello").hexdigest()
    assert first.md5_of(_entry(data)) == hashlib.md5(b"hello").hexdigest()
    first.save()
    assert reads == ["data"]
    second = Md5Cache.load(cache_file, warn=warnings.append)
    assert second.md5_of(_entry(data)) == hashlib.md5(b"hello").hexdigest()
    assert reads == ["data"] and warnings == []
    assert os.stat(cache_file).st_mode & 0o777 == 0o600


def test_a_changed_file_is_read_again(tmp_path: Path, reads: list[str]) -> None:
    data = tmp_path / "data"
    data.write_bytes(b"one")
    cache = Md5Cache.load(str(tmp_path / "cache"), warn=print)
    cache.md5_of(_entry(data))
    data.write_bytes(b"two")  # same size
    os.utime(data, ns=(1, 1))
    assert cache.md5_of(_entry(data)) == hashlib.md5(b"two").hexdigest()
    assert reads == ["data", "data"]


def test_entries_not_seen_are_dropped_on_save(tmp_path: Path) -> None:
    a, b = tmp_path / "a", tmp_path / "b"
    a.write_bytes(b"a")
    b.write_bytes(b"b")
    cache_file = str(tmp_path / "cache")
    first = Md5Cache.load(cache_file, warn=print)
    first.md5_of(_entry(a))
    first.md5_of(_entry(b))
    first.save()
    second = Md5Cache.load(cache_file, warn=print)
    second.md5_of(_entry(b))
    second.save()
    entries = json.loads(Path(cache_file).read_text())["entries"]
    assert list(entries.values()) == [hashlib.md5(b"b").hexdigest()]


class _Boom:
    def __reduce__(self):  # unpickling this would run a command
        return (os.system, ("touch PWNED",))


@pytest.mark.parametrize("content", [pickle.dumps({"x": _Boom()}), b"\x80\x04garbage\xff", b"[1, 2]",
                                     b'{"format": "other", "version": 1, "entries": {}}'],
                         ids=["upstream pickle", "binary", "json list", "foreign json"])
def test_a_cache_file_that_is_not_ours_is_ignored_with_a_warning_and_rewritten(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, content: bytes) -> None:
    monkeypatch.chdir(tmp_path)
    cache_file = tmp_path / "cache"
    cache_file.write_bytes(content)
    (tmp_path / "f").write_bytes(b"f")
    warnings: list[str] = []
    cache = Md5Cache.load(str(cache_file), warn=warnings.append)
    assert len(warnings) == 1 and "not written by this s3cmd" in warnings[0] and str(cache_file) in warnings[0]
    assert not (tmp_path / "PWNED").exists()
    cache.md5_of(_entry(tmp_path / "f"))
    cache.save()
    assert json.loads(cache_file.read_text())["format"] == md5cache.FORMAT


def test_bad_values_in_our_own_file_are_dropped(tmp_path: Path, reads: list[str]) -> None:
    data = tmp_path / "data"
    data.write_bytes(b"x")
    entry = _entry(data)
    key = f"{entry.dev}:{entry.inode}:{entry.size}:{entry.mtime_ns}"
    (tmp_path / "cache").write_text(json.dumps({"format": md5cache.FORMAT, "version": 1, "entries": {key: 7}}))
    cache = Md5Cache.load(str(tmp_path / "cache"), warn=print)
    assert cache.md5_of(entry) == hashlib.md5(b"x").hexdigest()
    assert reads == ["data"]


def test_missing_or_empty_file_is_silent_and_no_path_means_memory_only(tmp_path: Path) -> None:
    warnings: list[str] = []
    Md5Cache.load(str(tmp_path / "missing"), warn=warnings.append)
    (tmp_path / "empty").write_bytes(b"")
    Md5Cache.load(str(tmp_path / "empty"), warn=warnings.append)
    memory = Md5Cache.load(None, warn=warnings.append)
    memory.save()
    assert warnings == [] and sorted(os.listdir(tmp_path)) == ["empty"]


def test_unreadable_file_md5_is_unknown(tmp_path: Path) -> None:
    data = tmp_path / "data"
    data.write_bytes(b"x")
    entry = _entry(data)
    data.unlink()
    assert Md5Cache.load(None, warn=print).md5_of(entry) is None


def test_save_failure_is_a_warning_and_leaves_no_partial_file(tmp_path: Path) -> None:
    warnings: list[str] = []
    cache = Md5Cache.load(str(tmp_path / "no-such-dir" / "cache"), warn=warnings.append)
    cache.save()
    assert len(warnings) == 1 and warnings[0].startswith("Cannot write cache file")
