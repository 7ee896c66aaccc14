"""Write a file so that readers see the old content or the whole new one, never a part.

The data goes to a temporary file beside the destination, which is renamed over
it only when the block finishes without an exception; on any exception
(including Ctrl-C) the temporary file is removed and the destination untouched.
``write_atomically_at`` does the same inside an already opened (and checked) directory,
never following a symbolic link: for the credential cache.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager

# Temporary files being written, so that Ctrl-C / SIGTERM can remove those of worker threads too
# (a signal interrupts only the main thread; the process then ends without waiting for the others).
_unfinished: set[str] = set()
_unfinished_lock = threading.Lock()
_stopping = threading.Event()


class Stopping(Exception):
    """The process is ending (interrupted): no new temporary file is started."""


def accept_writes() -> None:
    """A new run begins (``raw_main``): temporary files may be started again. A process runs once,
    but in-process runs (tests, embedding) follow an interrupted one."""
    _stopping.clear()


def remove_unfinished() -> None:
    """Remove every temporary file still being written and refuse new ones (called on Ctrl-C / SIGTERM)."""
    _stopping.set()
    with _unfinished_lock:
        names = list(_unfinished)
        _unfinished.clear()
    for name in names:
        try:
            os.unlink(name)
        except OSError:
            pass


def _read_umask() -> int:
    """The process's umask. Linux states it in /proc; elsewhere it is set and put back, which is safe
    only while one thread runs: so this runs once, when the module is imported (at start-up)."""
    try:
        with open("/proc/self/status", encoding="ascii", errors="replace") as status:
            for line in status:
                if line.startswith("Umask:"):
                    return int(line.split()[1], 8)
    except (OSError, ValueError):
        pass
    mask = os.umask(0)
    os.umask(mask)
    return mask


_UMASK = _read_umask()
_CREATE = os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | getattr(os, "O_CLOEXEC", 0)


def _create_beside(path: str, suffix: str) -> tuple[int, str]:
    """A new, empty, private (0600) file in ``path``'s directory, named after it (after the start of a
    long name: a name near the 255-byte limit plus the random part would not fit)."""
    directory, name = os.path.split(path)
    if len(os.fsencode(name)) > 100:
        name = name[:25]  # at most 100 bytes, whatever the characters
    while True:
        temp = os.path.join(directory, f".{name}.{os.urandom(6).hex()}{suffix}")
        try:
            # read-write: a download hashes its parallel ranges back from the file as they land
            return os.open(temp, os.O_RDWR | _CREATE, 0o600), temp
        except FileExistsError:  # 48 random bits: only ever a planted name
            continue


@contextmanager
def atomic_file(path: str, *, mode: int | None = None, suffix: str = ".tmp") -> Iterator[int]:
    """Yield a file descriptor to write to; ``mode`` None means what a new file would get (0666 & ~umask)."""
    with _unfinished_lock:
        if _stopping.is_set():
            raise Stopping(f"not writing '{path}': interrupted")
        fd, temp = _create_beside(path, suffix)
        _unfinished.add(temp)
    try:
        try:
            yield fd
            os.fchmod(fd, (0o666 & ~_UMASK) if mode is None else mode)
        finally:
            os.close(fd)
        with _unfinished_lock:
            if temp not in _unfinished:  # removed by an interruption meanwhile: the rename would fail anyway
                raise Stopping(f"not writing '{path}': interrupted")
            os.replace(temp, path)
            _unfinished.discard(temp)
    except BaseException:
        with _unfinished_lock:
            _unfinished.discard(temp)
        try:
            os.unlink(temp)
        except FileNotFoundError:
            pass
        raise


def write_all(fd: int, data: bytes) -> None:
    """Write all of ``data`` to ``fd`` (``os.write`` may take less than it is given)."""
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view):]


def write_atomically(path: str, data: bytes, *, mode: int | None = None) -> None:
    with atomic_file(path, mode=mode) as fd:
        write_all(fd, data)


def write_atomically_at(dir_fd: int, name: str, data: bytes, *, mode: int) -> None:
    """Write ``name`` in the directory open as ``dir_fd``: a new temporary file (O_EXCL, O_NOFOLLOW, so a
    planted file or link is never opened) renamed over ``name`` (a link there is replaced, not followed)."""
    temp = f".{name}.{os.urandom(8).hex()}.tmp"  # os.urandom: the secrets module costs ~10 ms of start-up
    fd = os.open(temp, os.O_WRONLY | _CREATE, mode, dir_fd=dir_fd)
    try:
        try:
            write_all(fd, data)
            os.fchmod(fd, mode)  # exactly mode, whatever the umask
        finally:
            os.close(fd)
        os.replace(temp, name, src_dir_fd=dir_fd, dst_dir_fd=dir_fd)
    except BaseException:
        try:
            os.unlink(temp, dir_fd=dir_fd)
        except FileNotFoundError:
            pass
        raise
