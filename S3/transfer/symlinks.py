"""Which symbolic links an upload sends, as s3cmd 2.4.0 decides (``put``, ``sync``).

Without ``-F/--follow-symlinks`` a link to a file is skipped with a warning, whether named on
the command line or met in a tree; a link to a directory met in a tree is skipped silently, but
one named on the command line is walked (it is the tree's root). A broken link has nothing to
send: skipped with a warning (s3cmd skips it silently). Reads nothing but the file system.
"""

from __future__ import annotations

import os
import stat
from enum import Enum


class Symlink(Enum):
    SEND = "send"  # not a link, or one to follow
    SKIP = "skip"  # WARNING: Skipping over symbolic link: PATH
    SKIP_SILENTLY = "skip silently"  # a link to a directory inside a tree
    BROKEN = "broken"  # WARNING: Skipping over broken symbolic link: PATH


def symlink_verdict(path: str, *, follow: bool, named: bool) -> Symlink:
    """What to do with ``path``; ``named``: given on the command line rather than found in a walk."""
    if not os.path.islink(path):
        return Symlink.SEND
    try:
        target = os.stat(path)
    except OSError:
        return Symlink.BROKEN
    if follow or (named and stat.S_ISDIR(target.st_mode)):
        return Symlink.SEND
    return Symlink.SKIP_SILENTLY if stat.S_ISDIR(target.st_mode) else Symlink.SKIP


def skip_warning(path: str, verdict: Symlink) -> str:
    """The warning to print for a skipped link ("" when s3cmd says nothing)."""
    if verdict is Symlink.SKIP:
        return f"Skipping over symbolic link: {path}"
    if verdict is Symlink.BROKEN:
        return f"Skipping over broken symbolic link: {path}"
    return ""
