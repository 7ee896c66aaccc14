"""expire, setlifecycle, getlifecycle, dellifecycle: a bucket's lifecycle configuration.

``expire`` writes a one-rule configuration from ``--expiry-days``/``--expiry-date`` and
``--expiry-prefix`` (or removes the configuration when given neither). Reads the lifecycle
file named on the ``setlifecycle`` command line.
"""

from __future__ import annotations

from S3 import ExitCodes
from S3.cli.commands.bucket_settings import delete_setting, put_setting, show_setting
from S3.cli.commands.common import require_args
from S3.cli.context import Context
from S3.errors import ParameterError
from S3.s3 import uri as s3uri
from S3.s3 import xml


def expire(ctx: Context, args: list[str]) -> int:
    require_args(args, 1, "s3cmd expire s3://BUCKET")
    days, date, prefix = ctx.settings.expiry_days, ctx.settings.expiry_date, ctx.settings.expiry_prefix
    for arg in args:
        uri = s3uri.parse_bucket_only(arg)
        if (days and date) or (prefix and not (days or date)):
            raise ParameterError("Expect either --expiry-day or --expiry-date")
        if days or date:
            document = xml.build_expiration(prefix=prefix, days=days, date=date)
            ctx.client().put_subresource(uri.bucket, "", "lifecycle", document)
            ctx.out(f"Bucket '{uri}': expiration configuration is set.")
        else:
            ctx.client().delete_subresource(uri.bucket, "", "lifecycle")
            ctx.out(f"Bucket '{uri}': expiration configuration is deleted.")
    return ExitCodes.EX_OK


def setlifecycle(ctx: Context, args: list[str]) -> int:
    return put_setting(ctx, args, command="setlifecycle", name="lifecycle", what="Lifecycle Policy")


def getlifecycle(ctx: Context, args: list[str]) -> int:
    return show_setting(ctx, args, command="getlifecycle", name="lifecycle")


def dellifecycle(ctx: Context, args: list[str]) -> int:
    return delete_setting(ctx, args, command="dellifecycle", name="lifecycle", what="Lifecycle Policy")
