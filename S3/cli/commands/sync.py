"""sync: local → S3, S3 → local and S3 → S3, with s3cmd 2.4.0's semantics (see S3/sync/README.md).

Three phases. Planning merges the two key-sorted streams (the local walk, the remote listing page
by page) into actions and spools them to a temporary file, so that the counts s3cmd prints before
transferring (``[i of N]``, the summary) are known while memory stays flat. Then, as s3cmd does,
deletions first (unless ``--delete-after``), the transfers on a bounded pool (``--parallel``), and
the deferred deletions, which are dropped, with a warning, when any transfer failed: a backup must
not lose the old copy of what it could not replace. Reads ``--cache-file`` and the filter files.
"""

from __future__ import annotations

import os
import stat
import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING

from S3 import ExitCodes
from S3.cli.commands.common import relative_key, require_args, root_marker_warning
from S3.cli.commands.localfiles import (
    below_root,
    files_from_names,
    filters_from,
    notice_reporter,
    only_listed,
)
from S3.cli.context import Context
from S3.cli.headers import guess_mime, object_headers
from S3.cli.progress import Meter, progress_meter_on, upload_meter
from S3.errors import LocalFileError, ParameterError, S3cmdError
from S3.output import formats, log
from S3.s3 import attrs
from S3.s3 import uri as s3uri
from S3.sync.ahead import LocalAhead
from S3.sync.entries import Entry, LocalEntry, RemoteEntry, remote_entries
from S3.sync.execute import Executor, Job
from S3.sync.local import (
    Filters,
    LocalTree,
    Unlisted,
    local_entries,
    source_root,
)
from S3.sync.md5cache import Md5Cache
from S3.sync.plan import Delete, DeletesWithheld, Reason, Skip, SyncOptions, Transfer, md5_resolver, plan
from S3.sync.spool import Spool
from S3.transfer.affinity import is_light
from S3.transfer.chunking import part_size
from S3.transfer.localpath import LocalClaims, LocalTarget, Refusal, local_target
from S3.transfer.objects import Result, copy_one, delete_local, delete_remote, download_one, upload_one
from S3.transfer.parallel import read_ahead
from S3.transport.headers import as_headers

if TYPE_CHECKING:
    from S3.output.stats import Stats
    from S3.s3.client import S3Client
    from S3.settings.model import Settings

# What only one direction, or only a transfer, needs (uploads, downloads with gpg, copies, --stats)
# is imported where it is used: a no-op re-sync, which transfers nothing, starts ~10 ms sooner.

PARAMS = ("LOCAL_DIR s3://BUCKET[/PREFIX] or s3://BUCKET[/PREFIX] LOCAL_DIR or "
          "s3://BUCKET[/PREFIX] s3://BUCKET[/PREFIX]")
_MUST_END_IN_SLASH = "Destination S3 URI must end with '/' (ie must refer to a directory on the remote side)."

Stream = Iterable[Entry | Unlisted]


@dataclass
class _Direction:
    """What one direction contributes to the shared run: the two streams and how to act on a key."""

    kind: str  # "upload", "download", "copy"
    source: Stream
    destination: Stream
    md5_of: Callable[[Entry], str | None]
    excluded: Callable[[str], bool]
    transfer: Callable[[Transfer, str], Job | None]  # (action, "[i of N]") → job, None when refused
    delete: Callable[[Delete], Job]
    label: Callable[[Transfer], tuple[str, str]]  # (source, destination) as the output lines name them
    delete_label: Callable[[Delete], str]
    retrieving: tuple[str, ...]  # the URIs whose listings INFO names, in s3cmd's order
    counts: dict[str, int] = field(default_factory=lambda: {"source": 0, "destination": 0, "source_bytes": 0})
    cache: Md5Cache | None = None
    dest_key: Callable[[str], str] = lambda key: key  # an action's key → the full destination key
    tally: _Tally = field(default_factory=lambda: _Tally())


@dataclass
class _Tally:
    """What the run did, for ``--stats`` and ``--cf-invalidate`` (recorded in the main thread)."""

    transferred: list[str] = field(default_factory=list)  # full destination keys, in order
    deleted: int = 0
    deleted_bytes: int = 0


def sync(ctx: Context, args: list[str]) -> int:
    settings = ctx.settings
    require_args(args, 2, f"s3cmd sync {PARAMS}")
    if "-" in args:
        raise ParameterError("Stdin or stdout ('-') can't be used for a source or a destination with the sync command.")
    sources, target = args[:-1], args[-1]
    remote = [s3uri.is_s3_uri(source) for source in sources]
    if any(remote) != all(remote):
        raise ParameterError("Sources must all be local files or all be s3:// URIs.")
    executor = _executor(ctx)
    filters = filters_from(settings)
    if not any(remote) and s3uri.is_s3_uri(target):
        if settings.encrypt:  # upstream refuses it too: sync compares plaintext MD5s with stored ciphertext
            raise ParameterError("S3cmd 'sync' doesn't yet support GPG encryption: use 's3cmd put --recursive', "
                                 "or disable encryption with --no-encrypt")
        if settings.additional_destinations and settings.invalidate_on_cf:
            raise ParameterError("You cannot use both --cf-invalidate and --add-destination.")
        if settings.additional_destinations:
            return _to_each_destination(ctx, sources, [target, *settings.additional_destinations], filters)
        destination = s3uri.parse_bucket(target)
        direction = _local_to_remote(ctx, sources, destination, filters, executor)
        rc = _run(ctx, direction, executor)
        if settings.invalidate_on_cf:  # as s3cmd: only a sync to S3 invalidates, after its transfers
            from S3.cli.commands.cloudfront import invalidate_keys  # CloudFront's modules: ~10 ms to load

            invalidate_keys(ctx, destination, direction.tally.transferred)
        return rc
    elif all(remote) and len(sources) == 1 and not s3uri.is_s3_uri(target):
        direction = _remote_to_local(ctx, s3uri.parse_bucket(sources[0]), target, filters, executor)
    elif all(remote) and len(sources) == 1:
        direction = _remote_to_remote(ctx, s3uri.parse_bucket(sources[0]), s3uri.parse_bucket(target), filters)
    elif not any(remote) and not s3uri.is_s3_uri(target):  # s3cmd's words for local to local
        raise ParameterError("Invalid source/destination: " + " ".join(f"'{arg}'" for arg in args))
    else:
        raise ParameterError(f"Expected: {PARAMS} (one s3:// source when the source is remote)")
    return _run(ctx, direction, executor)


def _executor(ctx: Context) -> Executor:
    return Executor(workers=ctx.settings.parallel_transfers, report=lambda job, result: job.subject(result),
                    stop_on_error=ctx.settings.stop_on_error)


def _to_each_destination(ctx: Context, sources: list[str], targets: list[str], filters: Filters) -> int:
    """``--add-destination``: the same local tree synced to each destination in turn (s3cmd forks a
    process per destination; each one here runs its own parallel transfers). One exit code for all."""
    uris = [s3uri.parse_bucket(target) for target in targets]  # every destination checked before any upload
    score = ExitCodes.ExitScoreboard()
    for destination in uris:
        executor = _executor(ctx)
        rc = _run(ctx, _local_to_remote(ctx, sources, destination, filters, executor), executor)
        if rc == ExitCodes.EX_OK:
            score.success()
        else:
            score.failure(rc)
    return score.rc()


# -- the shared run ----------------------------------------------------------------------------


@dataclass
class _Planned:
    transfers: Spool[Transfer]
    deletes: Spool[Delete]
    deferred: Spool[Delete]
    remote_deletes: int = 0  # s3cmd counts destination-only keys in its summary with or without --delete-removed
    withheld: DeletesWithheld | None = None
    excluded_sources: int = 0  # source entries the filters left out: not "source files found"


def _plan_to_spools(ctx: Context, direction: _Direction, planned: _Planned) -> None:
    settings = ctx.settings
    options = SyncOptions(check_md5=settings.check_md5, skip_existing=settings.skip_existing,
                          delete_removed=settings.delete_removed, delete_after=settings.delete_after,
                          max_delete=settings.max_delete)
    for action in plan(_counted(direction.source, direction.counts, "source"),
                       _counted(direction.destination, direction.counts, "destination"), options,
                       md5_of=direction.md5_of, excluded=direction.excluded):
        if isinstance(action, Transfer):
            planned.transfers.add(action)
        elif isinstance(action, Delete):
            planned.remote_deletes += 1
            (planned.deferred if action.deferred else planned.deletes).add(action)
        elif isinstance(action, DeletesWithheld):
            planned.withheld = action
            planned.remote_deletes += action.count  # s3cmd's summary still counts them
        elif isinstance(action, Skip):
            if action.reason is Reason.EXCLUDED and action.source is not None:
                planned.excluded_sources += 1
            if action.reason is Reason.ONLY_AT_DESTINATION:
                planned.remote_deletes += 1
            elif action.reason is Reason.MD5_UNKNOWN:
                log.info(f"disabled md5 check for {action.key}")


def _counted(stream: Stream, counts: dict[str, int], side: str) -> Iterator[Entry | Unlisted]:
    for item in stream:
        if not isinstance(item, Unlisted):
            counts[side] += 1
            counts[f"{side}_bytes"] = counts.get(f"{side}_bytes", 0) + item.size
        yield item


def _run(ctx: Context, direction: _Direction, executor: Executor) -> int:
    settings = ctx.settings
    _announce_listings(direction)
    with Spool[Transfer]() as transfers, Spool[Delete]() as deletes, Spool[Delete]() as deferred:
        planned = _Planned(transfers, deletes, deferred)
        _plan_to_spools(ctx, direction, planned)
        _summary(ctx, direction, planned)
        if planned.withheld is not None:
            log.warning("delete: maximum requested number of deletes would be exceeded, none performed.")
        _refuse_deletes_without_source(ctx, direction, planned)
        if settings.dry_run:
            _dry_run(ctx, direction, planned)
            log.warning("Exiting now because of --dry-run")
            return ExitCodes.EX_OK
        executor.run(_tallied_deletes(direction, planned.deletes))
        started = time.monotonic()
        failed_before = executor.failures
        executor.run(_numbered(direction, _transfer_order(planned.transfers), planned.transfers.count))
        elapsed = time.monotonic() - started
        if planned.deferred.count:
            if executor.failures > failed_before:
                log.warning(f"{planned.deferred.count} deletions not performed (--delete-after) because "
                            f"{executor.failures - failed_before} transfers failed; run sync again once they succeed.")
            else:
                executor.run(_tallied_deletes(direction, planned.deferred))
        _done(ctx, direction, executor, planned, elapsed)
    if direction.cache is not None:
        direction.cache.save()
    return executor.score.rc()


def _announce_listings(direction: _Direction) -> None:
    """s3cmd's -v lines for the two listings, in its order: a sync up walks the local tree first."""
    local = []
    if direction.cache is not None:
        if direction.cache.empty:
            local.append("Cache file not found or empty, creating/populating it.")
        local.append("Compiling list of local files...")
    remote = [f"Retrieving list of remote files for {uri} ..." for uri in direction.retrieving]
    for line in (local + remote if direction.kind == "upload" else remote + local):
        log.info(line)


def _refuse_deletes_without_source(ctx: Context, direction: _Direction, planned: _Planned) -> None:
    """A source with nothing in it (a mistyped prefix, an unmounted volume) would have --delete-removed
    empty the destination: as s3cmd, no deletion then without --force. Checked before the dry run's
    lines too, so that they show what the real run does."""
    found = direction.counts["source"] - planned.excluded_sources
    if found or ctx.settings.force or not (planned.deletes.count or planned.deferred.count):
        return
    log.warning("delete: cowardly refusing to delete because no source files were found.  Use --force to override.")
    planned.deletes.clear()
    planned.deferred.clear()


def _transfer_order(spool: Spool[Transfer]) -> Iterator[Transfer]:
    """As s3cmd transfers them, and numbers them ``[i of N]``: the new files in key order, then the
    updated ones (which is also all that --delay-updates ever promised)."""
    yield from (action for action in spool if action.reason is Reason.NEW)
    yield from (action for action in spool if action.reason is not Reason.NEW)


def _numbered(direction: _Direction, actions: Iterable[Transfer], total: int) -> Iterator[Job]:
    index = 0
    for action in actions:
        index += 1
        job = direction.transfer(action, f"[{index} of {total}]")
        if job is not None:
            key = direction.dest_key(action.key)
            yield _on_success(job, lambda key=key: direction.tally.transferred.append(key))  # type: ignore[misc]


def _tallied_deletes(direction: _Direction, actions: Iterable[Delete]) -> Iterator[Job]:
    tally = direction.tally

    def counted(size: int) -> None:
        tally.deleted += 1
        tally.deleted_bytes += size

    for action in actions:
        yield _on_success(direction.delete(action), lambda size=action.entry.size: counted(size))  # type: ignore[misc]


def _on_success(job: Job, record: Callable[[], None]) -> Job:
    """``job`` whose report (made in the main thread, in order) also calls ``record`` when it succeeded."""
    report = job.subject

    def subject(result: Result) -> None:
        if result.ok:
            record()
        report(result)

    return replace(job, subject=subject)


def _summary(ctx: Context, direction: _Direction, planned: _Planned) -> None:
    sent, removed = planned.transfers.count, planned.remote_deletes
    counts = direction.counts
    if direction.kind == "copy":
        log.info(f"Found {counts['source']} source files, {counts['destination']} destination files")
    if direction.kind == "upload":
        log.info(f"Found {counts['source']} local files, {counts['destination']} remote files")
    elif direction.kind == "download":
        log.info(f"Found {counts['source']} remote file objects, {counts['destination']} local files and directories")
    log.info("Verifying attributes...")
    if direction.kind == "upload":
        log.info(f"Summary: {sent} local files to upload, 0 files to remote copy, {removed} remote files to delete")
    elif direction.kind == "download":
        log.info(f"Summary: {sent} remote files to download, {removed} local files to delete, "
                 "0 local files to hardlink")
    else:
        ctx.out(f"Summary: {sent} source files to copy, {removed} files at destination to delete")


def _dry_run(ctx: Context, direction: _Direction, planned: _Planned) -> None:
    """The lines in s3cmd's order: a sync up lists its uploads before its deletions, the other
    directions their deletions first."""
    def deletions() -> None:
        for spool in (planned.deletes, planned.deferred):
            for action in spool:
                ctx.out(f"delete: '{formats.shown(direction.delete_label(action))}'")

    if direction.kind != "upload":
        deletions()
    verb = {"upload": "upload", "download": "download", "copy": "remote copy"}[direction.kind]
    for action in _transfer_order(planned.transfers):
        source, target = direction.label(action)
        ctx.out(f"{verb}: '{formats.shown(source)}' -> '{formats.shown(target)}'")
    if direction.kind == "upload":
        deletions()


def _done(ctx: Context, direction: _Direction, executor: Executor, planned: _Planned, seconds: float) -> None:
    seconds = max(seconds, 1.0)  # as s3cmd: a run shorter than a second counts as one
    if direction.kind == "copy":
        count = len(direction.tally.transferred)  # as s3cmd: the copies made, not the ones planned
        line = f"Done. Copied {count} files in {seconds:0.1f} seconds, {count / seconds:0.2f} files/s."
        worked = bool(count)
    else:
        verb = "Uploaded" if direction.kind == "upload" else "Downloaded"
        value, unit = formats.human_size(executor.bytes / seconds, floating=True)
        line = f"Done. {verb} {executor.bytes} bytes in {seconds:0.1f} seconds, {value:0.2f} {unit}B/s."
        worked = bool(executor.bytes)
    if ctx.settings.stats:  # as s3cmd: with --stats the line is printed, totals appended, whatever was done
        ctx.out(line + _stats(direction, executor, planned).text())
    elif worked:
        ctx.out(line)
    else:
        log.info(line)


def _stats(direction: _Direction, executor: Executor, planned: _Planned) -> Stats:
    """s3cmd's totals per direction: an upload counts destination-only keys as deleted (with or
    without --delete-removed), a download the files it removed and their size, a copy its copies."""
    from S3.output.stats import Stats

    tally, counts = direction.tally, direction.counts
    common = {"files": counts["source"], "size": counts["source_bytes"]}
    if direction.kind == "copy":
        return Stats(**common, files_copied=len(tally.transferred), size_copied=executor.bytes,
                     files_deleted=tally.deleted)
    if direction.kind == "upload":
        return Stats(**common, files_transferred=len(tally.transferred), size_transferred=executor.bytes,
                     files_deleted=planned.remote_deletes)
    return Stats(**common, files_transferred=len(tally.transferred), size_transferred=executor.bytes,
                 files_deleted=tally.deleted, size_deleted=tally.deleted_bytes)


def _report(ctx: Context, line: Callable[[Result], str], failure: Callable[[Result], str]) -> Callable[[Result], None]:
    def report(result: Result) -> None:
        if result.ok:
            text = line(result)
            if text:  # "": the progress meter showed it already
                ctx.out(text)
        else:
            log.error(failure(result))

    return report


# -- filters and notices -----------------------------------------------------------------------


def _ancestor_excluded(filters: Filters) -> Callable[[str], bool]:
    """Remote keys are matched like the files of a walk, ancestors' directories included."""
    tree = LocalTree("", "", filters)
    return tree.excludes_key


# -- local → S3 --------------------------------------------------------------------------------


def _local_to_remote(
    ctx: Context, sources: list[str], dest: s3uri.S3Uri, filters: Filters, executor: Executor
) -> _Direction:
    settings = ctx.settings
    for source in sources:
        if not os.path.exists(source):
            raise ParameterError(f"Invalid source: '{source}' is not an existing file or directory")
    several = len(sources) > 1 or any(os.path.isdir(source) for source in sources)
    if several and dest.key and not dest.key.endswith("/"):
        raise ParameterError(_MUST_END_IN_SLASH)
    cache = Md5Cache.load(settings.cache_file or None, warn=log.warning)
    client = ctx.client()
    stream: Stream = local_entries(sources, filters=filters, follow_symlinks=settings.follow_symlinks,
                                   keep_dirs=settings.keep_dirs, on_notice=notice_reporter(ctx, executor.fail))
    allowed = files_from_names(ctx)
    trees = [LocalTree(*source_root(source), filters) for source in sources if os.path.isdir(source)]

    def excluded(key: str) -> bool:
        if allowed is not None and below_root(key, trees) not in allowed:
            return True
        return any(tree.excludes_key(key) for tree in trees) or (not trees and filters.excludes_file(key))

    if allowed is not None:
        stream = only_listed(stream, allowed, trees)
    if several:
        base, listing_prefix, only = dest.key, dest.key, None
        scopes = _source_scopes(sources)
        if len(scopes) == 1 and scopes[0].endswith("/"):
            listing_prefix = base + scopes[0]
    else:  # one file: compared with its one key alone, so that nothing else under the prefix is deleted
        scopes = []
        if not dest.key or dest.key.endswith("/"):
            base, only = dest.key, os.path.basename(sources[0])
        else:
            base = dest.key.rsplit("/", 1)[0] + "/" if "/" in dest.key else ""
            only = dest.key[len(base):]
            stream = (_renamed(e, only) for e in stream)
        listing_prefix = base + only
    stream = ahead = LocalAhead(stream, prepare=_md5_ahead(settings, cache))
    remote = remote_entries(_objects(ctx, dest.bucket, listing_prefix, local=ahead), base=base,
                            on_root=root_marker_warning)
    if only is not None:
        remote = (e for e in remote if e.key == only)
    elif "" not in scopes:  # only what the sources can give is compared (and so maybe deleted)
        remote = (e for e in remote if any(e.key == scope or (scope.endswith("/") and e.key.startswith(scope))
                                           for scope in scopes))

    def head(entry: RemoteEntry) -> Mapping[str, str]:
        return _lower(client.head_object(dest.bucket, base + entry.key).headers)

    shared = object_headers(settings)
    threshold = part_size(settings.multipart_chunk_size_mb, None)
    meter_on = progress_meter_on(ctx)  # on a terminal: one file at a time, each with its meter

    def transfer(action: Transfer, counter: str) -> Job:
        entry = action.source
        assert isinstance(entry, LocalEntry)
        target = dest.join(base + action.key)
        shown = meter_on and not stat.S_ISDIR(entry.mode)  # a --keep-dirs folder marker keeps its line
        line = _report(ctx, lambda r: "" if shown else formats.transfer_line(
                           "upload", entry.path, str(target), size=r.bytes, seconds=r.seconds, counter=counter),
                       lambda r: f"Upload of '{entry.path}' failed: {r.error}")
        return Job(run=lambda: _upload(ctx, entry, target, shared, cache, counter=counter if shown else ""),
                   subject=line, inline=shown or entry.size > threshold, light=is_light(entry.size))

    def delete(action: Delete) -> Job:
        target = dest.join(base + action.key)
        line = _report(ctx, lambda r: f"delete: '{target}'", lambda r: f"Delete of '{target}' failed: {r.error}")
        return Job(run=lambda: delete_remote(client, dest.bucket, target.key), subject=line, light=True)

    return _Direction("upload", stream, remote, md5_resolver(local=cache.md5_of, headers=head), excluded,
                      transfer, delete, label=lambda a: (_path(a.source), str(dest.join(base + a.key))),
                      delete_label=lambda a: str(dest.join(base + a.key)), retrieving=(str(dest.join(base)),),
                      cache=cache, dest_key=lambda key: base + key)


def _source_scopes(sources: list[str]) -> list[str]:
    """The destination keys each source may give: '' (anything) for ``dir/``, ``dir/…`` for ``dir``,
    the name of a file. Keys outside them are not the sync's business (s3cmd 2.4.0 does not list them)."""
    scopes = []
    for source in sources:
        if os.path.isdir(source):
            scopes.append(source_root(source)[1])
        else:
            scopes.append(os.path.basename(source))
    return sorted(set(scopes))


def _stem(uri: s3uri.S3Uri, base: str) -> str:
    """What every key of a remote source starts with below ``base`` ('' for ``s3://b/p/``, 'c' for
    ``s3://b/p/c``): the destination's entries outside it are out of the sync's scope."""
    return uri.key[len(base):]


def _path(entry: Entry) -> str:
    return entry.path if isinstance(entry, LocalEntry) else entry.key


def _renamed(entry: LocalEntry | Unlisted, key: str) -> LocalEntry | Unlisted:
    return replace(entry, key=key) if isinstance(entry, LocalEntry) else entry


def _upload(ctx: Context, entry: LocalEntry, target: s3uri.S3Uri, shared: dict[str, str], cache: Md5Cache,  # noqa: PLR0913
            *, counter: str = "") -> Result:
    """``counter`` ("[1 of 3]"): show the progress meter under that label (one block per part in parts)."""
    settings = ctx.settings
    headers = dict(shared)
    if stat.S_ISDIR(entry.mode):  # --keep-dirs: the directory as an empty 'dir/' object
        return _folder_marker(ctx, target, headers)
    from S3.transfer.upload import UploadPlan, read_local

    size_of_part = part_size(settings.multipart_chunk_size_mb, entry.size, max_parts=settings.multipart_max_chunks)
    try:
        # one open: stat, MIME head and, for a file sent in one PUT, the body and its MD5
        local = read_local(entry.path, whole_up_to=size_of_part if settings.enable_multipart else entry.size)
        headers.setdefault("Content-Type", guess_mime(settings, entry.path, local.head))
        # as s3cmd: --no-check-md5 stores no md5 (and spares reading the file for it); --no-preserve
        # stores the md5 alone
        md5 = (local.md5 or cache.md5_of(entry)) if settings.check_md5 else ""
        if local.md5:
            cache.learn(entry, local.md5, local.stat)
        value = attrs.encode(local.stat, md5, preserve=settings.preserve_attrs) if md5 is not None else ""
        if value:
            headers[attrs.HEADER] = value
    except OSError as bad:
        return Result(error=LocalFileError(f"Cannot read '{entry.path}': {bad.strerror}; nothing uploaded for it"))
    log.info(f"Sending file '{entry.path}', please wait...")
    plan_ = UploadPlan(
        bucket=target.bucket, key=target.key, headers=headers, part_size=size_of_part,
        workers=max(1, settings.parallel_transfers), multipart=settings.enable_multipart, limiter=ctx.limiter(),
    )
    if not counter:
        return upload_one(ctx.client(), entry.path, plan_, local=local)
    plan_, meter = upload_meter(ctx, plan_, label=f"upload: '{entry.path}' -> '{target}'", counter=counter,
                                size=local.stat.st_size)
    result = upload_one(ctx.client(), entry.path, plan_, local=local, progress=meter.update if meter else None)
    if meter is not None and result.ok:
        meter.finish()
    return result


def _folder_marker(ctx: Context, target: s3uri.S3Uri, headers: dict[str, str]) -> Result:
    started = time.monotonic()
    try:
        ctx.client().put_object(target.bucket, target.key, b"", headers=headers)
    except S3cmdError as failed:
        return Result(seconds=time.monotonic() - started, error=failed)
    return Result(bytes=0, seconds=time.monotonic() - started)


def _objects(ctx: Context, bucket: str, prefix: str, *, local: LocalAhead | None = None) -> Iterator:  # type: ignore[type-arg]
    """The listing's objects; its pages are fetched one ahead from the start, while the local tree
    is walked and the page before is compared (memory: two pages, whatever the number of keys).
    A wait for a page walks (and hashes) ``local`` further meanwhile."""
    pages = read_ahead(ctx.client().list_objects(bucket, prefix=prefix), meanwhile=local.fill if local else None)
    return (obj for page in pages for obj in page.objects)


def _md5_ahead(settings: Settings, cache: Md5Cache) -> Callable[[LocalEntry], object] | None:
    """What a wait for the listing may do to a local file: read its MD5, when comparisons use MD5s."""
    return cache.md5_of if settings.check_md5 and not settings.skip_existing else None


def _lower(headers: Mapping[str, str]) -> dict[str, str]:
    return as_headers(headers).lowered()


def _remote_base(uri: s3uri.S3Uri) -> str:
    """``p/`` syncs what lies below it; ``p`` syncs ``p/`` itself (keys keep ``p/``), as s3cmd does."""
    return uri.key[: len(uri.key) - len(relative_key(uri.key, uri.key))] if uri.key else ""


# -- S3 → local --------------------------------------------------------------------------------


def _remote_to_local(
    ctx: Context, source: s3uri.S3Uri, target: str, filters: Filters, executor: Executor
) -> _Direction:
    from S3.transfer import gpg
    from S3.transfer.download import Fetch

    settings = ctx.settings
    # s3cmd's rule: a destination without '/' names a folder only for a source without one ('p' goes
    # to DEST/p/…); 'p/' (its content) wants 'DEST/', even when DEST is a folder that exists
    if not target.endswith("/") and (not source.key or source.key.endswith("/")):
        raise ParameterError("Destination must be a directory and end with '/' when downloading multiple sources.")
    client = ctx.client()
    base = _remote_base(source)
    stem = _stem(source, base)
    # 's3://b/p/obj dn' (no '/' on either side) of one object names the file itself, as s3cmd takes it
    one_file = not target.endswith(("/", os.sep)) and bool(stem) and _one_object(client, source)
    if one_file and os.path.isdir(target):
        raise ParameterError("Destination already exists and is a directory")
    cache = Md5Cache.load(settings.cache_file or None, warn=log.warning)
    excluded = _ancestor_excluded(filters)
    claims = LocalClaims()
    # a folder that a file must replace can only be one that was there before the run: in the listing's
    # order a file comes before any folder of its name ('a' < 'a/'), so this run never made it
    had_folders = os.path.isdir(target)

    def local_place(key: str, size: int) -> LocalTarget | Refusal:
        if one_file:
            folder, name = os.path.split(target)
            return local_target(name, folder, size=size)
        return local_target(key, target, size=size)

    def head(entry: RemoteEntry) -> Mapping[str, str]:
        return _lower(client.head_object(source.bucket, base + entry.key).headers)

    fetch = Fetch(part_size=part_size(settings.multipart_chunk_size_mb, None),
                  workers=max(1, settings.parallel_transfers), limiter=ctx.limiter())

    def place(key: str, size: int) -> LocalTarget | None:
        found = local_place(key, size)
        refusal = found if not isinstance(found, LocalTarget) else claims.claim(found)
        if refusal is not None:
            log.warning(f"Skipping '{source.join(base + key)}': {refusal.describe()}; nothing written for it")
            executor.fail(ExitCodes.EX_PARTIAL)
            return None
        assert isinstance(found, LocalTarget)
        return found

    def missing_folders(entries: Iterable[RemoteEntry]) -> Iterator[RemoteEntry]:
        """Folder markers (empty 'dir/' objects) whose folder is here already are passed over; the
        others are transferred as s3cmd does, by a ``mkdir:`` counted with the downloads."""
        for entry in entries:
            if entry.key.endswith("/") and entry.size == 0:
                found = local_target(entry.key, target)
                if isinstance(found, LocalTarget) and os.path.islink(found.path):
                    log.warning(f"Skipping over symbolic link: {formats.shown(found.path)}")  # s3cmd's words
                    continue
                if isinstance(found, LocalTarget) and os.path.isdir(found.path):
                    place(entry.key, 0)  # there already, unless through a link above it (then: said why)
                    continue
            yield entry

    gpg_settings = gpg.GpgSettings.from_settings(settings)
    meter_on = progress_meter_on(ctx)  # on a terminal: one file at a time, each with its meter

    def transfer(action: Transfer, counter: str) -> Job | None:
        found = place(action.key, action.source.size)
        if found is None:
            return None
        uri = source.join(base + action.key)
        if found.is_folder:
            return _folder_job(ctx, str(uri), found.path, counter)

        def lines(result: Result) -> str:
            shown = [] if meter_on else [formats.transfer_line(
                "download", str(uri), found.path, size=result.bytes, seconds=result.seconds, counter=counter)]
            if settings.delete_after_fetch:  # as s3cmd prints it, once the object is gone
                shown.append(f"File '{uri}' removed after syncing")
            return "\n".join(shown)

        line = _report(ctx, lines, lambda r: f"Download of '{found.path}' failed (Reason: {r.error})")

        def run() -> Result:
            log.info(f"Receiving file '{found.path}', please wait...")
            if had_folders:
                _clear_empty_folder(found.path)
            meter = Meter.start(ctx, f"download: '{uri}' -> '{found.path}'  {counter}", None) if meter_on else None
            shown = replace(fetch, progress=meter.update, on_total=meter.set_total) if meter else fetch
            result = download_one(client, uri.bucket, uri.key, found.path, fetch=shown,
                                  preserve=settings.preserve_attrs, gpg_settings=gpg_settings)
            if meter is not None and result.ok:
                meter.finish()
            if result.ok and settings.delete_after_fetch:
                removed = delete_remote(client, uri.bucket, uri.key)
                if not removed.ok:
                    return Result(bytes=result.bytes, seconds=result.seconds, error=removed.error)
            return result

        return Job(run=run, subject=line, inline=meter_on or action.source.size > fetch.part_size,
                   light=is_light(action.source.size))

    def delete(action: Delete) -> Job:
        path = action.entry.path  # type: ignore[union-attr]
        shown = formats.shown(path)
        line = _report(ctx, lambda r: f"delete: '{shown}'", lambda r: f"Delete of '{shown}' failed: {r.error}")
        return Job(run=lambda: delete_local(path), subject=line, light=True)

    local: Stream = LocalTree(target, "", filters).walk() if os.path.isdir(target) else iter(())
    if one_file:  # the one file, under the object's name, so that the two are compared
        local = [LocalEntry.from_stat(stem, target, os.stat(target))] if os.path.isfile(target) else []
    elif stem:  # 's3://b/p/c dn/' compares dn/c… alone: nothing else in dn/ is deleted
        local = (e for e in local if e.key.startswith(stem))
    local = ahead = LocalAhead(local, prepare=_md5_ahead(settings, cache))
    remote = missing_folders(remote_entries(_objects(ctx, source.bucket, source.key, local=ahead), base=base,
                                            on_root=root_marker_warning))
    if one_file:
        remote = (e for e in remote if e.key == stem)

    def label(action: Transfer) -> tuple[str, str]:
        found = local_place(action.key, action.source.size)
        if not isinstance(found, LocalTarget):
            return str(source.join(base + action.key)), action.key
        # a folder marker's folder with its '/', as s3cmd's dry run shows it
        return str(source.join(base + action.key)), found.path + (os.sep if found.is_folder else "")

    return _Direction("download", remote, local, md5_resolver(local=cache.md5_of, headers=head), excluded,
                      transfer, delete, label=label, delete_label=lambda a: _path(a.entry), retrieving=(str(source),),
                      cache=cache)


def _one_object(client: S3Client, source: s3uri.S3Uri) -> bool:
    """Whether ``source`` names an object (s3cmd then syncs that one alone, whatever else its name
    begins: 'q.old', 'q/x'). Of the keys that start with it, it is the first listed."""
    first = next((obj for page in client.list_objects(source.bucket, prefix=source.key, limit=1)
                  for obj in page.objects), None)
    return first is not None and first.key == source.key


def _clear_empty_folder(path: str) -> None:
    """An object that was a folder here before (its files deleted by --delete-removed, or none ever)
    takes the empty folder's place, as s3cmd lets it: a folder with anything in it stays, and the
    download then says why it cannot be written."""
    try:
        os.rmdir(path)  # one call: a file (ENOTDIR), a link (not followed), nothing there, a full folder: kept
    except OSError:
        pass


def _folder_job(ctx: Context, uri: str, path: str, counter: str) -> Job:
    """A folder marker's folder, made as s3cmd makes it: ``mkdir: 's3://b/p/dir/' -> 'dn/dir/' [i of N]``."""
    shown = formats.shown(path.rstrip(os.sep) + os.sep)
    line = _report(ctx, lambda r: f"mkdir: '{uri}' -> '{shown}' {counter}",
                   lambda r: f"Cannot create directory '{shown}': {r.error}")

    def run() -> Result:
        try:
            os.makedirs(path, exist_ok=True)
        except OSError as bad:
            return Result(error=LocalFileError(bad.strerror or str(bad)))
        return Result(bytes=0)

    return Job(run=run, subject=line, light=True)


# -- S3 → S3 -----------------------------------------------------------------------------------


def _remote_to_remote(ctx: Context, source: s3uri.S3Uri, dest: s3uri.S3Uri, filters: Filters) -> _Direction:
    from S3.cli.commands.copy import copy_options, server_side_copy

    if dest.key and not dest.key.endswith("/"):
        raise ParameterError(_MUST_END_IN_SLASH)
    client = ctx.client()
    base = _remote_base(source)
    src_stream = _Tracked(remote_entries(_objects(ctx, source.bucket, source.key), base=base,
                                         on_root=root_marker_warning))
    dst_stream = remote_entries(_objects(ctx, dest.bucket, dest.key + _stem(source, base)), base=dest.key,
                                on_root=root_marker_warning)

    def head(entry: RemoteEntry) -> Mapping[str, str]:
        if entry is src_stream.last:
            return _lower(client.head_object(source.bucket, base + entry.key).headers)
        return _lower(client.head_object(dest.bucket, dest.key + entry.key).headers)

    options = copy_options(ctx.settings)  # --add-header, --mime-type: new metadata on each copy, as s3cmd

    def transfer(action: Transfer, counter: str) -> Job:
        src, dst = source.join(base + action.key), dest.join(dest.key + action.key)
        line = _report(ctx, lambda r: f"remote copy: '{src}' -> '{dst}'  {counter}",
                       lambda r: f"Copy of '{src}' failed: {r.error}")
        return Job(run=lambda: copy_one(client, (src.bucket, src.key), (dst.bucket, dst.key),
                                        size=action.source.size, headers=options.headers,
                                        copier=lambda: server_side_copy(ctx, src, dst, size=action.source.size,
                                                                        options=options)),
                   subject=line, light=True)  # the server copies the bytes

    def delete(action: Delete) -> Job:
        target = dest.join(dest.key + action.key)
        line = _report(ctx, lambda r: f"delete: '{target}'", lambda r: f"Delete of '{target}' failed: {r.error}")
        return Job(run=lambda: delete_remote(client, dest.bucket, target.key), subject=line, light=True)

    return _Direction("copy", src_stream, dst_stream, md5_resolver(local=lambda e: None, headers=head),
                      _ancestor_excluded(filters), transfer, delete,
                      label=lambda a: (str(source.join(base + a.key)), str(dest.join(dest.key + a.key))),
                      delete_label=lambda a: str(dest.join(dest.key + a.key)), retrieving=(str(source), str(dest)))


class _Tracked:
    """A stream that remembers the entry it yielded last (the planner compares that one next), so
    that ``md5_of`` can tell a source object from a destination object when both are remote."""

    def __init__(self, stream: Iterable[RemoteEntry]) -> None:
        self._stream = stream
        self.last: RemoteEntry | None = None

    def __iter__(self) -> Iterator[RemoteEntry]:
        for entry in self._stream:
            self.last = entry
            yield entry
