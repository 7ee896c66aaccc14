"""Where a remote key may land on the local disk: never outside the destination.

Keys are opaque strings chosen by whoever can write to the bucket, so a key is
only turned into a local path if every ``/``-separated segment is an ordinary
file name. Anything that the file system would reinterpret (``..``, ``.``, an
empty segment from ``//`` or a leading ``/``, NUL) is refused rather than
"cleaned up": cleaning would map two distinct keys onto one file. A key ending in
``/`` is a folder marker: it may create a folder, never a file.

``local_target`` is pure; its path is an ``S3.atomic.ContainedPath``, which the writers
(``make_parent``, ``atomic_file``) refuse to write through a symbolic link below the root.
``LocalClaims`` remembers which paths one run has handed out, so that a file key ``a``
and a key ``a/b`` (which needs ``a`` to be a folder) can't both be written, and refuses
up front a key whose folders go through a symbolic link that is there already (one lstat
per folder per run), so that it is skipped like any other refused key. Used by ``get``
and ``sync`` (S3 → local). Reads no file contents and no environment.
"""

from __future__ import annotations

import os
import stat
from dataclasses import dataclass, field
from enum import Enum

from S3 import ExitCodes
from S3.atomic import THROUGH_SYMLINK, ContainedPath, ThroughSymlink
from S3.errors import LocalFileError


class RefusalReason(Enum):
    EMPTY = "its name is empty"
    ABSOLUTE = "it starts with '/' (an absolute path)"
    DOT_SEGMENT = "it has a '.' or '..' path segment"
    EMPTY_SEGMENT = "it has an empty path segment ('//')"
    NUL = "it contains a NUL character"
    FOLDER_MARKER_WITH_CONTENT = "it ends with '/' but has content (a folder cannot hold data)"
    CLASH = "its local path clashes with another object's"
    SYMLINK = THROUGH_SYMLINK


@dataclass(frozen=True)
class Refusal:
    """Why ``relative`` gets no local path; ``detail`` names the other key of a clash."""

    relative: str
    reason: RefusalReason
    detail: str = ""

    def describe(self) -> str:
        return self.reason.value + (f" ({self.detail})" if self.detail else "")


class SymlinkInPath(LocalFileError):
    """A download refused when its file was about to be written: a folder on its way is a symbolic
    link (made after ``LocalClaims`` looked, or never looked at by it). Exit 2, as for a key skipped
    up front; ``refusal`` is that skip's reason, for the same ``Skipping …`` warning."""

    exit_code = ExitCodes.EX_PARTIAL

    def __init__(self, refused: ThroughSymlink) -> None:
        super().__init__(f"Cannot write '{refused.path}': {refused.strerror}; nothing written for it")
        below = refused.path.below if isinstance(refused.path, ContainedPath) else (refused.path,)
        self.refusal = Refusal("/".join(below), RefusalReason.SYMLINK, f"'{refused.link}'")


@dataclass(frozen=True)
class LocalTarget:
    """A safe place for one key: ``path`` is ``root`` joined with ``parts``."""

    relative: str
    parts: tuple[str, ...]
    path: ContainedPath
    is_folder: bool  # a folder marker (key ending in '/'): create the folder, write no file


def local_target(relative: str, root: str, *, size: int = 0) -> LocalTarget | Refusal:
    """Map a key (relative to what is being copied) to a path under ``root``, or refuse it.

    ``root`` may be "" (the current directory). ``size`` is the object's size: only an
    empty object ending in '/' is taken as a folder marker.
    """
    if not relative:
        return Refusal(relative, RefusalReason.EMPTY)
    if "\0" in relative:
        return Refusal(relative, RefusalReason.NUL)
    if relative.startswith("/"):
        return Refusal(relative, RefusalReason.ABSOLUTE)
    is_folder = relative.endswith("/")
    if is_folder and size:
        return Refusal(relative, RefusalReason.FOLDER_MARKER_WITH_CONTENT)
    parts = tuple(relative[:-1].split("/") if is_folder else relative.split("/"))
    if any(part in (".", "..") for part in parts):
        return Refusal(relative, RefusalReason.DOT_SEGMENT)
    if "" in parts:
        return Refusal(relative, RefusalReason.EMPTY_SEGMENT)
    return LocalTarget(relative, parts, ContainedPath(root, parts), is_folder)


@dataclass
class LocalClaims:
    """The local paths one run has handed out, as files and as folders.

    A path claimed as a file can't later be needed as a folder, nor the other way
    round; the first key to claim a path keeps it. A path whose folders (below the
    root, which every target of one run shares) go through a symbolic link is refused.
    """

    _files: dict[tuple[str, ...], str] = field(default_factory=dict)
    _folders: dict[tuple[str, ...], str] = field(default_factory=dict)
    _links: dict[tuple[str, ...], str] = field(default_factory=dict)  # folder -> _REAL, _MISSING or the link above it

    def claim(self, target: LocalTarget) -> Refusal | None:
        folders = [target.parts[:i] for i in range(1, len(target.parts))]
        if target.is_folder:
            folders.append(target.parts)
        for folder in folders:
            holder = self._files.get(folder)
            if holder is not None:
                return Refusal(target.relative, RefusalReason.CLASH, f"'{holder}' is a file there")
        if not target.is_folder:
            holder = self._files.get(target.parts) or self._folders.get(target.parts)
            if holder is not None:
                return Refusal(target.relative, RefusalReason.CLASH, f"'{holder}' needs that path")
        # the folders above the path: a folder marker's own folder, when it is a link, is left as it is
        # (its mkdir writes nothing through it), as a file is renamed over a link in its place
        link = self._link_above(target.path.root, target.parts[:-1]) if len(target.parts) > 1 else _REAL
        if link not in (_REAL, _MISSING):
            return Refusal(target.relative, RefusalReason.SYMLINK, f"'{link}'")
        if not target.is_folder:
            self._files[target.parts] = target.relative
        for folder in folders:
            self._folders.setdefault(folder, target.relative)
        return None

    def _link_above(self, root: str, folder: tuple[str, ...]) -> str:
        """The first symbolic link among ``folder`` and the folders above it (below ``root``), as a path;
        else _REAL, or _MISSING when one is not there yet (the writer checks what it makes: a folder
        that appears meanwhile, even as a link, is checked again when the file is written)."""
        known = self._links.get(folder)
        if known is not None:
            return known
        above = self._link_above(root, folder[:-1]) if len(folder) > 1 else _REAL
        if above == _REAL:
            path = os.path.join(root, *folder)
            try:
                above = path if stat.S_ISLNK(os.lstat(path).st_mode) else _REAL
            except FileNotFoundError:
                above = _MISSING
            except OSError:  # unreadable: the write says why, with the file's name
                above = _REAL
        self._links[folder] = above
        return above


# Not paths: a path is never empty, and never holds NUL.
_REAL = ""
_MISSING = "\0"
