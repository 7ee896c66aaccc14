"""info: what s3cmd shows about an object (size, dates, type, MD5, SSE, ACL, metadata)
or a bucket (location, versioning, policy, CORS, ACL)."""

from __future__ import annotations

from collections.abc import Callable

from S3 import ExitCodes
from S3.cli.commands.common import require_args
from S3.cli.context import Context
from S3.s3 import attrs, xml
from S3.s3 import uri as s3uri
from S3.s3.errors import S3Error


def _optional(fetch: Callable[[], str], absent: str = "none") -> str:
    """Sub-resources that are unset (or that the server does not implement) print as 'none'."""
    try:
        return fetch() or absent
    except (S3Error, xml.MalformedAnswer):
        return absent


def _expiration(fetch: Callable[[], bytes]) -> str:
    """s3cmd's line for the first lifecycle rule (its prefix and expiration), label capitalised only with a rule."""
    try:
        rule = xml.parse_expiration_rule(fetch())
    except (S3Error, xml.MalformedAnswer):
        rule = None
    if rule is None:
        return "Expiration rule: none"
    which = f"objects with key prefix '{rule.prefix}' " if rule.prefix else "all objects in this bucket "
    # s3cmd's wording, a date rule's trailing space included
    when = f"{rule.days}' day(s) after creation" if rule.days else f"{rule.date}' " if rule.date else ""
    return f"Expiration Rule: {which}will expire in '{when}"


def _policy(fetch: Callable[[], bytes]) -> str:
    """The bucket policy, or why it cannot be shown (s3cmd's wording for 403 and 405)."""
    try:
        return fetch().decode("utf-8", "replace") or "none"
    except S3Error as failed:
        if failed.status == 403:
            return "Not available: GetPolicy permission is needed to read the policy"
        if failed.status == 405:
            return "Not available: Only the bucket owner can read the policy"
        return "none"
    except xml.MalformedAnswer:
        return "none"


def info(ctx: Context, args: list[str]) -> int:
    require_args(args, 1, "s3cmd info s3://BUCKET[/OBJECT]")
    for arg in args:
        _info_one(ctx, s3uri.parse_bucket(arg))
    return ExitCodes.EX_OK


def _info_one(ctx: Context, uri: s3uri.S3Uri) -> None:
    client = ctx.client()

    def sub(name: str) -> bytes:
        # optional lines: one retry at most, so an unimplemented sub-resource costs no backoff
        return client.get_subresource(uri.bucket, "", name, max_retries=1)

    if uri.key:
        head = client.head_object(uri.bucket, uri.key).headers
        ctx.out(f"{uri} (object):")
        ctx.out(f"   File size: {head.get('Content-Length', '0')}")
        ctx.out(f"   Last mod:  {head.get('Last-Modified', '')}")
        ctx.out(f"   MIME type: {head.get('Content-Type', 'none')}")
        ctx.out(f"   Storage:   {head.get('x-amz-storage-class', 'STANDARD')}")
        md5 = head.get("ETag", "").strip('"')
        md5 = attrs.fields(head.get(attrs.HEADER, "")).get("md5", md5)
        ctx.out(f"   MD5 sum:   {md5}")
        ctx.out(f"   SSE:       {head.get('x-amz-server-side-encryption', 'none')}")
    else:
        ctx.out(f"{uri} (bucket):")
        ctx.out(f"   Location:  {client.bucket_location(uri.bucket)}")
        ctx.out(f"   Payer:     {_optional(lambda: xml.parse_payer(sub('requestPayment')))}")
        ctx.out(f"   Ownership: {_optional(lambda: xml.parse_ownership(sub('ownershipControls')))}")
        ctx.out(f"   Versioning:{_optional(lambda: xml.parse_versioning(sub('versioning')))}")
        ctx.out(f"   {_expiration(lambda: sub('lifecycle'))}")
        blocked = _optional(lambda: ",".join(xml.parse_public_access_block(sub("publicAccessBlock"))))
        ctx.out(f"   Block Public Access: {blocked}")
    ctx.out(f"   Policy:    {_policy(lambda: sub('policy'))}")
    ctx.out(f"   CORS:      {_optional(lambda: sub('cors').decode('utf-8', 'replace'))}")
    try:
        acl = xml.parse_access_control_policy(client.get_subresource(uri.bucket, uri.key, "acl", max_retries=1))
    except (S3Error, xml.MalformedAnswer):
        ctx.out("   ACL:       none")
    else:
        for grant in acl.grants:
            ctx.out(f"   ACL:       {grant.label}: {grant.permission}")
        if any(grant.is_all_users and grant.permission in ("READ", "FULL_CONTROL") for grant in acl.grants):
            url = client.endpoint.public_url(uri.bucket, uri.key, https=ctx.settings.public_url_use_https)
            ctx.out(f"   URL:       {url}")
    if uri.key:
        for name, value in sorted(head.items()):
            if name.lower().startswith("x-amz-meta-"):
                ctx.out(f"   {name.lower()}: {value}")
