"""The ``--cache-file`` MD5 cache: a file whose (device, inode, size, mtime) did not change is not re-read.

Our own JSON format (``{"format": "s3cmd-modern-md5-cache", "version": 1, "entries": {...}}``),
never s3cmd's pickle: a cache file that is not ours (s3cmd's, garbage, unreadable) is ignored
with one warning and rewritten at the end; it is never unpickled (unpickling runs code).
Loaded once; entries of files not asked about in this run are dropped when it is saved, so the
file tracks the tree; saved atomically (``S3/atomic.py``), best effort: a cache that cannot be
written costs speed, never the run. Thread-safe, because MD5s are computed by worker threads.
Reads and writes only the path it is given.
"""

from __future__ import annotations

import hashlib
import json
import os
import threading
from collections.abc import Callable

from S3.atomic import write_atomically
from S3.sync.entries import LocalEntry

FORMAT = "s3cmd-modern-md5-cache"
VERSION = 1
_CHUNK = 1024 * 1024

Warn = Callable[[str], None]


def read_md5(path: str) -> tuple[str, os.stat_result]:
    """The hex MD5 of a file, read in 1 MiB chunks, and the status of the file that was read
    (raises OSError). Plain descriptor calls: a sync hashes thousands of small files, and a
    buffered file object costs more than the hashing (35 → 25 ms for 2,000 × 4 KiB)."""
    digest = hashlib.md5(usedforsecurity=False)
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_CLOEXEC", 0))
    try:
        while chunk := os.read(fd, _CHUNK):
            digest.update(chunk)
        return digest.hexdigest(), os.fstat(fd)
    finally:
        os.close(fd)


def file_md5(path: str) -> str:
    """The hex MD5 of a file (raises OSError)."""
    return read_md5(path)[0]


def _cache_key(entry: LocalEntry) -> str:
    return f"{entry.dev}:{entry.inode}:{entry.size}:{entry.mtime_ns}"


def _parse(text: str) -> dict[str, str] | None:
    """The entries of a cache file we wrote, or None when it is anything else."""
    try:
        data = json.loads(text)
    except ValueError:
        return None
    if not isinstance(data, dict) or data.get("format") != FORMAT or data.get("version") != VERSION:
        return None
    entries = data.get("entries")
    if not isinstance(entries, dict):
        return None
    return {k: v for k, v in entries.items() if isinstance(k, str) and isinstance(v, str) and len(v) == 32}


class Md5Cache:
    def __init__(self, path: str | None, entries: dict[str, str] | None = None, *, warn: Warn) -> None:
        self.path = path
        self._old = entries or {}
        self._seen: dict[str, str] = {}
        self._lock = threading.Lock()
        self._warn = warn

    @classmethod
    def load(cls, path: str | None, *, warn: Warn) -> Md5Cache:
        """Read the cache at ``path`` (None: no cache file, MD5s are still memoised for this run)."""
        if path is None:
            return cls(None, warn=warn)
        try:
            with open(path, "rb") as handle:
                raw = handle.read()
        except FileNotFoundError:
            return cls(path, warn=warn)
        except OSError as bad:
            warn(f"Cannot read cache file '{path}': {bad.strerror}; every file will be read for its MD5.")
            return cls(path, warn=warn)
        entries = None
        if raw.strip():
            try:
                entries = _parse(raw.decode("utf-8"))
            except UnicodeDecodeError:
                entries = None
            if entries is None:
                warn(f"Ignoring cache file '{path}': it was not written by this s3cmd (s3cmd 2.x caches are "
                     "not read); it will be rewritten.")
        return cls(path, entries, warn=warn)

    @property
    def empty(self) -> bool:
        """Nothing was read from a cache file (there is none, or it held nothing usable)."""
        return not self._old

    def get(self, entry: LocalEntry) -> str | None:
        key = _cache_key(entry)
        with self._lock:
            md5 = self._seen.get(key) or self._old.get(key)
            if md5 is not None:
                self._seen[key] = md5
            return md5

    def put(self, entry: LocalEntry, md5: str) -> None:
        with self._lock:
            self._seen[_cache_key(entry)] = md5

    def learn(self, entry: LocalEntry, md5: str, st: os.stat_result) -> None:
        """Remember ``md5``, taken of the file as ``st`` describes it, if that is still the walked file."""
        if (st.st_size, st.st_mtime_ns, st.st_ino) == (entry.size, entry.mtime_ns, entry.inode):
            self.put(entry, md5)

    def md5_of(self, entry: LocalEntry) -> str | None:
        """The file's MD5, from the cache or read (and remembered); None when it cannot be read."""
        cached = self.get(entry)
        if cached is not None:
            return cached
        try:
            md5, after = read_md5(entry.path)
        except OSError:
            return None  # the transfer of this file will fail and say why
        self.learn(entry, md5, after)  # a file written to while it was read is not remembered
        return md5

    def save(self) -> None:
        """Write what this run saw (entries of files not seen are dropped). Best effort."""
        if self.path is None:
            return
        with self._lock:
            data = {"format": FORMAT, "version": VERSION, "entries": dict(sorted(self._seen.items()))}
        try:
            write_atomically(self.path, json.dumps(data, separators=(",", ":")).encode("utf-8"), mode=0o600)
        except OSError as bad:
            self._warn(f"Cannot write cache file '{self.path}': {bad.strerror}; the next run will read every file.")
