"""put: files, directory trees (-r) and stdin (``-``) into S3."""

from __future__ import annotations

import dataclasses
import os
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass

from S3 import ExitCodes
from S3.cli.commands.common import require_args
from S3.cli.commands.localfiles import files_from_names, filters_from, notice_reporter, only_listed
from S3.cli.context import Context
from S3.cli.headers import guess_mime, object_headers
from S3.cli.progress import progress_meter_on, upload_meter
from S3.errors import LocalFileError, ParameterError
from S3.output import formats, log
from S3.s3 import attrs
from S3.s3 import uri as s3uri
from S3.s3.errors import S3Error
from S3.sync.entries import LocalEntry
from S3.sync.local import LocalTree, local_entries, source_root
from S3.sync.md5cache import Md5Cache, file_md5
from S3.transfer import gpg
from S3.transfer.affinity import is_light
from S3.transfer.chunking import part_size
from S3.transfer.parallel import run_in_order
from S3.transfer.upload import LocalRead, UploadPlan, read_local, upload_file, upload_stream


def put(ctx: Context, args: list[str]) -> int:
    require_args(args, 2, "s3cmd put FILE [FILE...] s3://BUCKET[/PREFIX]")
    dest = s3uri.parse_bucket(args[-1], not_s3=s3uri.NOT_S3_UPLOAD_DESTINATION)
    sources = args[:-1]
    settings = ctx.settings
    if sources == ["-"]:
        return _put_stdin(ctx, dest)
    failed = 0

    def fail(_code: int) -> None:
        nonlocal failed
        failed += 1

    existing = []
    for source in sources:
        if not os.path.exists(source):
            log.error(f"File '{source}' does not exist: skipped")
            failed += 1
        elif os.path.isdir(source) and not settings.recursive:
            raise ParameterError(f"Use --recursive to upload a directory: {source}")
        else:
            existing.append(source)
    # the sync walk: key order, directory excludes, symlink and name checks shared with sync
    filters = filters_from(settings)
    found = local_entries(existing, filters=filters, follow_symlinks=settings.follow_symlinks,
                          on_notice=notice_reporter(ctx, fail)) if existing else iter(())
    allowed = files_from_names(ctx)
    if allowed is not None:  # as sync: only the files the lists name, relative to their source directory
        found = only_listed(found, allowed, [LocalTree(*source_root(s), filters) for s in existing if os.path.isdir(s)])
    files = [entry for entry in found if isinstance(entry, LocalEntry)]
    if not files:
        raise ParameterError("Nothing to upload.")
    several = len(sources) > 1 or any(os.path.isdir(source) for source in sources)
    if several and dest.key and not dest.key.endswith("/"):
        raise ParameterError(
            "Destination S3 URI must end with '/' (ie must refer to a directory on the remote side)."
        )
    # past that check, a key without '/' can only name the one file being sent
    single_target = bool(dest.key) and not dest.key.endswith("/")
    shared = object_headers(settings)
    jobs = [
        _Job(index, item.path, dest.join(dest.key if single_target else _join(dest.key, item.key)), len(files), item)
        for index, item in enumerate(files, start=1)
    ]
    log.info(f"Summary: {len(jobs)} local files to upload")
    if settings.dry_run:
        for job in jobs:
            ctx.out(f"upload: '{formats.shown(job.path)}' -> '{job.target}'")
        log.warning("Exiting now because of --dry-run")
        return ExitCodes.EX_OK
    threshold = part_size(settings.multipart_chunk_size_mb, None)

    def large(job: _Job) -> bool:  # the size the walk saw: only the scheduling depends on it
        return job.entry.size > threshold or settings.progress_meter

    # --cache-file: as s3cmd, the stored md5 comes from the cache, which this run then rewrites
    cache = Md5Cache.load(settings.cache_file, warn=log.warning) if settings.cache_file else None
    for _job, result in run_in_order(jobs, lambda job: _put_job(ctx, job, shared, cache),
                                    workers=settings.parallel_transfers, inline=large,
                                    light=lambda job: is_light(job.entry.size)):
        if isinstance(result, Exception):
            if not isinstance(result, LocalFileError) or settings.stop_on_error:
                raise result
            log.error(str(result))
            failed += 1
        elif result:
            ctx.out(result)
    if cache is not None:
        cache.save()
    return ExitCodes.EX_PARTIAL if failed else ExitCodes.EX_OK


@dataclass(frozen=True)
class _Job:
    index: int
    path: str
    target: s3uri.S3Uri
    total: int
    entry: LocalEntry


def _put_job(ctx: Context, job: _Job, shared: dict[str, str], cache: Md5Cache | None) -> str:
    """Upload one file; returns the line to print (empty when skipped or shown by the meter)."""
    if ctx.settings.skip_existing and _exists(ctx, job.target):
        log.info(f"Skipping over existing object: {job.target}")
        return ""
    known = (lambda: cache.md5_of(job.entry) or "") if cache is not None else None
    learned = (lambda md5, st: cache.learn(job.entry, md5, st)) if cache is not None else None
    return _put_file(ctx, job.path, job.target, shared, f"[{job.index} of {job.total}]", known_md5=known,
                     learned=learned)


def _exists(ctx: Context, target: s3uri.S3Uri) -> bool:
    try:
        ctx.client().head_object(target.bucket, target.key)
    except S3Error as failed:
        if failed.is_missing_key:
            return False
        raise
    return True


def _join(prefix: str, relative: str) -> str:
    if prefix and not prefix.endswith("/"):
        prefix += "/"
    return prefix + relative


def _put_file(ctx: Context, path: str, target: s3uri.S3Uri, shared: dict[str, str], counter: str, *,  # noqa: PLR0913
              known_md5: Callable[[], str] | None = None,
              learned: Callable[[str, os.stat_result], None] | None = None) -> str:
    """``known_md5``: where the plaintext's MD5 comes from when not hashed alongside the upload;
    ``learned``: told the MD5 of a file read whole (for the --cache-file)."""
    settings = ctx.settings
    # a file sent in one PUT is read once: stat, MIME head, body and MD5 (an encrypted one is sent from its copy)
    single_put = settings.multipart_chunk_size_mb * 1024 * 1024 if settings.enable_multipart else sys.maxsize
    try:
        local = read_local(path, whole_up_to=-1 if settings.encrypt else single_put)
        headers = dict(shared)
        headers.setdefault("Content-Type", guess_mime(settings, path, local.head))
    except OSError as bad:
        raise LocalFileError(f"Cannot read '{path}': {bad.strerror}; nothing uploaded for it") from None
    st = local.stat
    log.info(f"Sending file '{path}', please wait...")
    if not settings.encrypt:
        if learned is not None and local.body is not None:
            learned(local.md5, local.stat)
        return _send(ctx, path, path, target, headers, st, counter, known_md5=known_md5, local=local)
    headers[gpg.ENCRYPTED_HEADER] = gpg.ENCRYPTED_VALUE
    with gpg.encrypt_to_temp(path, settings=gpg.GpgSettings.from_settings(settings)) as encrypted:
        return _send(ctx, path, os.fspath(encrypted), target, headers, st, counter,
                     known_md5=known_md5 or (lambda: _md5_of(path)))


def _send(ctx: Context, path: str, source: str, target: s3uri.S3Uri, headers: dict[str, str],  # noqa: PLR0913
          st: os.stat_result, counter: str, *, known_md5: Callable[[], str] | None, local: LocalRead | None = None,
          ) -> str:
    """Upload ``source`` (``path`` itself, or its encrypted copy) under the name ``path`` in the output;
    ``local``: what ``read_local`` read of ``path`` (then ``source``) already."""
    settings = ctx.settings
    if local is not None:
        size = local.stat.st_size
    else:
        try:
            size = os.path.getsize(source)
        except OSError as bad:
            raise LocalFileError(f"Cannot read '{path}': {bad.strerror}; nothing uploaded for it") from None
    plan = _plan(ctx, target, headers, size)
    keep = settings.preserve_attrs  # without it, as s3cmd, the attrs still carry the md5 (and only it)

    def with_attrs(md5: str) -> dict[str, str]:
        value = attrs.encode(st, md5, preserve=keep)
        return {**headers, attrs.HEADER: value} if value else headers

    if not settings.check_md5:  # as s3cmd: --no-check-md5 stores no md5
        plan = dataclasses.replace(plan, headers=with_attrs(""))
    elif local is not None and local.body is not None:
        # the MD5 of the very bytes sent (upstream takes a --cache-file entry even when it is stale)
        plan = dataclasses.replace(plan, headers=with_attrs(local.md5))
    elif known_md5 is not None:
        # the attrs carry the plaintext's MD5 (of an encrypted upload too), from the cache if any
        plan = dataclasses.replace(plan, headers=with_attrs(known_md5()))
    else:  # the MD5 is taken by upload_file, alongside the parts' hashing
        plan = dataclasses.replace(plan, with_md5=lambda md5: {attrs.HEADER: attrs.encode(st, md5, preserve=keep)})
    plan, meter = upload_meter(ctx, plan, label=f"upload: '{path}' -> '{target}'", counter=counter, size=size)
    started = time.monotonic()
    try:
        sent = upload_file(ctx.client(), source, plan, progress=meter.update if meter else None, local=local)
    except OSError as bad:
        raise LocalFileError(f"Cannot read '{path}': {bad.strerror}; nothing uploaded for it") from None
    if meter is not None:
        meter.finish()
    lines = [] if progress_meter_on(ctx) else [formats.transfer_line(
        "upload", path, str(target), size=sent, seconds=time.monotonic() - started, counter=counter)]
    if settings.acl_public:
        lines.append(_public_url_line(ctx, target))
    return "\n".join(lines)


def _md5_of(path: str) -> str:
    try:
        return file_md5(path)
    except OSError as bad:
        raise LocalFileError(f"Cannot read '{path}': {bad.strerror}; nothing uploaded for it") from None


def _plan(ctx: Context, target: s3uri.S3Uri, headers: dict[str, str], size: int | None) -> UploadPlan:
    settings = ctx.settings
    return UploadPlan(
        bucket=target.bucket,
        key=target.key,
        headers=headers,
        part_size=part_size(settings.multipart_chunk_size_mb, size, max_parts=settings.multipart_max_chunks),
        workers=max(1, settings.parallel_transfers),
        multipart=settings.enable_multipart,
        limiter=ctx.limiter(),
        resume=ctx.settings.put_continue,
        upload_id=ctx.settings.upload_id,
    )


def _put_stdin(ctx: Context, dest: s3uri.S3Uri) -> int:
    if ctx.settings.encrypt:  # never send in clear what was asked to be encrypted
        raise ParameterError("Encryption (-e) of stdin ('-') is not supported: write it to a file and put "
                             "that, or use --no-encrypt")
    if not dest.key or dest.key.endswith("/"):
        raise ParameterError("Expecting S3 URI with a full object name when uploading from stdin ('-')")
    headers = object_headers(ctx.settings)
    headers.setdefault("Content-Type", guess_mime(ctx.settings, None))
    plan = _plan(ctx, dest, headers, None)
    started = time.monotonic()
    sent = upload_stream(ctx.client(), ctx.stdin, plan)
    ctx.out(formats.transfer_line("upload", "<stdin>", str(dest), size=sent,
                                  seconds=time.monotonic() - started, counter="[1 of 1]"))
    if ctx.settings.acl_public:
        ctx.out(_public_url_line(ctx, dest))
    return ExitCodes.EX_OK


def _public_url_line(ctx: Context, target: s3uri.S3Uri) -> str:
    """What s3cmd prints after each upload with -P."""
    url = ctx.client().endpoint.public_url(target.bucket, target.key, https=ctx.settings.public_url_use_https)
    return f"Public URL of the object is: {url}"
