"""Local sources for ``put``: files and (with -r) directory trees, filtered by
``--exclude``/``--include`` globs and regexps matched against the path relative
to the source, as s3cmd does."""

from __future__ import annotations

import fnmatch
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from S3.errors import ParameterError
from S3.output import log
from S3.transfer.symlinks import Symlink, skip_warning, symlink_verdict


@dataclass(frozen=True)
class LocalFile:
    path: str
    relative: str  # the part that becomes the key below the destination prefix


@dataclass(frozen=True)
class Filter:
    exclude: tuple[re.Pattern[str], ...]
    include: tuple[re.Pattern[str], ...]

    def keeps(self, relative: str) -> bool:
        if not any(p.search(relative) for p in self.exclude):
            return True
        return any(p.search(relative) for p in self.include)


def _read_lines(path: str) -> list[str]:
    try:
        with open(path, encoding="utf-8") as handle:
            return [line.strip() for line in handle if line.strip() and not line.startswith("#")]
    except OSError as bad:
        raise ParameterError(f"Cannot read pattern file '{path}': {bad.strerror}") from None


def build_filter(options: Any) -> Filter:
    def globs(values: list[str], files: list[str]) -> list[str]:
        out = list(values)
        for name in files:
            out.extend(_read_lines(name))
        return out

    def compile_all(globs_: list[str], regexps: list[str]) -> tuple[re.Pattern[str], ...]:
        patterns = [re.compile(fnmatch.translate(g)) for g in globs_]
        for text in regexps:
            try:
                patterns.append(re.compile(text))
            except re.error as bad:
                raise ParameterError(f"Invalid regular expression '{text}': {bad}") from None
        return tuple(patterns)

    return Filter(
        exclude=compile_all(globs(options.exclude, options.exclude_from), options.rexclude),
        include=compile_all(globs(options.include, options.include_from), options.rinclude),
    )


def expand(sources: list[str], *, recursive: bool, follow_symlinks: bool, keep: Filter) -> Iterator[LocalFile | str]:
    """Yield a ``LocalFile`` per file to send, or the source text of a source that does not exist."""
    for source in sources:
        if not os.path.lexists(source):
            yield source
            continue
        if os.path.isdir(source):
            if not recursive:
                raise ParameterError(f"Use --recursive to upload a directory: {source}")
            root = source.rstrip("/") or "/"
            # 'dir' uploads as dir/...; 'dir/' uploads its contents.
            base = root if source.endswith("/") else os.path.dirname(root)
            for dirpath, dirnames, filenames in os.walk(root, followlinks=follow_symlinks):
                dirnames.sort()
                for name in sorted(filenames):
                    path = os.path.join(dirpath, name)
                    if not _sendable(path, follow=follow_symlinks, named=False):
                        continue
                    relative = os.path.relpath(path, base) if base else path
                    relative = relative.replace(os.sep, "/")
                    if keep.keeps(relative):
                        yield LocalFile(path, relative)
        elif _sendable(source, follow=follow_symlinks, named=True):
            name = os.path.basename(source)
            if keep.keeps(name):
                yield LocalFile(source, name)


def _sendable(path: str, *, follow: bool, named: bool) -> bool:
    verdict = symlink_verdict(path, follow=follow, named=named)
    if verdict is not Symlink.SEND and skip_warning(path, verdict):
        log.warning(skip_warning(path, verdict))
    return verdict is Symlink.SEND
