"""The dispatch table: command name → function(ctx, args) → exit code; and ``--help``'s command list.

A new command adds one line to ``COMMANDS`` and one ``(title, usage)`` line anywhere in ``HELP``
(the command is the usage's second word); ``help_entries()`` prints them in s3cmd 2.4.0's order
(``ORDER``), then ours. Titles and usages of upstream commands are upstream's words.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterator, Mapping
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from S3.cli.context import Context

Command = Callable[["Context", list[str]], int]

# name → (module under S3.cli.commands, function). A run imports only the module of the command
# it runs: importing all of them (libmagic, STS, copy) cost ~60 ms of start-up for any command.
_TABLE: dict[str, tuple[str, str]] = {
    "mb": ("buckets", "make_bucket"),
    "rb": ("buckets", "remove_bucket"),
    "ls": ("listing", "ls"),
    "la": ("listing", "la"),
    "du": ("listing", "du"),
    "put": ("put", "put"),
    "get": ("get", "get"),
    "del": ("remove", "delete"),
    "rm": ("remove", "delete"),
    "cp": ("copy", "cp"),
    "mv": ("copy", "mv"),
    "modify": ("copy", "modify"),
    "info": ("info", "info"),
    "restore": ("restore", "restore"),
    "multipart": ("multipart", "multipart"),
    "abortmp": ("multipart", "abortmp"),
    "listmp": ("multipart", "listmp"),
    "sign": ("sign", "sign"),
    "signurl": ("signurl", "signurl"),
    "fixbucket": ("fixbucket", "fixbucket"),
    "sync": ("sync", "sync"),
    # CloudFront
    "cflist": ("cloudfront", "cfinfo"),  # as upstream: cflist with arguments is cfinfo
    "cfinfo": ("cloudfront", "cfinfo"),
    "cfcreate": ("cloudfront", "cfcreate"),
    "cfdelete": ("cloudfront", "cfdelete"),
    "cfmodify": ("cloudfront", "cfmodify"),
    "cfinval": ("cloudfront", "cfinval"),
    "cfinvalinfo": ("cloudfront", "cfinvalinfo"),
    "whoami": ("whoami", "whoami"),
    # bucket and object settings
    "setacl": ("acl", "setacl"),
    "setversioning": ("bucket_settings", "setversioning"),
    "setownership": ("bucket_settings", "setownership"),
    "setblockpublicaccess": ("bucket_settings", "setblockpublicaccess"),
    "setobjectlegalhold": ("bucket_settings", "setobjectlegalhold"),
    "setobjectretention": ("bucket_settings", "setobjectretention"),
    "setpolicy": ("bucket_settings", "setpolicy"),
    "delpolicy": ("bucket_settings", "delpolicy"),
    "setcors": ("bucket_settings", "setcors"),
    "delcors": ("bucket_settings", "delcors"),
    "payer": ("bucket_settings", "payer"),
    "accesslog": ("bucket_settings", "accesslog"),
    "settagging": ("tagging", "settagging"),
    "gettagging": ("tagging", "gettagging"),
    "deltagging": ("tagging", "deltagging"),
    "ws-create": ("website", "ws_create"),
    "ws-delete": ("website", "ws_delete"),
    "ws-info": ("website", "ws_info"),
    "expire": ("lifecycle", "expire"),
    "setlifecycle": ("lifecycle", "setlifecycle"),
    "getlifecycle": ("lifecycle", "getlifecycle"),
    "dellifecycle": ("lifecycle", "dellifecycle"),
    "setnotification": ("notification", "setnotification"),
    "getnotification": ("notification", "getnotification"),
    "delnotification": ("notification", "delnotification"),
}


class _LazyCommands(Mapping[str, Command]):
    """The dispatch table; a command's module is imported when the command is looked up."""

    def __init__(self, table: Mapping[str, tuple[str, str]]) -> None:
        self._table = table

    def __getitem__(self, name: str) -> Command:
        module, function = self._table[name]
        command: Command = getattr(importlib.import_module(f"{__name__}.{module}"), function)
        return command

    def __iter__(self) -> Iterator[str]:
        return iter(self._table)

    def __len__(self) -> int:
        return len(self._table)


COMMANDS: Mapping[str, Command] = _LazyCommands(_TABLE)


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
    ("Synchronize a directory tree to S3 (checks files freshness using size and md5 checksum, unless overridden "
     "by options, see below)", "s3cmd sync LOCAL_DIR s3://BUCKET[/PREFIX] or s3://BUCKET[/PREFIX] LOCAL_DIR or "
     "s3://BUCKET[/PREFIX] s3://BUCKET[/PREFIX]"),
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
    # bucket and object settings
    ("Modify Access control list for Bucket or Files", "s3cmd setacl s3://BUCKET[/OBJECT]"),
    ("Modify Bucket Versioning", "s3cmd setversioning s3://BUCKET enable|disable"),
    ("Modify Bucket Object Ownership",
     "s3cmd setownership s3://BUCKET BucketOwnerPreferred|BucketOwnerEnforced|ObjectWriter"),
    ("Modify Block Public Access rules", "s3cmd setblockpublicaccess s3://BUCKET "
     "BlockPublicAcls,IgnorePublicAcls,BlockPublicPolicy,RestrictPublicBuckets"),
    ("Modify Object Legal Hold", "s3cmd setobjectlegalhold STATUS s3://BUCKET/OBJECT"),
    ("Modify Object Retention", "s3cmd setobjectretention MODE RETAIN_UNTIL_DATE s3://BUCKET/OBJECT"),
    ("Modify Bucket Policy", "s3cmd setpolicy FILE s3://BUCKET"),
    ("Delete Bucket Policy", "s3cmd delpolicy s3://BUCKET"),
    ("Modify Bucket CORS", "s3cmd setcors FILE s3://BUCKET"),
    ("Delete Bucket CORS", "s3cmd delcors s3://BUCKET"),
    ("Modify Bucket Requester Pays policy", "s3cmd payer s3://BUCKET"),
    ("Enable/disable bucket access logging", "s3cmd accesslog s3://BUCKET"),
    ("Sign an S3 URL to provide limited public access with expiry",
     "s3cmd signurl s3://BUCKET/OBJECT <expiry_epoch|+expiry_offset>"),
    # bucket and object settings
    ("Modify tagging for Bucket or Files", 's3cmd settagging s3://BUCKET[/OBJECT] "KEY=VALUE[&KEY=VALUE ...]"'),
    ("Get tagging for Bucket or Files", "s3cmd gettagging s3://BUCKET[/OBJECT]"),
    ("Delete tagging for Bucket or Files", "s3cmd deltagging s3://BUCKET[/OBJECT]"),
    ("Create Website from bucket", "s3cmd ws-create s3://BUCKET"),
    ("Delete Website", "s3cmd ws-delete s3://BUCKET"),
    ("Info about Website", "s3cmd ws-info s3://BUCKET"),
    ("Set or delete expiration rule for the bucket", "s3cmd expire s3://BUCKET"),
    ("Upload a lifecycle policy for the bucket", "s3cmd setlifecycle FILE s3://BUCKET"),
    ("Get a lifecycle policy for the bucket", "s3cmd getlifecycle s3://BUCKET"),
    ("Remove a lifecycle policy for the bucket", "s3cmd dellifecycle s3://BUCKET"),
    ("Upload a notification policy for the bucket", "s3cmd setnotification FILE s3://BUCKET"),
    ("Get a notification policy for the bucket", "s3cmd getnotification s3://BUCKET"),
    ("Remove a notification policy for the bucket", "s3cmd delnotification s3://BUCKET"),
    # CloudFront, last of upstream's commands
    ("List CloudFront distribution points", "s3cmd cflist "),
    ("Display CloudFront distribution point parameters", "s3cmd cfinfo [cf://DIST_ID]"),
    ("Create CloudFront distribution point", "s3cmd cfcreate s3://BUCKET"),
    ("Delete CloudFront distribution point", "s3cmd cfdelete cf://DIST_ID"),
    ("Change CloudFront distribution point parameters", "s3cmd cfmodify cf://DIST_ID"),
    ("Invalidate CloudFront objects", "s3cmd cfinval s3://BUCKET/OBJECT [s3://BUCKET/OBJECT ...]"),
    ("Display CloudFront invalidation request(s) status", "s3cmd cfinvalinfo cf://DIST_ID[/INVAL_ID]"),
    ("Show multipart uploads", "s3cmd multipart s3://BUCKET [Id]"),
    ("Abort a multipart upload", "s3cmd abortmp s3://BUCKET/OBJECT Id"),
    ("List parts of a multipart upload", "s3cmd listmp s3://BUCKET/OBJECT Id"),
    ("Sign arbitrary string using the secret key", "s3cmd sign STRING-TO-SIGN"),
    ("Fix invalid file names in a bucket", "s3cmd fixbucket s3://BUCKET[/PREFIX]"),
    ("Show who the credentials belong to, where they came from and when they expire", "s3cmd whoami"),
]


def help_entries() -> list[tuple[str, str]]:
    """HELP in s3cmd's order, ours last."""
    def rank(entry: tuple[str, str]) -> int:
        name = entry[1].split()[1]
        return ORDER.index(name) if name in ORDER else len(ORDER)

    return sorted(HELP, key=rank)  # stable: ours keep their HELP order
