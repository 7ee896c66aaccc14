"""whoami: who the credentials belong to (STS GetCallerIdentity), where they came from,
and when they expire. Never the secrets. The first thing to run after ``kubectl exec``."""

from __future__ import annotations

from datetime import timezone

from S3 import ExitCodes
from S3.cli.context import Context
from S3.credentials.common import sts_client
from S3.credentials.context import ProviderContext
from S3.credentials.defaults import env_region
from S3.credentials.model import mask
from S3.transport.http import RequestsTransport


def whoami(ctx: Context, args: list[str]) -> int:
    creds = ctx.credentials().snapshot()
    transport = RequestsTransport(ctx.transport_settings())
    try:
        pctx = ProviderContext(
            runtime=ctx.runtime,
            sts_http=lambda: transport,
            metadata_http=lambda: transport,
            region=env_region(ctx.runtime.env) or _config_region(ctx),
            sts_endpoint=str(ctx.config.sts_endpoint),
        )
        identity = sts_client(pctx, role_arn="").get_caller_identity(creds)
    finally:
        transport.close()
    ctx.out(f"Account:    {identity.account}")
    ctx.out(f"ARN:        {identity.arn}")
    ctx.out(f"UserId:     {identity.user_id}")
    ctx.out(f"Access key: {mask(creds.access_key)}")
    ctx.out(f"Source:     {creds.source}")
    if creds.expiry is None:
        ctx.out("Expires:    never (static credentials)")
    else:
        left = int((creds.expiry - ctx.runtime.clock()).total_seconds() // 60)
        stamp = creds.expiry.astimezone(timezone.utc).strftime("%Y-%m-%d %H:%M:%S UTC")
        ctx.out(f"Expires:    {stamp} (in {left} min)")
    return ExitCodes.EX_OK


def _config_region(ctx: Context) -> str:
    from S3.sts.endpoints import looks_like_region

    location = str(ctx.config.bucket_location)
    return location if looks_like_region(location) else ""
