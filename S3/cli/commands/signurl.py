"""signurl: a presigned GET URL (SigV4, carrying the session token when there is one)."""

from __future__ import annotations

from S3 import ExitCodes
from S3.cli.commands.common import require_args
from S3.cli.context import Context
from S3.errors import ParameterError
from S3.s3 import uri as s3uri


def signurl(ctx: Context, args: list[str]) -> int:
    require_args(args, 2, "s3cmd signurl s3://BUCKET/OBJECT <expiry_epoch|+expiry_offset>")
    uri = s3uri.parse_bucket(args[0], not_s3="Must be S3Uri. Got: file://{}")
    if not uri.key:
        raise ParameterError(f"Expecting S3 URI with an object name instead of '{args[0]}'")
    expiry = args[1]
    now = int(ctx.runtime.clock().timestamp())
    try:
        expires = now + int(expiry[1:]) if expiry.startswith("+") else int(expiry)
    except ValueError:
        raise ParameterError(f"Expecting an expiry epoch or +seconds instead of '{expiry}'") from None
    if expires <= now:
        raise ParameterError(f"Expiry time {expires} is in the past")
    https = ctx.settings.signurl_use_https or ctx.settings.use_https
    # signed with the URL, so that S3 answers with these headers (s3cmd: --content-disposition/--content-type)
    params = [(name, value) for name, value in (("response-content-disposition", ctx.settings.content_disposition),
                                                ("response-content-type", ctx.settings.content_type)) if value]
    ctx.out(ctx.client().presign_get(uri.bucket, uri.key, expires_epoch=expires, https=https, params=params))
    return ExitCodes.EX_OK
