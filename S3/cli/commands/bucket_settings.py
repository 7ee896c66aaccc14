"""Bucket and object settings: setpolicy, delpolicy, setcors, delcors, setversioning, setownership,
setblockpublicaccess, setobjectlegalhold, setobjectretention, payer, accesslog.

Each sends one configuration document (or DELETE) to the bucket's or object's sub-resource and
prints s3cmd 2.4.0's line. Reads the policy / CORS file named on the command line.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from S3 import ExitCodes
from S3.cli.commands.common import require_args
from S3.cli.context import Context
from S3.errors import LocalFileError, ParameterError
from S3.output import log
from S3.s3 import uri as s3uri
from S3.s3 import xml
from S3.s3.errors import S3Error


def bucket_arg(arg: str, command: str) -> s3uri.S3Uri:
    """``s3://BUCKET`` for a command that takes a bucket only (s3cmd's wording when given a key)."""
    uri = s3uri.parse_bucket(arg)
    if uri.key:
        raise ParameterError(f"Only bucket name is required for [{command}] command")
    return uri


def object_arg(arg: str) -> s3uri.S3Uri:
    uri = s3uri.parse_bucket(arg)
    if not uri.key:
        raise ParameterError(f"Expecting S3 URI with an object name instead of '{arg}'")
    return uri


def read_document(path: str) -> bytes:
    """The local file a ``set*`` command uploads (a policy, CORS, lifecycle or notification document)."""
    try:
        with open(path, "rb") as handle:
            return handle.read()
    except OSError as failed:
        raise LocalFileError(f"Cannot read '{path}': {failed.strerror or failed}. Check the file name") from None


def _valid_choice(value: str, choices: tuple[str, ...]) -> str:
    """s3cmd accepts these names in any case and sends them in their canonical spelling."""
    found = next((choice for choice in choices if choice.lower() == value.lower()), "")
    if not found:
        raise ParameterError(f"Must be {' or '.join(choice.lower() for choice in choices)}. Got: {value}")
    return found


def setpolicy(ctx: Context, args: list[str]) -> int:
    return put_setting(ctx, args, command="setpolicy", name="policy", what="Policy", content_type="application/json")


def delpolicy(ctx: Context, args: list[str]) -> int:
    return delete_setting(ctx, args, command="delpolicy", name="policy", what="Policy")


def setcors(ctx: Context, args: list[str]) -> int:
    return put_setting(ctx, args, command="setcors", name="cors", what="CORS")


def delcors(ctx: Context, args: list[str]) -> int:
    return delete_setting(ctx, args, command="delcors", name="cors", what="CORS")


def put_setting(ctx: Context, args: list[str], *, command: str, name: str, what: str,
                content_type: str = "application/xml") -> int:
    """``set* FILE s3://BUCKET``: the file's document to the bucket's ``name`` sub-resource."""
    require_args(args, 2, f"s3cmd {command} FILE s3://BUCKET")
    uri = s3uri.parse_bucket(args[1])
    document = read_document(args[0])
    if ctx.settings.dry_run:
        return ExitCodes.EX_OK
    ctx.client().put_subresource(uri.bucket, "", name, document, content_type=content_type)
    ctx.out(f"{uri}: {what} updated")
    return ExitCodes.EX_OK


def show_setting(ctx: Context, args: list[str], *, command: str, name: str) -> int:
    """``get* s3://BUCKET``: the bucket's ``name`` document, indented as s3cmd prints it."""
    require_args(args, 1, f"s3cmd {command} s3://BUCKET")
    uri = s3uri.parse_bucket(args[0])
    ctx.out(xml.pretty(ctx.client().get_subresource(uri.bucket, "", name)))
    return ExitCodes.EX_OK


def delete_setting(ctx: Context, args: list[str], *, command: str, name: str, what: str) -> int:
    """``del* s3://BUCKET``: DELETE of the bucket's ``name`` sub-resource."""
    require_args(args, 1, f"s3cmd {command} s3://BUCKET")
    uri = s3uri.parse_bucket(args[0])
    if ctx.settings.dry_run:
        return ExitCodes.EX_OK
    ctx.client().delete_subresource(uri.bucket, "", name)
    ctx.out(f"{uri}: {what} deleted")
    return ExitCodes.EX_OK


def setversioning(ctx: Context, args: list[str]) -> int:
    require_args(args, 2, "s3cmd setversioning s3://BUCKET enable|disable")
    uri = bucket_arg(args[0], "setversioning")
    if args[1] not in ("enable", "disable"):
        raise ParameterError(f"Must be 'enable' or 'disable'. Got: {args[1]}")
    status = "Enabled" if args[1] == "enable" else "Suspended"
    ctx.client().put_subresource(uri.bucket, "", "versioning", xml.build_document("VersioningConfiguration",
                                                                                   ("Status", status)))
    ctx.out(f"{uri}: Versioning status updated")
    return ExitCodes.EX_OK


OWNERSHIPS = ("BucketOwnerPreferred", "BucketOwnerEnforced", "ObjectWriter")
PUBLIC_ACCESS_BLOCKS = ("BlockPublicAcls", "IgnorePublicAcls", "BlockPublicPolicy", "RestrictPublicBuckets")


def setownership(ctx: Context, args: list[str]) -> int:
    require_args(args, 2, f"s3cmd setownership s3://BUCKET {'|'.join(OWNERSHIPS)}")
    uri = bucket_arg(args[0], "setownership")
    ownership = _valid_choice(args[1], OWNERSHIPS)
    ctx.client().put_subresource(uri.bucket, "", "ownershipControls", xml.build_ownership(ownership))
    ctx.out(f"{uri}: Bucket Object Ownership updated")
    return ExitCodes.EX_OK


def setblockpublicaccess(ctx: Context, args: list[str]) -> int:
    require_args(args, 2, f"s3cmd setblockpublicaccess s3://BUCKET {','.join(PUBLIC_ACCESS_BLOCKS)}")
    uri = bucket_arg(args[0], "setblockpublicaccess")
    # every flag is sent: the ones not named are turned off ("" turns all off)
    on = {_valid_choice(flag, PUBLIC_ACCESS_BLOCKS) for flag in args[1].split(",") if flag}
    document = xml.build_document("PublicAccessBlockConfiguration",
                                  *((flag, "true" if flag in on else "false") for flag in PUBLIC_ACCESS_BLOCKS))
    ctx.client().put_subresource(uri.bucket, "", "publicAccessBlock", document)
    ctx.out(f"{uri}: Block Public Access updated")
    return ExitCodes.EX_OK


def setobjectlegalhold(ctx: Context, args: list[str]) -> int:
    require_args(args, 2, "s3cmd setobjectlegalhold STATUS s3://BUCKET/OBJECT")
    status, uri = args[0], object_arg(args[1])
    if status not in ("ON", "OFF"):
        raise ParameterError("Incorrect status")
    if ctx.settings.dry_run:
        return ExitCodes.EX_OK
    ctx.client().put_subresource(uri.bucket, uri.key, "legal-hold", xml.build_document("LegalHold", ("Status", status)))
    ctx.out(f"{uri}: Legal Hold updated")
    return ExitCodes.EX_OK


def setobjectretention(ctx: Context, args: list[str]) -> int:
    require_args(args, 3, "s3cmd setobjectretention MODE RETAIN_UNTIL_DATE s3://BUCKET/OBJECT")
    mode, until, uri = args[0], args[1], object_arg(args[2])
    if mode not in ("COMPLIANCE", "GOVERNANCE"):
        raise ParameterError("Incorrect mode")
    try:
        datetime.strptime(until, "%Y-%m-%dT%H:%M:%SZ")
    except ValueError:
        raise ParameterError("Incorrect data format, should be YYYY-MM-DDTHH:MM:SSZ") from None
    if ctx.settings.dry_run:
        return ExitCodes.EX_OK
    document = xml.build_document("Retention", ("Mode", mode), ("RetainUntilDate", until))
    ctx.client().put_subresource(uri.bucket, uri.key, "retention", document)
    ctx.out(f"{uri}: Retention updated")
    return ExitCodes.EX_OK


def payer(ctx: Context, args: list[str]) -> int:
    require_args(args, 1, "s3cmd payer s3://BUCKET")
    uri = s3uri.parse_bucket(args[0])
    if ctx.settings.dry_run:
        return ExitCodes.EX_OK
    who = "Requester" if ctx.settings.requester_pays else "BucketOwner"
    ctx.client().put_subresource(uri.bucket, "", "requestPayment",
                                 xml.build_document("RequestPaymentConfiguration", ("Payer", who)))
    ctx.out(f"{uri}: Payer updated")
    return ExitCodes.EX_OK


def accesslog(ctx: Context, args: list[str]) -> int:
    """Show access logging; ``--access-logging-target-prefix`` turns it on, ``--no-access-logging`` off."""
    require_args(args, 1, "s3cmd accesslog s3://BUCKET")
    uri = bucket_arg(args[-1], "accesslog")
    client = ctx.client()
    if ctx.settings.no_access_logging:
        client.put_subresource(uri.bucket, "", "logging", xml.build_logging())
        target = None
    elif ctx.settings.log_target_prefix:
        if not s3uri.is_s3_uri(ctx.settings.log_target_prefix):
            raise ParameterError("--log-target-prefix must be a S3 URI")
        prefix = s3uri.parse_bucket(ctx.settings.log_target_prefix)
        document = xml.build_logging(target_bucket=prefix.bucket, target_prefix=prefix.key,
                                     public=bool(ctx.settings.acl_public))
        try:
            client.put_subresource(uri.bucket, "", "logging", document)
        except S3Error as failed:
            if failed.code != "InvalidTargetBucketForLogging":
                raise
            # the log-delivery group may not write to the target bucket yet: let it, then ask again
            log.info("Setting up log-delivery ACL for target bucket.")
            policy = client.get_acl(prefix.bucket, "")
            grants = (xml.AclEntry("URI", xml.LOG_DELIVERY, "READ_ACP"), xml.AclEntry("URI", xml.LOG_DELIVERY, "WRITE"))
            client.put_acl(prefix.bucket, "", replace(policy, grants=(*policy.grants, *grants)))
            client.put_subresource(uri.bucket, "", "logging", document)
        target = (prefix.bucket, prefix.key)
    else:
        target = xml.parse_logging(client.get_subresource(uri.bucket, "", "logging"))
    ctx.out(f"Access logging for: {uri}")
    ctx.out(f"   Logging Enabled: {target is not None}")
    if target is not None:
        ctx.out(f"     Target prefix: s3://{target[0]}/{target[1]}")
    return ExitCodes.EX_OK
