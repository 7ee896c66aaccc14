"""The local side of put -r / sync: a directory walk that streams files in S3 key order, filtered.

Order: S3 lists keys in UTF-8 byte order, so the walk must too, or the two sorted streams could
not be merged. ``os.walk`` order is not key order (``a-b`` < ``a/b`` because '-' is 0x2D and '/'
0x2F), so each directory's names are sorted with '/' appended to subdirectory names, and a
subdirectory is opened only when the walk reaches its place: memory grows with the depth and the
width of one directory, never with the size of the tree.

Filters (``--exclude``/``--include`` globs, ``--rexclude``/``--rinclude`` regexps, and their
``-from`` files) match as s3cmd 2.4.0 matches them (see S3/sync/README.md):
- a file matches on its key (with the source directory's name in front when the source was given
  without a trailing '/'); a glob matches if it matches the end of that string (``*`` crosses
  '/'), a regexp if it matches anywhere; a file is dropped when an exclude matches and no include;
- a glob that ends in '/' also matches directories, on the directory's path as the user typed it
  plus '/' (``data/cache/``); an excluded directory is not entered at all, unless a glob include
  ending in '/' matches it. Regexps never match directories.
- unlike s3cmd, directory excludes also protect destination keys below such a directory
  (``LocalTree.excludes_key``): s3cmd deletes them with --delete-removed.

Names: a key is the relative path, '/'-separated, exactly as on disk (newlines and all; s3cmd
rewrites control characters to ``^J``). A name that is not valid UTF-8 cannot be a key: it is
skipped and reported as a failure. Symlinks are skipped (reported) unless ``follow_symlinks``;
when followed, a link back to a directory being walked is reported as a loop and not entered.
A directory that cannot be read yields an ``Unlisted`` marker in its key position so that the
planner deletes nothing below it. Reads the files and pattern files it is given, nothing else.
"""

from __future__ import annotations

import enum
import fnmatch
import heapq
import os
import re
import stat
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, replace

from S3.atomic import is_download_leftover
from S3.errors import LocalFileError, ParameterError
from S3.sync.entries import LocalEntry


class NoticeKind(enum.Enum):
    SYMLINK_SKIPPED = "symlink skipped"  # s3cmd: WARNING: Skipping over symbolic link: PATH
    DIR_SYMLINK_SKIPPED = "directory symlink skipped"  # s3cmd skips these silently
    BROKEN_SYMLINK = "broken symlink"  # s3cmd skips these silently; we warn (COMPATIBILITY.md)
    SYMLINK_LOOP = "symlink loop"  # s3cmd: WARNING: Skipping recursively symlinked directory NAME
    NOT_REGULAR = "not a regular file"  # fifo, socket, device: never sent
    EXCLUDED = "excluded"  # s3cmd --dry-run: exclude: MATCHED-STRING
    EXCLUDED_DIR = "excluded directory"
    UNREADABLE = "unreadable"
    BAD_NAME = "name is not UTF-8"
    DUPLICATE = "duplicate key"
    UNFINISHED = "it is the temporary file of a download that was killed (SIGKILL, out of memory)"

    @property
    def failure(self) -> bool:
        """A notice that means something that should have been sent was not: the run must not exit 0."""
        return self in (NoticeKind.UNREADABLE, NoticeKind.BAD_NAME, NoticeKind.DUPLICATE)


@dataclass(frozen=True)
class Notice:
    kind: NoticeKind
    path: str  # a filesystem path (may hold surrogate escapes) or, for EXCLUDED, the matched string
    detail: str = ""

    @property
    def display(self) -> str:
        """The path printable on any terminal: undecodable bytes shown as ``\\xff``."""
        return os.fsencode(self.path).decode("utf-8", "backslashreplace")


@dataclass(frozen=True, slots=True)
class Unlisted:
    """A directory whose content is unknown (unreadable): no destination key below ``key`` may be deleted."""

    key: str  # the directory's key prefix, ending in '/'
    path: str
    reason: str


OnNotice = Callable[[Notice], None]


def _ignore(_notice: Notice) -> None:
    return None


# -- filters ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Filters:
    exclude: tuple[re.Pattern[str], ...] = ()
    include: tuple[re.Pattern[str], ...] = ()
    dir_exclude: tuple[re.Pattern[str], ...] = ()
    dir_include: tuple[re.Pattern[str], ...] = ()

    def excludes_file(self, text: str) -> bool:
        return any(p.search(text) for p in self.exclude) and not any(p.search(text) for p in self.include)

    def excludes_dir(self, text: str) -> bool:
        """``text`` is a directory path ending in '/'."""
        return any(p.search(text) for p in self.dir_exclude) and not any(p.search(text) for p in self.dir_include)


def read_patterns(path: str) -> list[str]:
    """One pattern a line; blank lines and lines starting with '#' are skipped, whitespace stripped."""
    try:
        with open(path, encoding="utf-8") as handle:
            lines = [line.strip() for line in handle]
    except OSError as bad:  # an I/O error, as s3cmd exits for it (74)
        raise LocalFileError(f"Cannot read pattern file '{path}': {bad.strerror}") from None
    except UnicodeDecodeError:
        raise ParameterError(f"Pattern file '{path}' is not UTF-8 text") from None
    return [line for line in lines if line and not line.startswith("#")]


def _globs(patterns: Iterable[str]) -> list[tuple[str, re.Pattern[str]]]:
    return [(text, re.compile(fnmatch.translate(text))) for text in patterns]


def _regexps(patterns: Iterable[str]) -> list[re.Pattern[str]]:
    compiled = []
    for text in patterns:
        try:
            compiled.append(re.compile(text))
        except re.error as bad:
            raise ParameterError(f"Invalid regular expression '{text}': {bad}") from None
    return compiled


def build_filters(
    *,
    exclude: Sequence[str] = (),
    include: Sequence[str] = (),
    rexclude: Sequence[str] = (),
    rinclude: Sequence[str] = (),
    exclude_from: Sequence[str] = (),
    include_from: Sequence[str] = (),
    rexclude_from: Sequence[str] = (),
    rinclude_from: Sequence[str] = (),
) -> Filters:
    def expand(values: Sequence[str], files: Sequence[str]) -> list[str]:
        out = list(values)
        for name in files:
            out.extend(read_patterns(name))
        return out

    exclude_globs = _globs(expand(exclude, exclude_from))
    include_globs = _globs(expand(include, include_from))
    return Filters(
        exclude=tuple(p for _, p in exclude_globs) + tuple(_regexps(expand(rexclude, rexclude_from))),
        include=tuple(p for _, p in include_globs) + tuple(_regexps(expand(rinclude, rinclude_from))),
        dir_exclude=tuple(p for text, p in exclude_globs if text.endswith("/")),
        dir_include=tuple(p for text, p in include_globs if text.endswith("/")),
    )


# -- the walk --------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Item:
    sort_key: str  # the name, with '/' appended for a directory
    name: str
    path: str
    is_dir: bool
    st: os.stat_result | None  # known already for followed symlinks


def _utf8(name: str) -> bool:
    try:
        name.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def source_root(source: str) -> tuple[str, str]:
    """(directory to walk, key prefix) for a source directory: ``dir/`` sends its content,
    ``dir`` sends the directory itself (keys start with ``dir/``), as s3cmd does."""
    if source.endswith("/"):
        return source, ""
    name = os.path.basename(source)
    if name in ("", ".", ".."):
        return source, ""
    return source, name + "/"


def _lstat(item: _Item, on_notice: OnNotice) -> os.stat_result | None:
    """The item's lstat (from the directory scan when it has one), or None (reported) when unreadable."""
    if item.st is not None:
        return item.st
    try:
        return os.lstat(item.path)
    except OSError as bad:
        on_notice(Notice(NoticeKind.UNREADABLE, item.path, bad.strerror or str(bad)))
        return None


@dataclass(frozen=True)
class LocalTree:
    """One source directory: ``root`` as the user typed it, ``key_prefix`` from ``source_root``."""

    root: str
    key_prefix: str = ""
    filters: Filters = Filters()
    follow_symlinks: bool = False
    keep_dirs: bool = False  # --keep-dirs: each directory is an entry too, keyed 'dir/' (a folder marker)

    @property
    def dir_base(self) -> str:
        return self.root if self.root.endswith("/") else self.root + "/"

    def excludes_key(self, key: str) -> bool:
        """Whether a destination key is out of this sync's scope: excluded as a file, or below an
        excluded directory (so that --delete-removed never deletes what the walk did not look at)."""
        if self.filters.excludes_file(key):
            return True
        if not self.filters.dir_exclude:
            return False
        relative = key[len(self.key_prefix):] if key.startswith(self.key_prefix) else key
        slash = relative.find("/")
        while slash != -1:
            if self.filters.excludes_dir(self.dir_base + relative[: slash + 1]):
                return True
            slash = relative.find("/", slash + 1)
        return False

    def walk(self, on_notice: OnNotice = _ignore) -> Iterator[LocalEntry | Unlisted]:
        """Files below ``root`` in key order, and an ``Unlisted`` for each directory that could not be read."""
        try:
            root_st = os.stat(self.root)
        except OSError as bad:
            on_notice(Notice(NoticeKind.UNREADABLE, self.root, bad.strerror or str(bad)))
            yield Unlisted(self.key_prefix, self.root, bad.strerror or str(bad))
            return
        listing = self._list(self.root, on_notice)
        if listing is None:
            yield Unlisted(self.key_prefix, self.root, "cannot read directory")
            return
        # Each level: (its relative path, its sorted items); ancestors guard followed symlinks.
        stack: list[tuple[str, Iterator[_Item]]] = [("", iter(listing))]
        ancestors: list[tuple[int, int]] = [(root_st.st_dev, root_st.st_ino)]
        while stack:
            relative_dir, items = stack[-1]
            item = next(items, None)
            if item is None:
                stack.pop()
                ancestors.pop()
                continue
            relative = relative_dir + item.name
            if not item.is_dir:
                entry = self._file(item, relative, on_notice)
                if entry is not None:
                    yield entry
                continue
            st = self._enterable(item, relative, ancestors, on_notice)
            if st is None:
                continue
            sub = self._list(item.path, on_notice)
            if sub is None:
                yield Unlisted(self.key_prefix + relative + "/", item.path, "cannot read directory")
                continue
            if self.keep_dirs:  # 'dir/' sorts before everything below it: key order holds
                marker = LocalEntry.from_stat(self.key_prefix + relative + "/", item.path, st)
                yield replace(marker, size=0)  # compared with an empty object
            stack.append((relative + "/", iter(sub)))
            ancestors.append((st.st_dev, st.st_ino))

    def _file(self, item: _Item, relative: str, on_notice: OnNotice) -> LocalEntry | None:
        if is_download_leftover(item.name):
            # what a killed download left (S3.atomic names it): never sent nor compared as a file
            on_notice(Notice(NoticeKind.UNFINISHED, item.path))
            return None
        key = self.key_prefix + relative
        if self.filters.excludes_file(key):
            on_notice(Notice(NoticeKind.EXCLUDED, key))
            return None
        st = _lstat(item, on_notice)
        if st is None:
            return None
        return LocalEntry.from_stat(key, item.path, st)

    def _enterable(
        self, item: _Item, relative: str, ancestors: list[tuple[int, int]], on_notice: OnNotice
    ) -> os.stat_result | None:
        if self.filters.excludes_dir(self.dir_base + relative + "/"):
            on_notice(Notice(NoticeKind.EXCLUDED_DIR, self.dir_base + relative + "/"))
            return None
        st = _lstat(item, on_notice)
        if st is None:
            return None
        if (st.st_dev, st.st_ino) in ancestors:
            on_notice(Notice(NoticeKind.SYMLINK_LOOP, item.path, item.name))
            return None
        return st

    def _list(self, path: str, on_notice: OnNotice) -> list[_Item] | None:
        """The directory's items sorted in key order, or None (reported) when it cannot be read."""
        items: list[_Item] = []
        try:
            with os.scandir(path) as scan:
                for found in scan:
                    item = self._item(found, on_notice)
                    if item is not None:
                        items.append(item)
        except OSError as bad:
            on_notice(Notice(NoticeKind.UNREADABLE, path, bad.strerror or str(bad)))
            return None
        items.sort(key=lambda i: i.sort_key)
        return items

    def _item(self, found: os.DirEntry[str], on_notice: OnNotice) -> _Item | None:
        if not _utf8(found.name):
            on_notice(Notice(NoticeKind.BAD_NAME, found.path, "a name that is not valid UTF-8 cannot be an S3 key"))
            return None
        try:
            if found.is_symlink():
                return self._symlink(found, on_notice)
            if found.is_dir(follow_symlinks=False):
                return _Item(found.name + "/", found.name, found.path, True, None)
            if found.is_file(follow_symlinks=False):
                return _Item(found.name, found.name, found.path, False, None)
        except OSError as bad:
            on_notice(Notice(NoticeKind.UNREADABLE, found.path, bad.strerror or str(bad)))
            return None
        on_notice(Notice(NoticeKind.NOT_REGULAR, found.path))
        return None

    def _symlink(self, found: os.DirEntry[str], on_notice: OnNotice) -> _Item | None:
        try:
            target = os.stat(found.path)
        except OSError:
            on_notice(Notice(NoticeKind.BROKEN_SYMLINK, found.path))
            return None
        is_dir = stat.S_ISDIR(target.st_mode)
        if not self.follow_symlinks:
            kind = NoticeKind.DIR_SYMLINK_SKIPPED if is_dir else NoticeKind.SYMLINK_SKIPPED
            on_notice(Notice(kind, found.path))
            return None
        if not is_dir and not stat.S_ISREG(target.st_mode):
            on_notice(Notice(NoticeKind.NOT_REGULAR, found.path))
            return None
        return _Item(found.name + ("/" if is_dir else ""), found.name, found.path, is_dir, target)


def local_entries(
    sources: Sequence[str],
    *,
    filters: Filters = Filters(),
    follow_symlinks: bool = False,
    keep_dirs: bool = False,
    on_notice: OnNotice = _ignore,
) -> Iterator[LocalEntry | Unlisted]:
    """Every source (directories walked, files as themselves, keyed by their name) merged in key order.

    Two sources that give the same key: the first wins, the other is reported (a failure)."""
    streams: list[Iterator[LocalEntry | Unlisted]] = []
    for source in sources:
        if not os.path.exists(source):
            raise ParameterError(f"Invalid source: '{source}' is not an existing file or directory")
        if os.path.isdir(source):
            root, prefix = source_root(source)
            streams.append(LocalTree(root, prefix, filters, follow_symlinks, keep_dirs).walk(on_notice))
        else:
            streams.append(_single(source, filters, follow_symlinks, on_notice))
    previous: str | None = None
    for entry in heapq.merge(*streams, key=lambda e: e.key):
        if entry.key == previous and isinstance(entry, LocalEntry):
            on_notice(Notice(NoticeKind.DUPLICATE, entry.path, f"another source already gives key '{entry.key}'"))
            continue
        previous = entry.key
        yield entry


def _single(path: str, filters: Filters, follow_symlinks: bool, on_notice: OnNotice) -> Iterator[LocalEntry]:
    """A file named on the command line; a link to a file is skipped (reported) unless followed, as in a walk."""
    name = os.path.basename(path)
    if not follow_symlinks and os.path.islink(path):
        on_notice(Notice(NoticeKind.SYMLINK_SKIPPED, path))
        return
    if not _utf8(name):
        on_notice(Notice(NoticeKind.BAD_NAME, path, "a name that is not valid UTF-8 cannot be an S3 key"))
        return
    if filters.excludes_file(name):
        on_notice(Notice(NoticeKind.EXCLUDED, name))
        return
    try:
        st = os.stat(path)
    except OSError as bad:
        on_notice(Notice(NoticeKind.UNREADABLE, path, bad.strerror or str(bad)))
        return
    yield LocalEntry.from_stat(name, path, st)
