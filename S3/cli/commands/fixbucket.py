"""fixbucket: rename the keys that hold control characters (which make a bucket's listing
malformed XML, so that ``ls`` and ``get -r`` fail) to s3cmd's printable form (``^A`` for
\\x01, ``^?`` for DEL), by a server-side copy and a delete."""

from __future__ import annotations

from S3 import ExitCodes
from S3.cli.commands.common import require_args
from S3.cli.context import Context
from S3.output import log
from S3.s3 import uri as s3uri
from S3.s3.errors import S3Error
from S3.s3.xml import unescape_entities


def printable(key: str) -> str:
    """s3cmd's replace_nonprintables: control characters 0-31 as ``^@``..``^_``, DEL as ``^?``."""
    return "".join("^" + chr(64 + ord(c)) if ord(c) <= 31 else "^?" if ord(c) == 127 else c for c in key)


def fixbucket(ctx: Context, args: list[str]) -> int:
    require_args(args, 1, "s3cmd fixbucket s3://BUCKET[/PREFIX]")
    client = ctx.client()
    fixed = 0
    for arg in args:
        uri = s3uri.parse_bucket(arg)
        for raw in list(client.list_keys_raw(uri.bucket, prefix=uri.key)):
            key = unescape_entities(raw)
            new = printable(key)
            if new == key:
                continue
            log.info(f"Fixing: {raw}")
            if ctx.settings.dry_run:
                ctx.out(f"[--dry-run] File {key!r} would be renamed to {new}")
                continue
            try:
                client.copy_object(uri.bucket, key, uri.bucket, new, headers={}, replace_metadata=False)
                client.delete_object(uri.bucket, key)
            except S3Error as failed:
                log.error(f"Something went wrong for: {key!r} ({failed})")
                continue
            ctx.out(f"File '{key!r}' renamed to '{new}'")
            fixed += 1
    if fixed:
        log.warning(f"Fixed {fixed} files' names. Their ACL were reset to Private.")
        log.warning("Use 's3cmd setacl --acl-public s3://...' to make")
        log.warning("them publicly readable if required.")
    return ExitCodes.EX_OK
