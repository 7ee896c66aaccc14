"""del / rm: one object, many, or (with -r) everything under a prefix, in batches of 1,000."""

from __future__ import annotations

import itertools

from S3 import ExitCodes
from S3.cli.commands.common import (
    excluded_lines,
    has_wildcards,
    listing_filters,
    remote_objects,
    require_args,
    wildcard_objects,
)
from S3.cli.context import Context
from S3.errors import ParameterError
from S3.ExitCodes import ExitScoreboard
from S3.output import log
from S3.output.stats import Stats
from S3.s3 import uri as s3uri
from S3.s3.errors import exit_code_for
from S3.transfer.parallel import run_in_order

BATCH = 1000


def delete(ctx: Context, args: list[str]) -> int:
    require_args(args, 1, "s3cmd del s3://BUCKET/OBJECT")
    cfg = ctx.settings
    rc = ExitCodes.EX_OK
    for arg in args:
        uri = s3uri.parse_bucket(arg)
        if cfg.recursive:
            if not uri.key and not cfg.force:
                raise ParameterError(f"Please use --force to delete ALL contents of {uri}")
            rc = max(rc, delete_all(ctx, uri, max_delete=cfg.max_delete))
            continue
        if not uri.key:
            raise ParameterError("File name required, not only the bucket name. Alternatively use --recursive")
        if uri.key.endswith("/"):
            raise ParameterError(f"Expecting S3 URI with a filename or --recursive: {uri}")
        if has_wildcards(uri):  # as s3cmd: every object the name matches (none: nothing to do)
            excluded: list[str] = []
            targets = [uri.join(entry.key) for entry, _ in wildcard_objects(ctx, uri, on_excluded=excluded.append)]
            excluded_lines(ctx, excluded)
        else:
            targets = [uri]
        log.info(f"Summary: {len(targets)} remote files to delete")
        if cfg.dry_run:  # s3cmd's dry run names the objects without quotes, then warns
            for target in targets:
                ctx.out(f"delete: {target}")
            log.warning("Exiting now because of --dry-run")
            continue
        for target in targets:
            ctx.client().delete_object(target.bucket, target.key)
            ctx.out(f"delete: '{target}'")
    return rc


def delete_all(ctx: Context, uri: s3uri.S3Uri, *, max_delete: int) -> int:
    """Delete everything under ``uri`` in batches of 1,000 while the listing streams on.

    With ``--max-delete`` the keys are counted first, since nothing may go unless all may.
    """
    sizes: dict[str, int] = {}  # for --stats

    def keys_of(entries):  # type: ignore[no-untyped-def]
        for entry in entries:
            sizes[entry.key] = entry.size
            yield entry.key

    listing = keys_of(remote_objects(ctx, uri, with_root=True))
    if max_delete >= 0:
        keys = list(listing)
        if max_delete < len(keys):
            log.warning(f"delete: maximum requested number of deletes would be exceeded ({len(keys)} > "
                        f"{max_delete}), none performed.")
            return ExitCodes.EX_PARTIAL
        log.info(f"Summary: {len(keys)} remote files to delete")
        listing = iter(keys)
    score = ExitScoreboard()
    empty = True
    gone: list[int] = []
    batches = iter(lambda: list(itertools.islice(listing, BATCH)), [])
    if ctx.settings.dry_run:
        for batch in batches:
            empty = False
            for key in batch:
                ctx.out(f"delete: '{uri.join(key)}'")
        filters = listing_filters(ctx)
        if not empty and (max_delete > 0 or filters.exclude or filters.include):
            # s3cmd lists these runs whole first (the streaming one, which does not warn, cannot filter)
            log.warning("Exiting now because of --dry-run")
    else:
        client = ctx.client()
        # A batch is deleted while the listing's next page is fetched (and, when the server lists faster
        # than it deletes, beside other batches); lines and exit code come in listing order.
        for _, outcome in run_in_order(batches, lambda keys: client.delete_objects(uri.bucket, keys),
                                       workers=min(ctx.settings.parallel_transfers, 4), light=lambda keys: True):
            empty = False
            if isinstance(outcome, Exception):
                raise outcome
            deleted, errors = outcome
            for key in deleted:
                ctx.out(f"delete: '{uri.join(key)}'")
                score.success()
                gone.append(sizes.pop(key, 0))
            for key, code, message in errors:
                log.error(f"delete: '{uri.join(key)}' failed: {code}: {message}")
                score.failure(exit_code_for(403 if code == "AccessDenied" else 500, code))
    if empty:
        log.warning("Remote list is empty.")  # as s3cmd: nothing matched, nothing deleted
    elif gone:
        log.info(f"Deleted {len(gone)} objects ({sum(gone)}) from {uri}")
    if gone and ctx.settings.stats:
        ctx.out(Stats(files_deleted=len(gone), size_deleted=sum(gone)).text())
    return score.rc()

