"""Write a file so that readers see the old content or the whole new one, never a part.

The data goes to a temporary file beside the destination, which is renamed over
it only when the block finishes without an exception; on any exception
(including Ctrl-C) the temporary file is removed and the destination untouched.
``write_atomically_at`` does the same inside an already opened (and checked) directory,
never following a symbolic link: for the credential cache.

A ``ContainedPath`` (what ``S3.transfer.localpath.local_target`` makes of a key) is a path that
must stay below its root: the folders between the root and the file are created and checked
(``ensure_folders``) one component at a time with O_NOFOLLOW, and a symbolic link among them is
refused (``ThroughSymlink``, an OSError), so that a link planted in the destination cannot send a download
elsewhere. The root itself, named by the user, may be a link. Folders checked once are remembered
for the rest of the run (``accept_writes`` forgets them): 2,000 files in one folder cost no more
system calls than one.
"""

from __future__ import annotations

import errno
import os
import re
import stat
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
    but in-process runs (tests, embedding) follow an interrupted one, and may have changed the disk
    in between: the folders checked by an earlier run are checked again."""
    _stopping.clear()
    with _checked_lock:
        _checked.clear()


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
_RANDOM_BYTES = 6  # in a temporary file's name, as 12 hex digits


def _create_beside(path: str, suffix: str) -> tuple[int, str]:
    """A new, empty, private (0600) file in ``path``'s directory, named after it (after the start of a
    long name: a name near the 255-byte limit plus the random part would not fit)."""
    directory, name = os.path.split(path)
    if len(os.fsencode(name)) > 100:
        name = name[:25]  # at most 100 bytes, whatever the characters
    while True:
        temp = os.path.join(directory, f".{name}.{os.urandom(_RANDOM_BYTES).hex()}{suffix}")
        try:
            # read-write: a download hashes its parallel ranges back from the file as they land
            return os.open(temp, os.O_RDWR | _CREATE, 0o600), temp
        except FileExistsError:  # 48 random bits: only ever a planted name
            continue


# The suffix of a download's temporary file ('.NAME.<12 hex digits>.s3cmd-part'): a walk that meets
# one (a run killed by SIGKILL leaves it) knows it for what it is.
DOWNLOAD_SUFFIX = ".s3cmd-part"
_DOWNLOAD_LEFTOVER = re.compile(rf"\..+\.[0-9a-f]{{{2 * _RANDOM_BYTES}}}{re.escape(DOWNLOAD_SUFFIX)}", re.DOTALL)


def is_download_leftover(name: str) -> bool:
    """Whether a file name has the exact shape ``_create_beside`` gives a download's temporary file."""
    return name.endswith(DOWNLOAD_SUFFIX) and _DOWNLOAD_LEFTOVER.fullmatch(name) is not None


@contextmanager
def atomic_file(path: str, *, mode: int | None = None, suffix: str = ".tmp") -> Iterator[int]:
    """Yield a file descriptor to write to; ``mode`` None means what a new file would get (0666 & ~umask).
    A ``ContainedPath`` is written only when no folder below its root is a symbolic link (the caller
    normally checked that already, with ``ensure_folders``: then this costs nothing)."""
    if isinstance(path, ContainedPath):
        ensure_folders(path, create=False)
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


# -- paths that must stay below their root ------------------------------------------------------

THROUGH_SYMLINK = "its local path goes through a symbolic link"


class ContainedPath(str):
    """``root`` joined with ``below``: a path that may only be written below ``root``.

    A str, so that every layer between the place where a key becomes a path and the place where the
    file is written passes it on unchanged; the writers (``ensure_folders``, ``atomic_file``) read
    ``root`` and ``below`` from it, and no call in between has to carry the root separately. A
    path built from it (``os.path.join``) is a plain str again: only the path itself is checked.
    """

    __slots__ = ("root", "below")
    root: str
    below: tuple[str, ...]

    def __new__(cls, root: str, below: tuple[str, ...]) -> ContainedPath:
        made = super().__new__(cls, os.path.join(root, *below))
        made.root = root
        made.below = below
        return made

    def __reduce__(self) -> tuple[type[ContainedPath], tuple[str, tuple[str, ...]]]:
        return ContainedPath, (self.root, self.below)


class ThroughSymlink(OSError):
    """A folder between the root and the file is a symbolic link: the file is not written.

    An OSError (ELOOP, as the kernel says for O_NOFOLLOW) whose strerror says which link, so that
    every handler that reports a failed write names it; ``S3.transfer.objects.make_parent`` turns it
    into a refusal of that one key (exit 2), as for any other key refused for its local path."""

    def __init__(self, path: str, link: str) -> None:
        super().__init__(errno.ELOOP, f"{THROUGH_SYMLINK} ('{link}')", path)
        self.path = path
        self.link = link


# (root, folders below it) that are real folders, each one checked with O_NOFOLLOW during this run
_checked: set[tuple[str, tuple[str, ...]]] = set()
_checked_lock = threading.Lock()
# A folder to look into, not to read: O_PATH needs no permission on it (Linux); elsewhere, O_RDONLY.
_OPEN_BASE = os.O_DIRECTORY | getattr(os, "O_PATH", os.O_RDONLY) | getattr(os, "O_CLOEXEC", 0)
_OPEN_FOLDER = _OPEN_BASE | os.O_NOFOLLOW
# What opening a symbolic link with O_DIRECTORY | O_NOFOLLOW fails with: Linux says ENOTDIR (ELOOP
# without O_DIRECTORY), FreeBSD EMLINK; a file says ENOTDIR too, so lstat tells them apart.
_MAYBE_LINK = {errno.ENOTDIR, errno.ELOOP, errno.EMLINK}


def ensure_folders(path: ContainedPath, *, create: bool) -> None:
    """Check that every folder between ``path.root`` and ``path`` is a real folder, creating the
    missing ones when ``create``; raise ``ThroughSymlink`` for a symbolic link among them, OSError
    when one cannot be made or entered. ``path`` itself is not looked at: a file is renamed over
    whatever is there, and a folder marker's ``mkdir`` writes nothing through a link already there.

    Without ``create``, a missing folder ends the check: nothing can be written below it anyway.
    """
    folders = path.below[:-1]
    if (path.root, folders) in _checked:  # () stands for the root itself
        return
    start = max(len(folders) - 1, 0)
    while start and (path.root, folders[:start]) not in _checked:
        start -= 1
    # from the deepest folder already checked, or the root (the user's own: followed, made when
    # missing, as named): only the components not checked yet are opened
    base = os.path.join(path.root, *folders[:start]) or os.curdir
    try:
        fd = os.open(base, _OPEN_BASE)
    except FileNotFoundError:
        if not create:
            return
        if start:  # a folder checked earlier in this run has gone: not made again blindly
            raise
        os.makedirs(base, exist_ok=True)
        fd = os.open(base, _OPEN_BASE)
    try:
        if not start:
            with _checked_lock:
                _checked.add((path.root, ()))
        for depth in range(start, len(folders)):
            inner = _enter(fd, folders[depth], create=create, path=path,
                           link=os.path.join(path.root, *folders[: depth + 1]))
            os.close(fd)
            fd = inner
            if fd < 0:
                return
            with _checked_lock:
                _checked.add((path.root, folders[: depth + 1]))
    finally:
        if fd >= 0:
            os.close(fd)


def _enter(parent: int, name: str, *, create: bool, path: str, link: str) -> int:
    """Open the folder ``name`` in ``parent`` without following a link (``link``: its path, to name it),
    making it first when it is missing and ``create``; -1 when it is missing and not to be made."""
    made = False
    while True:
        try:
            return os.open(name, _OPEN_FOLDER, dir_fd=parent)
        except FileNotFoundError:
            if not create:
                return -1
            if made:  # made, then gone again at once
                raise
        except OSError as bad:
            if bad.errno in _MAYBE_LINK and _is_link(parent, name):
                raise ThroughSymlink(path, link) from None
            raise
        try:
            os.mkdir(name, 0o777, dir_fd=parent)
        except FileExistsError:
            # made meanwhile (by another worker, or by someone else, perhaps as a link): opened and
            # checked like any folder that was there
            pass
        made = True


def _is_link(parent: int, name: str) -> bool:
    try:
        return stat.S_ISLNK(os.stat(name, dir_fd=parent, follow_symlinks=False).st_mode)
    except OSError:
        return False
