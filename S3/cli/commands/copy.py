"""cp, mv and modify: server-side copies (modify copies an object onto itself with new metadata).

What a copy asks for follows s3cmd's ``object_copy``: ``--storage-class``, ``-P`` and encryption
go along with the COPY directive (S3 applies them to a copy as it is); ``--add-header``,
``--mime-type`` (and ``--remove-header``) need the REPLACE directive, which keeps nothing of the
source, so the source's metadata is read first and sent back with them on top. An object copied
onto itself is always replaced (S3 refuses a COPY onto itself), and never deleted by ``mv``.
"""

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
from S3.settings.model import Settings
from S3.transfer.copy import MAX_SINGLE_COPY, CopyPlan, copy_object_any_size
from S3.transport.headers import as_headers, header_size

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


@dataclass(frozen=True)
class CopyOptions:
    """What every copy of a run asks for, from the settings."""

    headers: Mapping[str, str]  # ACL, storage class, encryption, --add-header, --mime-type's Content-Type
    replace: bool  # new metadata asked for: REPLACE, on top of the source's own
    removed: frozenset[str]  # --remove-header, lower case: left out of the source's metadata

    @property
    def changes_anything(self) -> bool:
        """Whether a copy onto the source itself would change it (else S3 refuses it)."""
        return self.replace or bool(self.headers)


def copy_options(settings: Settings) -> CopyOptions:
    """s3cmd replaces the metadata when ``add_headers``/``--add-header`` or ``--mime-type`` is given;
    ``--remove-header`` does too here (s3cmd ignores it on a copy in one request, silently)."""
    headers = object_headers(settings)
    if settings.mime_type:
        headers = _merged(headers, {"Content-Type": settings.mime_type})
    removed = frozenset(name.lower() for name in settings.remove_headers)
    return CopyOptions(headers=headers, replace=bool(settings.extra_headers or settings.mime_type or removed),
                       removed=removed)


def _same_object(src: s3uri.S3Uri, dst: s3uri.S3Uri) -> bool:
    return (src.bucket, src.key) == (dst.bucket, dst.key)


def _targets(ctx: Context, sources: dict[str, _Source], dest: s3uri.S3Uri) -> list[tuple[_Source, s3uri.S3Uri]]:
    directory = not dest.key or dest.key.endswith("/")
    if not directory and (len(sources) > 1 or ctx.settings.recursive):
        raise ParameterError("Destination must be a directory and end with '/' when acting on a folder content "
                             "or on multiple sources.")
    return [(source, dest.join(dest.key + name if directory else dest.key)) for name, source in sources.items()]


def _copy(ctx: Context, args: list[str], *, verb: str, remove_source: bool) -> int:
    require_args(args, 2, f"s3cmd {'mv' if remove_source else 'cp'} s3://BUCKET1/OBJECT1 s3://BUCKET2[/OBJECT2]")
    dest = s3uri.parse_bucket(args[-1], not_s3=s3uri.NOT_S3_COPY_DESTINATION)
    pairs = _targets(ctx, _sources(ctx, args[:-1]), dest)
    log.info(f"Summary: {len(pairs)} remote files to {'move' if remove_source else 'copy'}")
    if not pairs:
        raise S3cmdError(f"Nothing to {'move' if remove_source else 'copy'}: no object matches {', '.join(args[:-1])}")
    if remove_source:
        # s3cmd copies such an object onto itself and then deletes it: its only copy is lost
        itself = next((source.uri for source, dst in pairs if _same_object(source.uri, dst)), None)
        if itself is not None:
            raise ParameterError(f"Cannot move '{itself}' onto itself: that would delete it. "
                                 "To change its metadata in place use cp or modify.")
    if ctx.settings.dry_run:  # s3cmd's dry-run verbs: "copy" and "move", without a count
        action = "move" if remove_source else "copy"
        return dry_run_listing(ctx, (f"{action}: '{source.uri}' -> '{dst}'" for source, dst in pairs))
    options = copy_options(ctx.settings)
    client = ctx.client()
    score = ExitScoreboard()
    for index, (source, dst) in enumerate(pairs, start=1):
        src = source.uri
        line = f"{verb}: '{src}' -> '{dst}'  [{index} of {len(pairs)}]"
        if _same_object(src, dst) and not options.changes_anything:
            # S3 refuses it (400 InvalidRequest); saying what would make it legal helps more
            log.error(f"Copy failed for: '{src}' (it is its own destination and no option changes it: "
                      "give --mime-type, --add-header, --storage-class… to change it in place)")
            score.failure(ExitCodes.EX_GENERAL)
        else:
            with _reported(src, score):
                server_side_copy(ctx, src, dst, size=source.size, options=options)
                if remove_source:
                    client.delete_object(src.bucket, src.key)
                ctx.out(line)
                score.success()
        if score.failed and ctx.settings.stop_on_error:
            break
    return score.rc()


def server_side_copy(
    ctx: Context, src: s3uri.S3Uri, dst: s3uri.S3Uri, *, size: int | None, options: CopyOptions
) -> None:
    """One CopyObject, or a copy in parts above ``multipart_copy_chunk_size_mb`` (s3cmd's threshold;
    CopyObject refuses sources over 5 GiB). ``size`` None: asked with HEAD. Used by cp, mv and sync.

    Both ways give the new object the same metadata: the source's (S3 copies it with COPY; with
    REPLACE or in parts, which copy none, it is read with HEAD and sent) with ``options`` on top."""
    client, settings = ctx.client(), ctx.settings
    itself = _same_object(src, dst)
    replace = options.replace or itself  # S3 takes a copy onto itself with REPLACE only
    head: Mapping[str, str] | None = None
    if replace or (size is None and settings.enable_multipart):
        head = _source_head(client, src)
        size = _size_of(head)
    chunk = settings.multipart_copy_chunk_size_mb * MIB
    # onto itself, as modify: in parts only where CopyObject cannot, so that the ETag stays the MD5
    threshold = chunk if settings.enable_multipart and not itself else MAX_SINGLE_COPY
    plan = CopyPlan(src_bucket=src.bucket, src_key=src.key, bucket=dst.bucket, key=dst.key, size=size or 0,
                    headers=options.headers, replace_metadata=replace, threshold=threshold, part_size=chunk,
                    workers=max(1, settings.parallel_transfers))
    if replace or plan.in_parts:
        head = head if head is not None else _source_head(client, src)
        # a copy in place keeps its storage class (as modify); a copy elsewhere gets the one asked
        # for, or S3's default, as a single CopyObject does
        metadata = _new_metadata(head, options, storage_class=itself, in_parts=plan.in_parts)
        plan = dataclasses.replace(plan, headers=metadata if replace else options.headers, metadata=metadata)
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


_KEPT = ("Content-Type", "Cache-Control", "Content-Disposition", "Content-Encoding", "Content-Language", "Expires",
         "x-amz-website-redirect-location")


def modify(ctx: Context, args: list[str]) -> int:
    require_args(args, 1, "s3cmd modify s3://BUCKET1/OBJECT")
    removed = {name.lower() for name in ctx.settings.remove_headers}
    targets = []
    for arg in args:
        uri = s3uri.parse_bucket(arg)
        if ctx.settings.recursive:
            targets.extend(uri.join(e.key) for e in remote_objects(ctx, uri))
        else:
            if not uri.key or uri.key.endswith("/"):
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


def _merged(*layers: Mapping[str, str]) -> dict[str, str]:
    """Later layers win, names compared without case (Content-Type from HEAD, content-type from
    --add-header): a request must not carry one header twice."""
    merged: dict[str, tuple[str, str]] = {}
    for layer in layers:
        merged.update({name.lower(): (name, value) for name, value in layer.items()})
    return dict(merged.values())


def _new_metadata(
    head: Mapping[str, str], options: CopyOptions, *, storage_class: bool, in_parts: bool
) -> dict[str, str]:
    """The source's metadata (less ``--remove-header``) and ``options`` on top. The MD5 the source
    is known by (its s3cmd-attrs, else its ETag) goes into s3cmd-attrs wherever the copy's ETag will
    not state it (in parts: ``…-N``), so that the copy can still be verified when downloaded or synced."""
    kept = {name: value for name, value in _kept_headers(head, storage_class=storage_class).items()
            if name.lower() not in options.removed}
    metadata = _merged(kept, options.headers)
    found = as_headers(head)
    etag_md5 = body_md5(found)
    md5 = attrs.decode(found.get(attrs.HEADER, "")).md5 or etag_md5
    if md5 and (in_parts or etag_md5 is None):
        name = next((name for name in metadata if name.lower() == attrs.HEADER), attrs.HEADER)
        metadata[name] = attrs.with_md5(metadata.get(name, ""), md5)
    return metadata


def _kept_headers(head: Mapping[str, str], *, storage_class: bool) -> dict[str, str]:
    """The source's metadata that a copy with new headers (modify, REPLACE, a copy in parts) carries
    over; its storage class only where asked (a copy in place)."""
    found = as_headers(head)
    headers = {name: found[name] for name in _KEPT if name in found}
    headers.update({k: v for k, v in head.items() if k.lower().startswith("x-amz-meta-")})
    if storage_class and "x-amz-storage-class" in found:
        headers["x-amz-storage-class"] = found["x-amz-storage-class"]
    return headers


def _modify_one(ctx: Context, uri: s3uri.S3Uri, removed: set[str], line: str) -> None:
    client = ctx.client()
    head = _source_head(client, uri)
    # names compared without case, as a copy's (_merged): '--add-header=content-type:…' replaces the
    # object's Content-Type instead of going out beside it
    mime = {"Content-Type": ctx.settings.mime_type} if ctx.settings.mime_type else {}
    headers = _merged(_kept_headers(head, storage_class=True), object_headers(ctx.settings), mime)
    headers = {k: v for k, v in headers.items() if k.lower() not in removed}
    if not ctx.settings.dry_run:
        # s3cmd copies in parts only where CopyObject cannot (over 5 GiB), in parts of multipart_copy_chunk_size_mb
        chunk = ctx.settings.multipart_copy_chunk_size_mb * MIB
        copy_object_any_size(client, CopyPlan(
            src_bucket=uri.bucket, src_key=uri.key, bucket=uri.bucket, key=uri.key,
            size=_size_of(head), headers=headers, replace_metadata=True,
            threshold=MAX_SINGLE_COPY, part_size=chunk, workers=max(1, ctx.settings.parallel_transfers)))
    ctx.out(line)
