"""cp, mv and modify: server-side copies (modify copies an object onto itself with new metadata)."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass

from S3 import ExitCodes
from S3.cli.commands.common import (
    dry_run_listing,
    excluded_lines,
    has_wildcards,
    relative_key,
    remote_objects,
    require_args,
    wildcard_objects,
)
from S3.cli.context import Context
from S3.cli.headers import object_headers
from S3.errors import ParameterError, S3cmdError
from S3.ExitCodes import ExitScoreboard
from S3.output import log
from S3.s3 import attrs
from S3.s3 import uri as s3uri
from S3.s3.client import S3Client
from S3.s3.errors import S3Error
from S3.s3.etag import body_md5
from S3.transfer.copy import MAX_SINGLE_COPY, CopyPlan, copy_object_any_size
from S3.transport.headers import header_size

MIB = 1024 * 1024


@dataclass(frozen=True)
class _Source:
    uri: s3uri.S3Uri
    size: int | None  # known from a listing; None: asked with HEAD when it decides how to copy


def _sources(ctx: Context, args: list[str]) -> dict[str, _Source]:
    """Each source under the name it gets below a destination directory, sorted by that name
    (s3cmd's order; a name given twice keeps the last source)."""
    found: dict[str, _Source] = {}
    excluded: list[str] = []
    for arg in args:
        uri = s3uri.parse_bucket(arg)
        if ctx.settings.recursive:
            for entry in remote_objects(ctx, uri, on_excluded=excluded.append):
                found[relative_key(uri.key, entry.key)] = _Source(uri.join(entry.key), entry.size)
        elif not uri.key or uri.key.endswith("/"):
            raise ParameterError(f"Expecting S3 URI with a filename or --recursive: {uri}")
        elif has_wildcards(uri):  # as s3cmd: every object the name matches
            for entry, name in wildcard_objects(ctx, uri, on_excluded=excluded.append):
                found[name] = _Source(uri.join(entry.key), entry.size)
        else:
            found[uri.key.rsplit("/", 1)[-1]] = _Source(uri, None)
    excluded_lines(ctx, excluded)
    return dict(sorted(found.items()))


def _targets(ctx: Context, sources: dict[str, _Source], dest: s3uri.S3Uri) -> list[tuple[_Source, s3uri.S3Uri]]:
    directory = not dest.key or dest.key.endswith("/")
    if not directory and (len(sources) > 1 or ctx.settings.recursive):
        raise ParameterError("Destination must be a directory and end with '/' when acting on a folder content "
                             "or on multiple sources.")
    return [(source, dest.join(dest.key + name if directory else dest.key)) for name, source in sources.items()]


def _copy(ctx: Context, args: list[str], *, verb: str, remove_source: bool) -> int:
    require_args(args, 2, f"s3cmd {'mv' if remove_source else 'cp'} s3://BUCKET1/OBJECT1 s3://BUCKET2[/OBJECT2]")
    dest = s3uri.parse_bucket(args[-1])
    pairs = _targets(ctx, _sources(ctx, args[:-1]), dest)
    log.info(f"Summary: {len(pairs)} remote files to {'move' if remove_source else 'copy'}")
    if not pairs:
        raise S3cmdError(f"Nothing to {'move' if remove_source else 'copy'}: no object matches {', '.join(args[:-1])}")
    if ctx.settings.dry_run:  # s3cmd's dry-run verbs: "copy" and "move", without a count
        action = "move" if remove_source else "copy"
        return dry_run_listing(ctx, (f"{action}: '{source.uri}' -> '{dst}'" for source, dst in pairs))
    headers = object_headers(ctx.settings)
    client = ctx.client()
    score = ExitScoreboard()
    for index, (source, dst) in enumerate(pairs, start=1):
        src = source.uri
        line = f"{verb}: '{src}' -> '{dst}'  [{index} of {len(pairs)}]"
        with _reported(src, score):
            server_side_copy(ctx, source.uri, dst, size=source.size, headers=headers)
            if remove_source and (src.bucket, src.key) != (dst.bucket, dst.key):
                client.delete_object(src.bucket, src.key)
            ctx.out(line)
            score.success()
        if score.failed and ctx.settings.stop_on_error:
            break
    return score.rc()


def server_side_copy(
    ctx: Context, src: s3uri.S3Uri, dst: s3uri.S3Uri, *, size: int | None, headers: Mapping[str, str]
) -> None:
    """One CopyObject, or a copy in parts above ``multipart_copy_chunk_size_mb`` (s3cmd's threshold;
    CopyObject refuses sources over 5 GiB). ``size`` None: asked with HEAD. Used by cp, mv and sync."""
    client, settings = ctx.client(), ctx.settings
    head: Mapping[str, str] | None = None
    if size is None and settings.enable_multipart:
        head = _source_head(client, src)
        size = _size_of(head)
    chunk = settings.multipart_copy_chunk_size_mb * MIB
    plan = CopyPlan(src_bucket=src.bucket, src_key=src.key, bucket=dst.bucket, key=dst.key, size=size or 0,
                    headers=headers, replace_metadata=False,
                    threshold=chunk if settings.enable_multipart else MAX_SINGLE_COPY, part_size=chunk,
                    workers=max(1, settings.parallel_transfers))
    if plan.in_parts:
        # an upload copied in parts carries none of the source's metadata: give it the source's own
        head = head if head is not None else _source_head(client, src)
        plan = dataclasses.replace(plan, metadata=_metadata_for_parts(head, headers))
    copy_object_any_size(client, plan)


def _source_head(client: S3Client, uri: s3uri.S3Uri) -> Mapping[str, str]:
    """The source's HEAD. HEAD answers a missing bucket with the same bare 404 as a missing key, and
    s3cmd, which copies without asking first, reports NoSuchBucket: on that failure one more request
    tells the two apart (its own failure, e.g. no right to ask, leaves the first answer standing)."""
    try:
        return client.head_object(uri.bucket, uri.key).headers
    except S3Error as failed:
        if failed.is_missing_key:
            try:
                client.bucket_location(uri.bucket)
            except S3Error as probe:
                if probe.is_missing_bucket:
                    raise probe from None
        raise


@contextmanager
def _reported(src: s3uri.S3Uri, score: ExitScoreboard) -> Iterator[None]:
    """An S3 error fails that object only, as s3cmd reports it: a source that does not exist is
    'Key not found' (exit 12 when all fail), any other 'Copy failed for' (exit 1 when all fail)."""
    try:
        yield
    except S3Error as failed:
        if failed.is_missing_key:
            log.warning(f"Key not found {src}")
            score.failure(ExitCodes.EX_NOTFOUND)
        else:
            log.error(f"Copy failed for: '{src}' ({failed.message})")
            score.failure(ExitCodes.EX_GENERAL)


def cp(ctx: Context, args: list[str]) -> int:
    return _copy(ctx, args, verb="remote copy", remove_source=False)


def mv(ctx: Context, args: list[str]) -> int:
    return _copy(ctx, args, verb="move", remove_source=True)


_KEPT = ("Content-Type", "Cache-Control", "Content-Disposition", "Content-Encoding", "Content-Language", "Expires")


def modify(ctx: Context, args: list[str]) -> int:
    require_args(args, 1, "s3cmd modify s3://BUCKET1/OBJECT")
    removed = {name.lower() for name in ctx.settings.remove_headers}
    targets = []
    for arg in args:
        uri = s3uri.parse_bucket(arg)
        if ctx.settings.recursive:
            targets.extend(uri.join(e.key) for e in remote_objects(ctx, uri))
        else:
            if not uri.key:
                raise ParameterError(f"Expecting S3 URI with a filename or --recursive: {uri}")
            targets += [uri.join(e.key) for e, _ in wildcard_objects(ctx, uri)] if has_wildcards(uri) else [uri]
    score = ExitScoreboard()
    for index, uri in enumerate(targets, start=1):
        with _reported(uri, score):
            _modify_one(ctx, uri, removed, f"modify: '{uri}'  [{index} of {len(targets)}]")
            score.success()
        if score.failed and ctx.settings.stop_on_error:
            break
    return score.rc()


def _size_of(head: Mapping[str, str]) -> int:
    """The object's size from its HEAD answer; none usable (a broken server): 0, so one CopyObject is
    asked for and the server decides (it refuses one above 5 GiB, saying so)."""
    return header_size(head, "Content-Length") or 0


def _metadata_for_parts(head: Mapping[str, str], headers: Mapping[str, str]) -> dict[str, str]:
    """The source's metadata and ours; its ETag's MD5 goes into s3cmd-attrs when they state none, so that
    the copy (whose ETag is ``…-N``) can still be verified when it is downloaded or synced."""
    metadata = {**_kept_headers(head), **headers}
    md5 = body_md5(head)
    if md5:
        name = next((name for name in metadata if name.lower() == attrs.HEADER), attrs.HEADER)
        metadata[name] = attrs.with_md5(metadata.get(name, ""), md5)
    return metadata


def _kept_headers(head: Mapping[str, str]) -> dict[str, str]:
    """The source's metadata that a copy with new headers (modify, a copy in parts) carries over."""
    headers = {name: head[name] for name in _KEPT if name in head}
    headers.update({k: v for k, v in head.items() if k.lower().startswith("x-amz-meta-")})
    if "x-amz-storage-class" in head:
        headers["x-amz-storage-class"] = head["x-amz-storage-class"]
    return headers


def _modify_one(ctx: Context, uri: s3uri.S3Uri, removed: set[str], line: str) -> None:
    client = ctx.client()
    head = _source_head(client, uri)
    headers = _kept_headers(head)
    headers.update(object_headers(ctx.settings))
    if ctx.settings.mime_type:
        headers["Content-Type"] = ctx.settings.mime_type
    headers = {k: v for k, v in headers.items() if k.lower() not in removed}
    if not ctx.settings.dry_run:
        # s3cmd copies in parts only where CopyObject cannot (over 5 GiB), in parts of multipart_copy_chunk_size_mb
        chunk = ctx.settings.multipart_copy_chunk_size_mb * MIB
        copy_object_any_size(client, CopyPlan(
            src_bucket=uri.bucket, src_key=uri.key, bucket=uri.bucket, key=uri.key,
            size=_size_of(head), headers=headers, replace_metadata=True,
            threshold=MAX_SINGLE_COPY, part_size=chunk, workers=max(1, ctx.settings.parallel_transfers)))
    ctx.out(line)
