"""The dispatch table: command name → function(ctx, args) → exit code."""

from __future__ import annotations

from collections.abc import Callable

from S3.cli.commands import (
    buckets,
    copy,
    fixbucket,
    get,
    info,
    listing,
    multipart,
    put,
    remove,
    restore,
    sign,
    signurl,
    whoami,
)
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
    "restore": restore.restore,
    "multipart": multipart.multipart,
    "abortmp": multipart.abortmp,
    "listmp": multipart.listmp,
    "sign": sign.sign,
    "signurl": signurl.signurl,
    "fixbucket": fixbucket.fixbucket,
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
    ("Restore file from Glacier storage", "s3cmd restore s3://BUCKET/OBJECT"),
    ("Disk usage by buckets", "s3cmd du [s3://BUCKET[/PREFIX]]"),
    ("Get various information about Buckets or Files", "s3cmd info s3://BUCKET[/OBJECT]"),
    ("Copy object", "s3cmd cp s3://BUCKET1/OBJECT1 s3://BUCKET2[/OBJECT2]"),
    ("Modify object metadata", "s3cmd modify s3://BUCKET1/OBJECT"),
    ("Move object", "s3cmd mv s3://BUCKET1/OBJECT1 s3://BUCKET2[/OBJECT2]"),
    ("Show multipart uploads", "s3cmd multipart s3://BUCKET [Id]"),
    ("Abort a multipart upload", "s3cmd abortmp s3://BUCKET/OBJECT Id"),
    ("List parts of a multipart upload", "s3cmd listmp s3://BUCKET/OBJECT Id"),
    ("Sign arbitrary string using the secret key", "s3cmd sign STRING-TO-SIGN"),
    ("Sign an S3 URL to provide limited public access with expiry",
     "s3cmd signurl s3://BUCKET/OBJECT <expiry_epoch|+expiry_offset>"),
    ("Fix invalid file names in a bucket", "s3cmd fixbucket s3://BUCKET[/PREFIX]"),
    ("Show who the credentials belong to, where they came from and when they expire", "s3cmd whoami"),
]
