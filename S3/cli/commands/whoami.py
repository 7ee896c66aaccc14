"""whoami: who the credentials belong to (STS GetCallerIdentity), where they came from,
and when they expire. Never the secrets. The first thing to run after ``kubectl exec``."""

from __future__ import annotations

from datetime import timezone

from S3 import ExitCodes
from S3.cli.context import Context
from S3.identity.model import mask
from S3.sts.client import caller_identity


def whoami(ctx: Context, args: list[str]) -> int:
    creds = ctx.credentials().snapshot()
    where = ctx.provider_context()
    identity = caller_identity(creds, region=where.sts_region(), configured=where.sts_endpoint, http=where.sts_http(),
                               runtime=where.runtime)
    ctx.out(f"Account:    {identity.account}")
    ctx.out(f"ARN:        {identity.arn}")
    ctx.out(f"UserId:     {identity.user_id}")
    ctx.out(f"Access key: {mask(creds.access_key)}")
    ctx.out(f"Source:     {creds.origin}")
    if creds.expiry is None:
        ctx.out("Expires:    never (static credentials)")
    else:
        left = int((creds.expiry - ctx.runtime.clock()).total_seconds() // 60)
        stamp = creds.expiry.astimezone(timezone.utc).strftime("%Y-%m-%d %H:%M:%S UTC")
        ctx.out(f"Expires:    {stamp} (in {left} min)")
    return ExitCodes.EX_OK
