"""cp, mv and modify: server-side copies (modify copies an object onto itself with new metadata)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from S3 import ExitCodes
from S3.cli.commands.common import relative_key, remote_objects, require_args
from S3.cli.context import Context
from S3.cli.headers import object_headers
from S3.errors import ParameterError
from S3.ExitCodes import ExitScoreboard
from S3.output import log
from S3.s3 import uri as s3uri
from S3.s3.errors import S3Error


def _pairs(ctx: Context, sources: list[str], dest: s3uri.S3Uri) -> list[tuple[s3uri.S3Uri, s3uri.S3Uri]]:
    pairs = []
    for source in sources:
        uri = s3uri.parse_bucket(source)
        if ctx.config.recursive:
            for entry in remote_objects(ctx, uri):
                pairs.append((uri.join(entry.key), dest.join(_under(dest.key, relative_key(uri.key, entry.key)))))
        else:
            if not uri.key or uri.key.endswith("/"):
                raise ParameterError(f"Expecting S3 URI with a filename or --recursive: {uri}")
            key = dest.key
            if not key or key.endswith("/") or len(sources) > 1:
                key = _under(key, uri.key.rsplit("/", 1)[-1])
            pairs.append((uri, dest.join(key)))
    if not pairs:
        raise ParameterError("Nothing to copy: no source object found.")
    return pairs


def _under(prefix: str, name: str) -> str:
    if prefix and not prefix.endswith("/"):
        prefix += "/"
    return prefix + name


def _copy(ctx: Context, args: list[str], *, verb: str, remove_source: bool) -> int:
    require_args(args, 2, f"s3cmd {'mv' if remove_source else 'cp'} s3://BUCKET1/OBJECT1 s3://BUCKET2[/OBJECT2]")
    dest = s3uri.parse_bucket(args[-1])
    pairs = _pairs(ctx, args[:-1], dest)
    headers = object_headers(ctx.settings)
    client = ctx.client()
    score = ExitScoreboard()
    for index, (src, dst) in enumerate(pairs, start=1):
        line = f"{verb}: '{src}' -> '{dst}'  [{index} of {len(pairs)}]"
        if ctx.config.dry_run:
            ctx.out(line)
            continue
        with _missing_key_is_a_warning(src, score):
            client.copy_object(src.bucket, src.key, dst.bucket, dst.key, headers=headers, replace_metadata=False)
            if remove_source and (src.bucket, src.key) != (dst.bucket, dst.key):
                client.delete_object(src.bucket, src.key)
            ctx.out(line)
            score.success()
    return score.rc()


@contextmanager
def _missing_key_is_a_warning(src: s3uri.S3Uri, score: ExitScoreboard) -> Iterator[None]:
    """A source that does not exist fails that object only (s3cmd: 'Key not found', exit 12 if all fail)."""
    try:
        yield
    except S3Error as failed:
        if not failed.is_missing_key:
            raise
        log.warning(f"Key not found {src}")
        score.failure(ExitCodes.EX_NOTFOUND)


def cp(ctx: Context, args: list[str]) -> int:
    return _copy(ctx, args, verb="remote copy", remove_source=False)


def mv(ctx: Context, args: list[str]) -> int:
    return _copy(ctx, args, verb="move", remove_source=True)


_KEPT = ("Content-Type", "Cache-Control", "Content-Disposition", "Content-Encoding", "Content-Language", "Expires")


def modify(ctx: Context, args: list[str]) -> int:
    require_args(args, 1, "s3cmd modify s3://BUCKET1/OBJECT")
    removed = {name.lower() for name in ctx.options.remove_header}
    targets = []
    for arg in args:
        uri = s3uri.parse_bucket(arg)
        if ctx.config.recursive:
            targets.extend(uri.join(e.key) for e in remote_objects(ctx, uri))
        else:
            if not uri.key:
                raise ParameterError(f"Expecting S3 URI with a filename or --recursive: {uri}")
            targets.append(uri)
    score = ExitScoreboard()
    for index, uri in enumerate(targets, start=1):
        with _missing_key_is_a_warning(uri, score):
            _modify_one(ctx, uri, removed, f"modify: '{uri}'  [{index} of {len(targets)}]")
            score.success()
    return score.rc()


def _modify_one(ctx: Context, uri: s3uri.S3Uri, removed: set[str], line: str) -> None:
    client = ctx.client()
    head = client.head_object(uri.bucket, uri.key).headers
    headers = {name: head[name] for name in _KEPT if name in head}
    headers.update({k: v for k, v in head.items() if k.lower().startswith("x-amz-meta-")})
    if "x-amz-storage-class" in head:
        headers["x-amz-storage-class"] = head["x-amz-storage-class"]
    headers.update(object_headers(ctx.settings))
    if ctx.config.mime_type:
        headers["Content-Type"] = str(ctx.config.mime_type)
    headers = {k: v for k, v in headers.items() if k.lower() not in removed}
    if not ctx.config.dry_run:
        client.copy_object(uri.bucket, uri.key, uri.bucket, uri.key, headers=headers, replace_metadata=True)
    ctx.out(line)
