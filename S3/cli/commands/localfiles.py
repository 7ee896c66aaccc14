"""The local side shared by sync and put -r: filters and ``--files-from`` from the settings, and how
walk notices are told. Reads the ``--files-from`` lists (``-``: stdin)."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Iterator

from S3 import ExitCodes
from S3.cli.context import Context
from S3.output import log
from S3.settings.model import Settings
from S3.sync.entries import LocalEntry
from S3.sync.local import Filters, LocalTree, Notice, NoticeKind, Unlisted, build_filters, read_patterns


def filters_from(settings: Settings) -> Filters:
    return build_filters(exclude=settings.exclude, include=settings.include, rexclude=settings.rexclude,
                         rinclude=settings.rinclude, exclude_from=settings.exclude_from,
                         include_from=settings.include_from, rexclude_from=settings.rexclude_from,
                         rinclude_from=settings.rinclude_from)


def notice_reporter(ctx: Context, fail: Callable[[int], None]) -> Callable[[Notice], None]:
    """Symlinks skipped and loops as s3cmd warns of them (and broken links, which it skips silently);
    ``exclude: …`` lines with --dry-run; a file that should have been sent and cannot be (unreadable,
    a name that is not UTF-8) is a failure."""

    def on_notice(notice: Notice) -> None:
        if notice.kind is NoticeKind.SYMLINK_SKIPPED:
            log.warning(f"Skipping over symbolic link: {notice.display}")
        elif notice.kind is NoticeKind.BROKEN_SYMLINK:  # s3cmd says nothing: a file not sent is named
            log.warning(f"Skipping over broken symbolic link: {notice.display}")
        elif notice.kind is NoticeKind.SYMLINK_LOOP:
            log.warning(f"Skipping recursively symlinked directory {notice.detail}")
        elif notice.kind is NoticeKind.UNFINISHED:
            log.warning(f"Skipping '{notice.display}': {notice.kind.value}; not sent. Remove it")
        elif notice.kind is NoticeKind.EXCLUDED and ctx.settings.dry_run:
            ctx.out(f"exclude: {notice.path}")
        elif notice.kind.failure:
            log.warning(f"Skipping '{notice.display}': {notice.detail or notice.kind.value}; not sent")
            fail(ExitCodes.EX_PARTIAL)

    return on_notice


def files_from_names(ctx: Context) -> frozenset[str] | None:
    """The keys ``--files-from`` names (relative to the source directory; ``-``: stdin), or None without it."""
    if not ctx.settings.files_from:
        return None
    names: set[str] = set()
    for path in ctx.settings.files_from:
        if path == "-":
            text = ctx.stdin.read().decode("utf-8", "surrogateescape")
            lines = [line.strip() for line in text.splitlines() if line.strip() and not line.startswith("#")]
        else:
            lines = read_patterns(path)
        for line in lines:
            if line.startswith("/"):  # names are relative to the source directory: this one names nothing there
                log.warning(f"--files-from names '{line}', an absolute path: skipped (name files relative to "
                            "the source directory)")
                continue
            names.add(os.path.normpath(line))
    return frozenset(names)


def below_root(key: str, trees: list[LocalTree]) -> str:
    """A walked key as ``--files-from`` names it: below its source directory ('dir/a' → 'a' for ``dir``)."""
    for tree in trees:
        if tree.key_prefix and key.startswith(tree.key_prefix):
            return key[len(tree.key_prefix):]
    return key


def only_listed(
    stream: Iterable[LocalEntry | Unlisted], allowed: frozenset[str], trees: list[LocalTree]
) -> Iterator[LocalEntry | Unlisted]:
    """The walk's files that ``--files-from`` names (an unreadable directory's marker passes, to be told)."""
    return (e for e in stream if isinstance(e, Unlisted) or below_root(e.key, trees) in allowed)
