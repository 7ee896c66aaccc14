"""put: files, directory trees (-r) and stdin (``-``) into S3."""

from __future__ import annotations

import dataclasses
import hashlib
import os
import time
from dataclasses import dataclass

from S3 import ExitCodes
from S3.cli.commands.common import require_args
from S3.cli.context import Context
from S3.cli.filelist import LocalFile, build_filter, expand
from S3.cli.headers import guess_mime, object_headers
from S3.cli.progress import Meter, PartBlocks, progress_meter_on
from S3.errors import LocalFileError, ParameterError
from S3.output import formats, log
from S3.s3 import attrs
from S3.s3 import uri as s3uri
from S3.s3.errors import S3Error
from S3.transfer.chunking import part_size
from S3.transfer.parallel import run_in_order
from S3.transfer.upload import UploadPlan, upload_file, upload_stream


def put(ctx: Context, args: list[str]) -> int:
    require_args(args, 2, "s3cmd put FILE [FILE...] s3://BUCKET[/PREFIX]")
    dest = s3uri.parse_bucket(args[-1])
    sources = args[:-1]
    cfg = ctx.config
    if sources == ["-"]:
        return _put_stdin(ctx, dest)
    found = list(expand(sources, recursive=bool(cfg.recursive), follow_symlinks=bool(cfg.follow_symlinks),
                        keep=build_filter(ctx.options)))
    missing = [item for item in found if isinstance(item, str)]
    files = [item for item in found if isinstance(item, LocalFile)]
    for source in missing:
        log.error(f"File '{source}' does not exist: skipped")
    if not files:
        raise ParameterError("Nothing to upload.")
    several = len(sources) > 1 or any(os.path.isdir(source) for source in sources)
    if several and dest.key and not dest.key.endswith("/"):
        raise ParameterError(
            "Destination S3 URI must end with '/' (ie must refer to a directory on the remote side)."
        )
    # past that check, a key without '/' can only name the one file being sent
    single_target = bool(dest.key) and not dest.key.endswith("/")
    shared = object_headers(cfg, ctx.options)
    jobs = [
        _Job(index, item, dest.join(dest.key if single_target else _join(dest.key, item.relative)), len(files))
        for index, item in enumerate(files, start=1)
    ]
    log.info(f"Summary: {len(jobs)} local files to upload")
    if cfg.dry_run:
        for job in jobs:
            ctx.out(f"upload: '{job.item.path}' -> '{job.target}'")
        log.warning("Exiting now because of --dry-run")
        return ExitCodes.EX_OK
    threshold = part_size(int(cfg.multipart_chunk_size_mb), None)
    failed = len(missing)

    def large(job: _Job) -> bool:
        try:
            return os.path.getsize(job.item.path) > threshold or bool(cfg.progress_meter)
        except OSError:
            return False

    for _job, result in run_in_order(jobs, lambda job: _put_job(ctx, job, shared), workers=int(cfg.parallel_transfers),
                                    inline=large):
        if isinstance(result, Exception):
            if not isinstance(result, LocalFileError) or cfg.stop_on_error:
                raise result
            log.error(str(result))
            failed += 1
        elif result:
            ctx.out(result)
    return ExitCodes.EX_PARTIAL if failed else ExitCodes.EX_OK


@dataclass(frozen=True)
class _Job:
    index: int
    item: LocalFile
    target: s3uri.S3Uri
    total: int


def _put_job(ctx: Context, job: _Job, shared: dict[str, str]) -> str:
    """Upload one file; returns the line to print (empty when skipped or shown by the meter)."""
    if ctx.config.skip_existing and _exists(ctx, job.target):
        log.info(f"Skipping over existing object: {job.target}")
        return ""
    return _put_file(ctx, job.item.path, job.target, shared, f"[{job.index} of {job.total}]")


def _exists(ctx: Context, target: s3uri.S3Uri) -> bool:
    try:
        ctx.client().head_object(target.bucket, target.key)
    except S3Error as failed:
        if failed.status == 404:
            return False
        raise
    return True


def _join(prefix: str, relative: str) -> str:
    if prefix and not prefix.endswith("/"):
        prefix += "/"
    return prefix + relative


def _file_md5(path: str) -> str:
    digest = hashlib.md5()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _put_file(ctx: Context, path: str, target: s3uri.S3Uri, shared: dict[str, str], counter: str) -> str:
    cfg = ctx.config
    try:
        st = os.stat(path)
        with open(path, "rb") as handle:
            head = handle.read(2048)
        headers = dict(shared)
        headers.setdefault("Content-Type", guess_mime(cfg, path, head))
        if cfg.preserve_attrs:
            headers[attrs.HEADER] = attrs.encode(st, _file_md5(path))
    except OSError as bad:
        raise LocalFileError(f"Cannot read '{path}': {bad.strerror}; nothing uploaded for it") from None
    log.info(f"Sending file '{path}', please wait...")
    plan = _plan(ctx, target, headers, st.st_size)
    label = f"upload: '{path}' -> '{target}'"
    meter: Meter | None = None
    if plan.multipart and st.st_size > plan.part_size:
        if progress_meter_on(ctx):  # s3cmd shows one block per part
            count = -(-st.st_size // plan.part_size)
            blocks = PartBlocks(ctx, label, count=count, counter=counter)
            plan = dataclasses.replace(plan, on_part=blocks.part_done)
    else:
        meter = Meter.start(ctx, f"{label}  {counter}", st.st_size)
    started = time.monotonic()
    try:
        sent = upload_file(ctx.client(), path, plan, progress=meter.update if meter else None)
    except OSError as bad:
        raise LocalFileError(f"Cannot read '{path}': {bad.strerror}; nothing uploaded for it") from None
    if meter is not None:
        meter.finish()
    if progress_meter_on(ctx):
        return ""
    return formats.transfer_line("upload", path, str(target), size=sent, seconds=time.monotonic() - started,
                                 counter=counter)


def _plan(ctx: Context, target: s3uri.S3Uri, headers: dict[str, str], size: int | None) -> UploadPlan:
    cfg = ctx.config
    return UploadPlan(
        bucket=target.bucket,
        key=target.key,
        headers=headers,
        part_size=part_size(int(cfg.multipart_chunk_size_mb), size, max_parts=int(cfg.multipart_max_chunks)),
        workers=max(1, int(cfg.parallel_transfers)),
        multipart=bool(cfg.enable_multipart),
        limiter=ctx.limiter(),
        resume=ctx.settings.put_continue,
        upload_id=ctx.settings.upload_id,
    )


def _put_stdin(ctx: Context, dest: s3uri.S3Uri) -> int:
    if not dest.key or dest.key.endswith("/"):
        raise ParameterError("Expecting S3 URI with a full object name when uploading from stdin ('-')")
    headers = object_headers(ctx.config, ctx.options)
    headers.setdefault("Content-Type", guess_mime(ctx.config, None))
    plan = _plan(ctx, dest, headers, None)
    started = time.monotonic()
    sent = upload_stream(ctx.client(), ctx.stdin, plan)
    ctx.out(formats.transfer_line("upload", "<stdin>", str(dest), size=sent,
                                  seconds=time.monotonic() - started, counter="[1 of 1]"))
    return ExitCodes.EX_OK
