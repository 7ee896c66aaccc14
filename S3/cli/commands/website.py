"""ws-create, ws-delete, ws-info: a bucket's static website configuration
(``--ws-index``/``--ws-error``, or ``website_index``/``website_error`` in ``.s3cfg``)."""

from __future__ import annotations

from S3 import ExitCodes
from S3.cli.commands.common import require_args
from S3.cli.context import Context
from S3.s3 import uri as s3uri
from S3.s3 import xml
from S3.s3.errors import S3Error


def _buckets(args: list[str], command: str) -> list[s3uri.S3Uri]:
    require_args(args, 1, f"s3cmd {command} s3://BUCKET")
    return [s3uri.parse_bucket_only(arg) for arg in args]


def ws_create(ctx: Context, args: list[str]) -> int:
    document = xml.build_website(ctx.settings.website_index, ctx.settings.website_error)
    for uri in _buckets(args, "ws-create"):
        ctx.client().put_subresource(uri.bucket, "", "website", document)
        ctx.out(f"Bucket '{uri}': website configuration created.")
    return ExitCodes.EX_OK


def ws_delete(ctx: Context, args: list[str]) -> int:
    for uri in _buckets(args, "ws-delete"):
        ctx.client().delete_subresource(uri.bucket, "", "website")
        ctx.out(f"Bucket '{uri}': website configuration deleted.")
    return ExitCodes.EX_OK


def ws_info(ctx: Context, args: list[str]) -> int:
    client = ctx.client()
    for uri in _buckets(args, "ws-info"):
        try:
            index, error = xml.parse_website(client.get_subresource(uri.bucket, "", "website"))
        except S3Error as failed:
            if failed.status != 404 or failed.code == "NoSuchBucket":
                raise
            ctx.out(f"Bucket {uri}: No website configuration found.")
            continue
        endpoint = ctx.settings.website_endpoint % {"bucket": uri.bucket, "location": client.bucket_location(uri.bucket)}
        ctx.out(f"Bucket {uri}: Website configuration")
        ctx.out(f"Website endpoint: {endpoint}")
        ctx.out(f"Index document:   {index or 'None'}")
        ctx.out(f"Error document:   {error or 'None'}")
    return ExitCodes.EX_OK
