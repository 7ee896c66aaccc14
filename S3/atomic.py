"""Write a file so that readers see the old content or the whole new one, never a part.

The data goes to a temporary file beside the destination, which is renamed over
it only when the block finishes without an exception; on any exception
(including Ctrl-C) the temporary file is removed and the destination untouched.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


@contextmanager
def atomic_file(path: str, *, mode: int | None = None, suffix: str = ".tmp") -> Iterator[int]:
    """Yield a file descriptor to write to; ``mode`` None means what a new file would get (0666 & ~umask)."""
    directory = os.path.dirname(os.path.abspath(path))
    fd, temp = tempfile.mkstemp(dir=directory, prefix=f".{os.path.basename(path)}.", suffix=suffix)
    try:
        try:
            yield fd
        finally:
            os.close(fd)
        os.chmod(temp, (0o666 & ~_umask()) if mode is None else mode)
        os.replace(temp, path)
    except BaseException:
        try:
            os.unlink(temp)
        except FileNotFoundError:
            pass
        raise


def write_atomically(path: str, data: bytes, *, mode: int | None = None) -> None:
    with atomic_file(path, mode=mode) as fd:
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view):]
