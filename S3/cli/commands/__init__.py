"""The dispatch table: command name → function(ctx, args) → exit code; and ``--help``'s command list.

A new command adds one line to ``COMMANDS`` and one ``(title, usage)`` line anywhere in ``HELP``
(the command is the usage's second word); ``help_entries()`` prints them in s3cmd 2.4.0's order
(``ORDER``), then ours. Titles and usages of upstream commands are upstream's words.
"""

from __future__ import annotations

from collections.abc import Callable

from S3.cli.commands import buckets, copy, get, info, listing, put, remove, signurl, whoami
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
    "whoami": whoami.whoami,
}

# s3cmd 2.4.0's --help order; commands not listed here (ours) come after, in HELP's order.
ORDER = (
    "mb rb ls la put get del rm restore sync du info cp modify mv setacl setversioning setownership "
    "setblockpublicaccess setobjectlegalhold setobjectretention setpolicy delpolicy setcors delcors payer "
    "multipart abortmp listmp accesslog sign signurl fixbucket settagging gettagging deltagging ws-create "
    "ws-delete ws-info expire setlifecycle getlifecycle dellifecycle setnotification getnotification "
    "delnotification cflist cfinfo cfcreate cfdelete cfmodify cfinval cfinvalinfo"
).split()

# (title, usage), in any order: help_entries() sorts them.
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
    ("Show who the credentials belong to, where they came from and when they expire", "s3cmd whoami"),
]


def help_entries() -> list[tuple[str, str]]:
    """HELP in s3cmd's order, ours last."""
    def rank(entry: tuple[str, str]) -> int:
        name = entry[1].split()[1]
        return ORDER.index(name) if name in ORDER else len(ORDER)

    return sorted(HELP, key=rank)  # stable: ours keep their HELP order
