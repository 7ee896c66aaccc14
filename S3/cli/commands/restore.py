"""restore: ask S3 to bring Glacier / Deep Archive objects back for ``-D`` days at
``--restore-priority`` (Standard, Expedited, Bulk)."""

from __future__ import annotations

from S3 import ExitCodes
from S3.cli.commands.common import dry_run_listing, has_wildcards, remote_objects, require_args, wildcard_objects
from S3.cli.context import Context
from S3.errors import ParameterError
from S3.output import log
from S3.s3 import uri as s3uri
from S3.s3.errors import S3Error

PRIORITIES = ("Standard", "Expedited", "Bulk")


def restore(ctx: Context, args: list[str]) -> int:
    require_args(args, 1, "s3cmd restore s3://BUCKET/OBJECT")
    settings = ctx.settings
    if settings.restore_days < 1:
        raise ParameterError("You must restore a file for 1 or more days")
    tier = settings.restore_priority.title()  # the .s3cfg value may be in any case, as with s3cmd
    if tier not in PRIORITIES:
        raise ParameterError("Valid restoration priorities: bulk, standard, expedited")
    targets = _targets(ctx, args)
    log.info(f"Summary: Restoring {len(targets)} remote files for {settings.restore_days} days at {tier} priority")
    if settings.dry_run:
        return dry_run_listing(ctx, (f"restore: '{uri}'" for uri in targets))
    client = ctx.client()
    for uri in targets:
        if uri.key.endswith("/"):
            continue  # a "directory" marker: only files may be restored
        try:
            client.restore_object(uri.bucket, uri.key, days=settings.restore_days, tier=tier)
        except S3Error as failed:
            if failed.code != "RestoreAlreadyInProgress":
                raise
            log.warning(f"{failed.error_message}: {uri}")
            continue
        ctx.out(f"restore: '{uri}'")
    return ExitCodes.EX_OK


def _targets(ctx: Context, args: list[str]) -> list[s3uri.S3Uri]:
    targets: list[s3uri.S3Uri] = []
    for arg in args:
        uri = s3uri.parse_bucket(arg)
        if ctx.settings.recursive:
            targets.extend(uri.join(entry.key) for entry in remote_objects(ctx, uri))
        elif not uri.key or uri.key.endswith("/"):
            raise ParameterError(f"Expecting S3 URI with a filename or --recursive: {uri}")
        elif has_wildcards(uri):  # as s3cmd: every object the name matches
            targets.extend(uri.join(entry.key) for entry, _ in wildcard_objects(ctx, uri))
        else:
            targets.append(uri)
    return targets
