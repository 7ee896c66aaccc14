"""Where a remote key may land on the local disk: never outside the destination.

Keys are opaque strings chosen by whoever can write to the bucket, so a key is
only turned into a local path if every ``/``-separated segment is an ordinary
file name. Anything that the file system would reinterpret (``..``, ``.``, an
empty segment from ``//`` or a leading ``/``, NUL) is refused rather than
"cleaned up": cleaning would map two distinct keys onto one file. A key ending in
``/`` is a folder marker: it may create a folder, never a file.

``local_target`` is pure; ``LocalClaims`` remembers which paths one run has
handed out, so that a file key ``a`` and a key ``a/b`` (which needs ``a`` to be a
folder) can't both be written. Used by ``get`` and ``sync`` (S3 → local).
Reads no files and no environment.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from enum import Enum


class RefusalReason(Enum):
    EMPTY = "its name is empty"
    ABSOLUTE = "it starts with '/' (an absolute path)"
    DOT_SEGMENT = "it has a '.' or '..' path segment"
    EMPTY_SEGMENT = "it has an empty path segment ('//')"
    NUL = "it contains a NUL character"
    FOLDER_MARKER_WITH_CONTENT = "it ends with '/' but has content (a folder cannot hold data)"
    CLASH = "its local path clashes with another object's"


@dataclass(frozen=True)
class Refusal:
    """Why ``relative`` gets no local path; ``detail`` names the other key of a clash."""

    relative: str
    reason: RefusalReason
    detail: str = ""

    def describe(self) -> str:
        return self.reason.value + (f" ({self.detail})" if self.detail else "")


@dataclass(frozen=True)
class LocalTarget:
    """A safe place for one key: ``path`` is ``root`` joined with ``parts``."""

    relative: str
    parts: tuple[str, ...]
    path: str
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
    return LocalTarget(relative, parts, os.path.join(root, *parts), is_folder)


@dataclass
class LocalClaims:
    """The local paths one run has handed out, as files and as folders.

    A path claimed as a file can't later be needed as a folder, nor the other way
    round; the first key to claim a path keeps it.
    """

    _files: dict[tuple[str, ...], str] = field(default_factory=dict)
    _folders: dict[tuple[str, ...], str] = field(default_factory=dict)

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
            self._files[target.parts] = target.relative
        for folder in folders:
            self._folders.setdefault(folder, target.relative)
        return None
