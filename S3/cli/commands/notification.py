"""setnotification, getnotification, delnotification: a bucket's event notification configuration.

Reads the notification file named on the ``setnotification`` command line.
"""

from __future__ import annotations

from S3 import ExitCodes
from S3.cli.commands.bucket_settings import read_document, show_setting
from S3.cli.commands.common import require_args
from S3.cli.context import Context
from S3.s3 import uri as s3uri

# S3 has no DELETE for notifications: an empty configuration removes them all
_EMPTY = b'<NotificationConfiguration xmlns="http://s3.amazonaws.com/doc/2006-03-01/"></NotificationConfiguration>'


def _put(ctx: Context, uri: s3uri.S3Uri, document: bytes) -> None:
    headers = {"x-amz-skip-destination-validation": "True"} if ctx.settings.skip_destination_validation else {}
    ctx.client().put_subresource(uri.bucket, "", "notification", document, headers=headers)


def setnotification(ctx: Context, args: list[str]) -> int:
    require_args(args, 2, "s3cmd setnotification FILE s3://BUCKET")
    uri = s3uri.parse_bucket(args[1])
    _put(ctx, uri, read_document(args[0]))
    ctx.out(f"{uri}: Notification Policy updated")
    return ExitCodes.EX_OK


def getnotification(ctx: Context, args: list[str]) -> int:
    return show_setting(ctx, args, command="getnotification", name="notification")


def delnotification(ctx: Context, args: list[str]) -> int:
    require_args(args, 1, "s3cmd delnotification s3://BUCKET")
    uri = s3uri.parse_bucket(args[0])
    _put(ctx, uri, _EMPTY)
    ctx.out(f"{uri}: Notification Policy deleted")
    return ExitCodes.EX_OK
