"""multipart, listmp, abortmp: find, inspect and abort unfinished multipart uploads
(an interrupted ``put`` leaves one behind, billed until it is aborted or resumed with
``put --continue-put``)."""

from __future__ import annotations

from S3 import ExitCodes
from S3.cli.commands.common import require_args
from S3.cli.context import Context
from S3.errors import ParameterError
from S3.s3 import uri as s3uri


def multipart(ctx: Context, args: list[str]) -> int:
    require_args(args, 1, "s3cmd multipart s3://BUCKET [Id]")
    uri = s3uri.parse_bucket(args[0])
    uploads = ctx.client().list_multipart_uploads(uri.bucket)
    # s3cmd lists every upload of the bucket, whatever prefix the URI names
    ctx.out(str(uri))
    ctx.out("Initiated\tPath\tId")
    for upload in uploads:
        ctx.out(f"{upload.initiated}\ts3://{uri.bucket}/{upload.key}\t{upload.upload_id}")
    return ExitCodes.EX_OK


def listmp(ctx: Context, args: list[str]) -> int:
    require_args(args, 2, "s3cmd listmp s3://BUCKET/OBJECT Id")
    uri = s3uri.parse_bucket(args[0])
    parts = ctx.client().list_parts(uri.bucket, uri.key, upload_id=args[1])
    ctx.out("LastModified\t\t\tPartNumber\tETag\tSize")
    for part in parts:
        ctx.out(f"{part.last_modified}\t{part.number}\t{part.etag}\t{part.size}")
    return ExitCodes.EX_OK


def abortmp(ctx: Context, args: list[str]) -> int:
    require_args(args, 2, "s3cmd abortmp s3://BUCKET/OBJECT Id")
    uri = s3uri.parse_bucket(args[0])
    if not uri.key:
        raise ParameterError(f"Expecting S3 URI with a filename: {uri}")
    ctx.client().abort_multipart(uri.bucket, uri.key, upload_id=args[1])
    ctx.out(str(uri))
    return ExitCodes.EX_OK
