"""The local side shared by sync and put -r: filters from the settings, and how walk notices are told."""

from __future__ import annotations

from collections.abc import Callable

from S3 import ExitCodes
from S3.cli.context import Context
from S3.output import log
from S3.settings.model import Settings
from S3.sync.local import Filters, Notice, NoticeKind, build_filters


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
        elif notice.kind is NoticeKind.EXCLUDED and ctx.settings.dry_run:
            ctx.out(f"exclude: {notice.path}")
        elif notice.kind.failure:
            log.warning(f"Skipping '{notice.display}': {notice.detail or notice.kind.value}; not sent")
            fail(ExitCodes.EX_PARTIAL)

    return on_notice
