"""sign: the SigV2 signature (base64 HMAC-SHA1 with the secret key) of a string, as
s3cmd prints it for hand-built requests and POST policies."""

from __future__ import annotations

from S3 import ExitCodes
from S3.cli.commands.common import require_args
from S3.cli.context import Context
from S3.signing import sigv2


def sign(ctx: Context, args: list[str]) -> int:
    require_args(args, 1, "s3cmd sign STRING-TO-SIGN")
    secret = ctx.credentials().snapshot().secret_key
    ctx.out(f"Signature: {sigv2.signature(secret, args[-1])}")
    return ExitCodes.EX_OK
