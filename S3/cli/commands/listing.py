"""ls, la, du: listings are streamed page by page, never held whole."""

from __future__ import annotations

from S3 import ExitCodes
from S3.cli.commands.common import naming_the_bucket
from S3.cli.context import Context
from S3.output import formats, log
from S3.s3 import uri as s3uri


def ls(ctx: Context, args: list[str]) -> int:
    if args:
        uri = s3uri.parse(args[0])  # anything but s3://… is refused, never taken as "all buckets"
        if uri.bucket:
            return _list_bucket(ctx, uri)
    for bucket in sorted(ctx.client().list_buckets(), key=lambda b: b.name):
        ctx.out(formats.bucket_line(bucket.created, bucket.name))
    return ExitCodes.EX_OK


def la(ctx: Context, args: list[str]) -> int:
    for bucket in ctx.client().list_buckets():
        _list_bucket(ctx, s3uri.S3Uri(bucket.name))
        ctx.out("")
    return ExitCodes.EX_OK


def _list_bucket(ctx: Context, uri: s3uri.S3Uri) -> int:
    with naming_the_bucket(uri.bucket):  # "Bucket 'x' does not exist" first, as s3cmd
        return _print_bucket(ctx, uri)


def _print_bucket(ctx: Context, uri: s3uri.S3Uri) -> int:
    settings = ctx.settings
    prefix = uri.key[:-1] if uri.key.endswith("*") else uri.key
    recursive = settings.recursive
    human = settings.human_readable_sizes
    show_md5 = settings.long_listing or settings.list_md5
    storage = settings.long_listing
    limit = settings.limit
    shown = 0
    for page in ctx.client().list_objects(uri.bucket, prefix=prefix, delimiter="" if recursive else "/", limit=limit):
        for common in page.prefixes:
            ctx.out(formats.object_line(when=None, size=None, uri=f"s3://{uri.bucket}/{common}", human=human,
                                        md5="" if show_md5 else None, storage="" if storage else None))
        for entry in page.objects:
            ctx.out(formats.object_line(
                when=entry.last_modified,
                size=entry.size,
                uri=f"s3://{uri.bucket}/{entry.key}",
                human=human,
                md5=entry.md5 if show_md5 else None,
                storage=entry.storage_class if storage else None,
            ))
        shown += len(page.objects) + len(page.prefixes)
        if 0 < limit <= shown and page.truncated:
            log.warning("The list is truncated because the settings limit was reached.")
            break
    return ExitCodes.EX_OK


def du(ctx: Context, args: list[str]) -> int:
    human = ctx.settings.human_readable_sizes
    if args and s3uri.parse(args[0]).bucket:
        _bucket_usage(ctx, s3uri.parse(args[0]), human)
        return ExitCodes.EX_OK
    total = 0
    for bucket in ctx.client().list_buckets():
        total += _bucket_usage(ctx, s3uri.S3Uri(bucket.name), human)
    ctx.out("-" * 12)
    ctx.out(f"{formats.size_text(total, human).ljust(12)} Total")
    return ExitCodes.EX_OK


def _bucket_usage(ctx: Context, uri: s3uri.S3Uri, human: bool) -> int:
    size = count = 0
    with naming_the_bucket(uri.bucket):
        for page in ctx.client().list_objects(uri.bucket, prefix=uri.key):
            for entry in page.objects:
                size += entry.size
                count += 1
    ctx.out(formats.du_line(size, count, str(uri), human=human))
    return size
