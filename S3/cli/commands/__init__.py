"""The dispatch table: command name → function(ctx, args) → exit code."""

from __future__ import annotations

from collections.abc import Callable

from S3.cli.commands import buckets, cloudfront, copy, get, info, listing, put, remove, signurl, whoami
from S3.cli.context import Context

Command = Callable[[Context, list[str]], int]

COMMANDS: dict[str, Command] = {
    "mb": buckets.make_bucket,
    "rb": buckets.remove_bucket,
    "ls": listing.ls,
    "la": listing.la,
    "du": listing.du,
    "put": put.put,
    "get": get.get,
    "del": remove.delete,
    "rm": remove.delete,
    "cp": copy.cp,
    "mv": copy.mv,
    "modify": copy.modify,
    "info": info.info,
    "signurl": signurl.signurl,
    # CloudFront
    "cflist": cloudfront.cfinfo,  # as upstream: cflist with arguments is cfinfo
    "cfinfo": cloudfront.cfinfo,
    "cfcreate": cloudfront.cfcreate,
    "cfdelete": cloudfront.cfdelete,
    "cfmodify": cloudfront.cfmodify,
    "cfinval": cloudfront.cfinval,
    "cfinvalinfo": cloudfront.cfinvalinfo,
    "whoami": whoami.whoami,
}

HELP: list[tuple[str, str]] = [
    ("Make bucket", "s3cmd mb s3://BUCKET"),
    ("Remove bucket", "s3cmd rb s3://BUCKET"),
    ("List objects or buckets", "s3cmd ls [s3://BUCKET[/PREFIX]]"),
    ("List all object in all buckets", "s3cmd la "),
    ("Put file into bucket", "s3cmd put FILE [FILE...] s3://BUCKET[/PREFIX]"),
    ("Get file from bucket", "s3cmd get s3://BUCKET/OBJECT LOCAL_FILE"),
    ("Delete file from bucket", "s3cmd del s3://BUCKET/OBJECT"),
    ("Delete file from bucket (alias for del)", "s3cmd rm s3://BUCKET/OBJECT"),
    ("Disk usage by buckets", "s3cmd du [s3://BUCKET[/PREFIX]]"),
    ("Get various information about Buckets or Files", "s3cmd info s3://BUCKET[/OBJECT]"),
    ("Copy object", "s3cmd cp s3://BUCKET1/OBJECT1 s3://BUCKET2[/OBJECT2]"),
    ("Modify object metadata", "s3cmd modify s3://BUCKET1/OBJECT"),
    ("Move object", "s3cmd mv s3://BUCKET1/OBJECT1 s3://BUCKET2[/OBJECT2]"),
    ("Sign an S3 URL to provide limited public access with expiry",
     "s3cmd signurl s3://BUCKET/OBJECT <expiry_epoch|+expiry_offset>"),
    # CloudFront, last of upstream's commands
    ("List CloudFront distribution points", "s3cmd cflist "),
    ("Display CloudFront distribution point parameters", "s3cmd cfinfo [cf://DIST_ID]"),
    ("Create CloudFront distribution point", "s3cmd cfcreate s3://BUCKET"),
    ("Delete CloudFront distribution point", "s3cmd cfdelete cf://DIST_ID"),
    ("Change CloudFront distribution point parameters", "s3cmd cfmodify cf://DIST_ID"),
    ("Invalidate CloudFront objects", "s3cmd cfinval s3://BUCKET/OBJECT [s3://BUCKET/OBJECT ...]"),
    ("Display CloudFront invalidation request(s) status", "s3cmd cfinvalinfo cf://DIST_ID[/INVAL_ID]"),
    ("Show who the credentials belong to, where they came from and when they expire", "s3cmd whoami"),
]
