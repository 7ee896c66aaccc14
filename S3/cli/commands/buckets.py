"""mb, rb; and the line naming the bucket that s3cmd prints before some S3 errors."""

from __future__ import annotations

from S3 import ExitCodes
from S3.cli.commands.common import naming_the_bucket, require_args
from S3.cli.commands.remove import delete_all
from S3.cli.context import Context
from S3.output import log
from S3.s3 import uri as s3uri
from S3.s3.errors import S3Error


def make_bucket(ctx: Context, args: list[str]) -> int:
    require_args(args, 1, "s3cmd mb s3://BUCKET")
    client = ctx.client()
    headers = {"x-amz-acl": "public-read"} if ctx.settings.acl_public else {}
    # s3cmd applies DNS rules only to buckets made outside us-east-1
    strict = ctx.settings.region != "us-east-1"
    for arg in args:
        uri = s3uri.parse_new_bucket(arg, dns_strict=strict)
        with naming_the_bucket(uri.bucket):
            client.create_bucket(uri.bucket, location=ctx.settings.region, headers=headers)
        ctx.out(f"Bucket 's3://{uri.bucket}/' created")
    return ExitCodes.EX_OK


def remove_bucket(ctx: Context, args: list[str]) -> int:
    require_args(args, 1, "s3cmd rb s3://BUCKET")
    client = ctx.client()
    for arg in args:
        uri = s3uri.parse_bucket_only(arg)
        try:
            with naming_the_bucket(uri.bucket, unless=("NoSuchBucket",)):  # as s3cmd: its S3 error line only
                client.delete_bucket(uri.bucket)
        except S3Error as failed:
            if failed.code == "NoSuchBucket" and ctx.settings.force:
                continue  # as s3cmd: --force asks for the bucket to be gone, and it is
            if failed.code != "BucketNotEmpty" or not (ctx.settings.recursive and ctx.settings.force):
                raise
            log.warning("Bucket is not empty. Removing all the objects from it first. This may take some time...")
            rc = delete_all(ctx, uri, max_delete=-1)
            if rc != ExitCodes.EX_OK:
                return rc
            client.delete_bucket(uri.bucket)
        ctx.out(f"Bucket 's3://{uri.bucket}/' removed")
    return ExitCodes.EX_OK
