"""get: objects to files (atomically), directory trees (-r), or stdout (``-``)."""

from __future__ import annotations

import os
import time

from S3 import ExitCodes
from S3.cli.commands.common import relative_key, remote_objects, require_args
from S3.cli.context import Context
from S3.cli.progress import Meter
from S3.errors import LocalFileError, ParameterError
from S3.output import formats, log
from S3.s3 import uri as s3uri
from S3.s3.errors import S3Error
from S3.transfer.chunking import part_size
from S3.transfer.download import Fetch, download_to_file, download_to_stream


def get(ctx: Context, args: list[str]) -> int:
    require_args(args, 1, "s3cmd get s3://BUCKET/OBJECT LOCAL_FILE")
    cfg = ctx.config
    if len(args) > 1 and not s3uri.is_s3_uri(args[-1]):
        sources, destination = args[:-1], args[-1]
    else:
        sources, destination = args, ""
    uris = [s3uri.parse_bucket(s) for s in sources]
    if destination == "-":
        for uri in uris:
            _to_stdout(ctx, uri)
        return ExitCodes.EX_OK
    jobs: list[tuple[s3uri.S3Uri, str]] = []
    for uri in uris:
        if cfg.recursive:
            entries = list(remote_objects(ctx, uri))
            for entry in entries:
                jobs.append((uri.join(entry.key), relative_key(uri.key, entry.key)))
            if not entries:
                raise ParameterError(f"Source object '{uri}' does not exist.")
        else:
            if not uri.key or uri.key.endswith("/"):
                raise ParameterError(f"Expecting S3 URI with a filename or --recursive: {uri}")
            jobs.append((uri, os.path.basename(uri.key)))
    many = len(jobs) > 1 or cfg.recursive
    if len(jobs) > 1 and destination and not destination.endswith("/") and not os.path.isdir(destination):
        raise ParameterError("Destination must be a directory or stdout when downloading multiple sources.")
    log.info(f"Summary: {len(jobs)} remote files to download")
    failed = 0
    for number, (uri, relative) in enumerate(jobs, start=1):
        dest = _destination(destination, relative, many=many)
        try:
            _get_one(ctx, uri, dest, counter=f"[{number} of {len(jobs)}]")
        except LocalFileError as problem:
            if cfg.stop_on_error or len(jobs) == 1:
                raise
            log.error(str(problem))
            failed += 1
    if cfg.dry_run:
        log.warning("Exiting now because of --dry-run")
    return ExitCodes.EX_PARTIAL if failed else ExitCodes.EX_OK


def _destination(destination: str, relative: str, *, many: bool) -> str:
    if not destination:
        return relative if many else os.path.basename(relative)
    if destination.endswith("/") or os.path.isdir(destination) or many:
        return os.path.join(destination, relative)
    return destination


def _get_one(ctx: Context, uri: s3uri.S3Uri, dest: str, *, counter: str = "[1 of 1]") -> None:
    cfg = ctx.config
    resume = False
    if os.path.exists(dest):
        if cfg.skip_existing:
            log.info(f"Skipping over existing file: '{dest}'")
            return
        if cfg.get_continue:
            resume = True
        elif not cfg.force:
            raise ParameterError(
                f"File '{dest}' already exists. Use either of --force / --continue / --skip-existing "
                "or give it a new name."
            )
    if cfg.dry_run:
        ctx.out(f"download: '{uri}' -> '{dest}'")
        return
    parent = os.path.dirname(dest)
    try:
        if parent:
            os.makedirs(parent, exist_ok=True)
    except OSError as bad:
        raise LocalFileError(f"Cannot create directory '{parent}': {bad.strerror}") from None
    log.info(f"Receiving file '{dest}', please wait...")
    meter = Meter.start(ctx, f"download: '{uri}' -> '{dest}'  {counter}", None)
    started = time.monotonic()
    try:
        received = download_to_file(ctx.client(), uri.bucket, uri.key, dest, resume=resume,
                                    fetch=_fetch(ctx, meter.update, on_total=meter.set_total))
    except S3Error as failed:
        if failed.status == 404 and failed.code in ("NoSuchKey", ""):
            raise ParameterError(f"Source object '{uri}' does not exist.") from None
        if failed.status == 416 and resume:
            log.info(f"'{dest}' is already complete")
            return
        raise
    except OSError as bad:
        raise LocalFileError(f"Cannot write '{dest}': {bad.strerror}; nothing was written") from None
    meter.finish()
    if not meter.active:
        ctx.out(formats.transfer_line("download", str(uri), dest, size=received, seconds=time.monotonic() - started))


def _fetch(ctx: Context, progress, on_total=None) -> Fetch:  # type: ignore[no-untyped-def]
    cfg = ctx.config
    return Fetch(
        part_size=part_size(int(cfg.multipart_chunk_size_mb), None),
        workers=max(1, int(cfg.parallel_transfers)),
        limiter=ctx.limiter(),
        progress=progress,
        on_total=on_total,
    )


def _to_stdout(ctx: Context, uri: s3uri.S3Uri) -> None:
    try:
        download_to_stream(ctx.client(), uri.bucket, uri.key, ctx.stdout_bytes, fetch=_fetch(ctx, None))
    except S3Error as failed:
        if failed.status == 404 and failed.code in ("NoSuchKey", ""):
            raise ParameterError(f"Source object '{uri}' does not exist.") from None
        raise
