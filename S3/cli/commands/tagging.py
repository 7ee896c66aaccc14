"""settagging, gettagging, deltagging: the tag set of a bucket or of an object."""

from __future__ import annotations

from S3 import ExitCodes
from S3.cli.commands.common import require_args
from S3.cli.context import Context
from S3.errors import ParameterError
from S3.s3 import uri as s3uri
from S3.s3 import xml

USAGE_TARGET = "s3://BUCKET[/OBJECT]"


def parse_tags(text: str) -> list[tuple[str, str]]:
    """``KEY=VALUE[&KEY=VALUE…]``; a tag without ``=`` has an empty value, as with s3cmd."""
    tags = []
    for pair in text.split("&"):
        key, _, value = pair.partition("=")
        if not key:
            raise ParameterError("Tag key should not be empty")
        tags.append((key, value))
    return tags


def settagging(ctx: Context, args: list[str]) -> int:
    require_args(args, 2, f's3cmd settagging {USAGE_TARGET} "KEY=VALUE[&KEY=VALUE ...]"')
    uri = s3uri.parse_bucket(args[0])
    document = xml.build_tagging(parse_tags(args[1]))
    ctx.client().put_subresource(uri.bucket, uri.key, "tagging", document)
    ctx.out(f"{uri}: Tagging updated")
    return ExitCodes.EX_OK


def gettagging(ctx: Context, args: list[str]) -> int:
    require_args(args, 1, f"s3cmd gettagging {USAGE_TARGET}")
    uri = s3uri.parse_bucket(args[0])
    tags = xml.parse_tagging(ctx.client().get_subresource(uri.bucket, uri.key, "tagging"))
    ctx.out(f"{uri} ({'object' if uri.key else 'bucket'}):")
    for key, value in tags:
        ctx.out(f"\t{key}:\t{value}")
    return ExitCodes.EX_OK


def deltagging(ctx: Context, args: list[str]) -> int:
    require_args(args, 1, f"s3cmd deltagging {USAGE_TARGET}")
    uri = s3uri.parse_bucket(args[0])
    ctx.client().delete_subresource(uri.bucket, uri.key, "tagging")
    ctx.out(f"{uri}: Tagging deleted")
    return ExitCodes.EX_OK
