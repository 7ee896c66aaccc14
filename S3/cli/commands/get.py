"""get: objects to files (atomically), directory trees (-r), or stdout (``-``)."""

from __future__ import annotations

import os
import shutil
import tempfile
import time
from collections.abc import Iterator, Mapping

from S3 import ExitCodes
from S3.cli.commands.common import (
    excluded_lines,
    has_wildcards,
    relative_key,
    remote_objects,
    require_args,
    wildcard_objects,
)
from S3.cli.context import Context
from S3.cli.progress import Meter
from S3.errors import LocalFileError, ParameterError, S3cmdError, TransferError
from S3.ExitCodes import ExitScoreboard
from S3.output import formats, log
from S3.s3 import uri as s3uri
from S3.s3.errors import S3Error
from S3.settings.model import Settings
from S3.transfer import gpg
from S3.transfer.affinity import is_light
from S3.transfer.chunking import part_size
from S3.transfer.download import Fetch, download_to_file, download_to_stream, resume_to_file
from S3.transfer.localpath import LocalClaims, LocalTarget, Refusal, local_target
from S3.transfer.objects import make_parent
from S3.transfer.parallel import run_in_order


def get(ctx: Context, args: list[str]) -> int:
    require_args(args, 1, "s3cmd get s3://BUCKET/OBJECT LOCAL_FILE")
    settings = ctx.settings
    if len(args) > 1 and not s3uri.is_s3_uri(args[-1]):
        sources, destination = args[:-1], args[-1]
    else:  # as s3cmd: into the current folder, which it names './' in its lines
        sources, destination = args, "./"
    uris = [s3uri.parse_bucket(s) for s in sources]
    if destination == "-":
        for uri in uris:
            for named in _named_objects(ctx, uri):
                _to_stdout(ctx, named)
        return ExitCodes.EX_OK
    score = ExitScoreboard()
    jobs: list[tuple[s3uri.S3Uri, str, int | None]] = []  # (object, local path, size when listed)
    folders: list[str] = []
    if settings.recursive:
        jobs, folders = _recursive_jobs(ctx, uris, destination, score)
    else:
        matched: list[tuple[s3uri.S3Uri, str, int | None]] = []  # from wildcards: (object, name, size)
        excluded: list[str] = []
        for uri in uris:
            if not uri.key or uri.key.endswith("/"):
                raise ParameterError(f"Expecting S3 URI with a filename or --recursive: {uri}")
            if has_wildcards(uri):  # as s3cmd: the objects it matches (none: nothing to do)
                matched += [(uri.join(entry.key), name, entry.size)
                            for entry, name in wildcard_objects(ctx, uri, on_excluded=excluded.append)]
            else:
                jobs.append((uri, os.path.basename(uri.key), None))
        excluded_lines(ctx, excluded)
        many = len(jobs) + len(matched) > 1
        jobs = [(uri, _destination(destination, name, many=many), None) for uri, name, _ in jobs]
        for uri, dest, _ in jobs:
            if os.path.basename(dest) in (".", ".."):  # a key like 'a/..' names a folder, not a file
                raise ParameterError(f"'{uri}' gives no usable file name: name the LOCAL_FILE to save it as")
        if not many and matched and not destination.endswith("/") and not os.path.isdir(destination):
            jobs.append((matched[0][0], destination, matched[0][2]))  # one object: the file named
        else:
            jobs += _placed(matched, destination, score, LocalClaims())[0]  # a matched folder marker: no folder
    if len(jobs) > 1 and destination and not destination.endswith("/") and not os.path.isdir(destination):
        raise ParameterError("Destination must be a directory or stdout when downloading multiple sources.")
    log.info(f"Summary: {len(jobs)} remote files to download")
    for folder in folders:
        _make_folder(ctx, folder, score)
    numbered = [(number, uri, dest, size) for number, (uri, dest, size) in enumerate(jobs, start=1)]
    ranged = part_size(settings.multipart_chunk_size_mb, None)

    def work(job: tuple[int, s3uri.S3Uri, str, int | None]) -> str:
        number, uri, dest, _ = job
        return _get_one(ctx, uri, dest, counter=f"[{number} of {len(jobs)}]")

    def alone(job: tuple[int, s3uri.S3Uri, str, int | None]) -> bool:
        """With the progress meter on, one at a time so that the meter has the terminal to itself; an
        object fetched in parallel ranges brings its own parallelism (--parallel connections, not its square)."""
        return settings.progress_meter or len(jobs) == 1 or (job[3] or 0) > ranged

    refused: list[ParameterError] = []

    def until_refused() -> Iterator[tuple[int, s3uri.S3Uri, str, int | None]]:
        """As s3cmd, which stops at the first file it may not overwrite (exit 64): checked here, in
        order, so that no object after it is fetched by a worker meanwhile."""
        for job in numbered:
            problem = _refusal(settings, job[2])
            if problem is not None:
                refused.append(problem)
                return
            yield job

    # several objects at once (--parallel), their lines and the exit code as a serial run gives them
    for (_, uri, dest, _), outcome in run_in_order(until_refused(), work, workers=settings.parallel_transfers,
                                                   inline=alone, light=lambda job: is_light(job[3])):
        if isinstance(outcome, S3cmdError):
            if settings.stop_on_error or (len(jobs) == 1 and not score.failed):
                raise _missing_source(uri, outcome) from None
            # one object's failure (denied, vanished, a local clash) must not abandon the rest
            if isinstance(outcome, S3Error | TransferError):
                log.error(f"Download of '{dest}' failed (Reason: {outcome.message})")
            else:
                log.error(str(outcome))
            score.failure(outcome.exit_code)
        elif isinstance(outcome, Exception):
            raise outcome
        else:
            if outcome:
                ctx.out(outcome)
            score.success()
    if refused:
        raise refused[0]
    if settings.dry_run:
        log.warning("Exiting now because of --dry-run")
    return score.rc()


def _named_objects(ctx: Context, uri: s3uri.S3Uri) -> Iterator[s3uri.S3Uri]:
    """The objects ``uri`` names for a download to stdout: with -r every one below it, with a wildcard
    every match, in key order (folder markers hold no bytes); else the object itself."""
    if not ctx.settings.recursive and not has_wildcards(uri):
        yield uri
        return
    listed = (remote_objects(ctx, uri) if ctx.settings.recursive
              else (entry for entry, _ in wildcard_objects(ctx, uri)))
    for entry in listed:
        if not (entry.key.endswith("/") and entry.size == 0):
            yield uri.join(entry.key)


def _recursive_jobs(
    ctx: Context, uris: list[s3uri.S3Uri], destination: str, score: ExitScoreboard
) -> tuple[list[tuple[s3uri.S3Uri, str, int | None]], list[str]]:
    """(objects with a safe local path under ``destination``, folders to create from folder
    markers); every other key is skipped with a warning (a key may name any path: ``../x``,
    ``/etc/x``, ``a//b``)."""
    claims = LocalClaims()
    jobs: list[tuple[s3uri.S3Uri, str, int | None]] = []
    folders: list[str] = []
    excluded: list[str] = []
    for uri in uris:
        log.info(f"Retrieving list of remote files for {uri} ...")
        before = len(excluded)
        listed = [(uri.join(entry.key), relative_key(uri.key, entry.key), entry.size)
                  for entry in remote_objects(ctx, uri, on_excluded=excluded.append)]
        if not listed and len(excluded) == before:  # nothing there at all (not: all of it excluded)
            raise ParameterError(f"Source object '{uri}' does not exist.")
        placed, made = _placed(listed, destination, score, claims)
        jobs += placed
        folders += made
    excluded_lines(ctx, excluded)
    return jobs, folders


def _placed(listed: list[tuple[s3uri.S3Uri, str, int | None]], destination: str, score: ExitScoreboard,
            claims: LocalClaims) -> tuple[list[tuple[s3uri.S3Uri, str, int | None]], list[str]]:
    """(objects with a safe local path under ``destination``, folders to create from folder markers),
    from (object, name below the destination, size); every other name is skipped with a warning (a key
    may name any path: ``../x``, ``/etc/x``, ``a//b``), and one that ``claims`` says is taken."""
    jobs: list[tuple[s3uri.S3Uri, str, int | None]] = []
    folders: list[str] = []
    for uri, name, size in listed:
        target = local_target(name, destination, size=size or 0)
        refusal = target if isinstance(target, Refusal) else claims.claim(target)
        if refusal is not None:
            log.warning(f"Skipping '{uri}': {refusal.describe()}; nothing written for it")
            score.failure(ExitCodes.EX_PARTIAL)
        elif isinstance(target, LocalTarget) and target.is_folder:
            folders.append(target.path)
        elif isinstance(target, LocalTarget):
            jobs.append((uri, target.path, size))
    return jobs, folders


def _make_folder(ctx: Context, path: str, score: ExitScoreboard) -> None:
    """A folder marker (an empty key ending in '/') recreates its folder."""
    if ctx.settings.dry_run:
        return
    try:
        os.makedirs(path, exist_ok=True)
    except OSError as bad:
        log.error(f"Cannot create directory '{path}': {bad.strerror}")
        score.failure(ExitCodes.EX_IOERR)


def _missing_source(uri: s3uri.S3Uri, problem: S3cmdError) -> S3cmdError:
    """s3cmd's words (and exit 64) for an object that is not there, its bucket missing or not."""
    if isinstance(problem, S3Error) and (problem.is_missing_key or problem.is_missing_bucket):
        return ParameterError(f"Source object '{uri}' does not exist.")
    return problem


def _destination(destination: str, relative: str, *, many: bool) -> str:
    if not destination:
        return relative if many else os.path.basename(relative)
    if destination.endswith("/") or os.path.isdir(destination) or many:
        return os.path.join(destination, relative)
    return destination


def _refusal(settings: Settings, dest: str) -> ParameterError | None:
    """The error for a local file that is there and may not be replaced (none of --force, --continue,
    --skip-existing), else None."""
    if settings.dry_run or settings.force or settings.get_continue or settings.skip_existing:
        return None
    if not os.path.exists(dest):
        return None
    return _exists(dest)


def _exists(dest: str) -> ParameterError:
    return ParameterError(f"File '{dest}' already exists. Use either of --force / --continue / --skip-existing "
                          "or give it a new name.")


def _get_one(ctx: Context, uri: s3uri.S3Uri, dest: str, *, counter: str = "[1 of 1]") -> str:
    """Download one object (in a worker thread); returns the line to print, "" when there is none."""
    settings = ctx.settings
    if settings.dry_run:  # as s3cmd: a dry run lists every object, whatever is on disk
        return f"download: '{uri}' -> '{dest}'"
    resume = False
    if os.path.exists(dest):
        if settings.skip_existing:
            log.info(f"Skipping over existing file: '{dest}'")
            return ""
        if settings.get_continue:
            resume = True
            _refuse_encrypted_resume(ctx, uri, dest)
        elif not settings.force:
            raise _exists(dest)
    make_parent(dest)
    receiving = f"Receiving file '{dest}', please wait..."
    if not resume:
        log.info(receiving)
    meter = Meter.start(ctx, f"download: '{uri}' -> '{dest}'  {counter}", None)
    started = time.monotonic()
    seen: dict[str, str] = {}
    told: list[bool] = []

    def on_total(size: int) -> None:
        """With --continue, s3cmd says 'Receiving' only when bytes are to come (not for a file found
        whole, and after its 'Download forced' line): that is once the first answer with a body is in."""
        if resume and not told:
            told.append(True)
            log.info(receiving)
        meter.set_total(size)

    fetch = _fetch(ctx, meter.update, on_total=on_total, on_headers=seen.update)
    try:
        if resume:  # the file ends up the whole object, checked, whatever was there (a wrong file is replaced)
            resumed = resume_to_file(ctx.client(), uri.bucket, uri.key, dest, fetch=fetch)
            if resumed.complete:
                log.info(f"Skipping over existing file: '{dest}'")  # s3cmd's words for a file already whole
                return ""
            received = resumed.size  # as s3cmd's line: the whole object, not only the bytes appended
        else:
            received = download_to_file(ctx.client(), uri.bucket, uri.key, dest, fetch=fetch)
        if gpg.is_encrypted(seen):  # as upstream: any object s3cmd -e stored is decrypted, -e or not
            gpg.decrypt_download(dest, settings=gpg.GpgSettings.from_settings(settings))
            received = os.path.getsize(dest)
    except OSError as bad:
        # a resumed file may hold part of what was appended before the failure: no "nothing was written"
        done = "" if resume else "; nothing was written"
        raise LocalFileError(f"Cannot write '{dest}': {bad.strerror}{done}") from None
    meter.finish()
    line = "" if meter.active else formats.transfer_line("download", str(uri), dest, size=received,
                                                          seconds=time.monotonic() - started)
    if settings.delete_after_fetch:
        removed = _remove_fetched(ctx, uri, where=f"downloaded to '{dest}'")
        return f"{line}\n{removed}" if line else removed
    return line


class _NotRemoved(S3cmdError):
    """--delete-after-fetch: the object was fetched whole, but its deletion failed."""

    def __init__(self, message: str, exit_code: int) -> None:
        super().__init__(message)
        self.exit_code = exit_code


def _remove_fetched(ctx: Context, uri: s3uri.S3Uri, *, where: str) -> str:
    """--delete-after-fetch, once the object is verified where it went: its line, as s3cmd prints it."""
    try:
        ctx.client().delete_object(uri.bucket, uri.key)
    except S3Error as failed:
        raise _NotRemoved(f"'{uri}' was {where} but not deleted: {failed.message}", failed.exit_code) from None
    return f"File '{uri}' removed after fetch"


def _fetch(ctx: Context, progress, on_total=None, on_headers=None) -> Fetch:  # type: ignore[no-untyped-def]
    settings = ctx.settings
    return Fetch(
        part_size=part_size(settings.multipart_chunk_size_mb, None),
        workers=max(1, settings.parallel_transfers),
        limiter=ctx.limiter(),
        progress=progress,
        on_total=on_total,
        on_headers=on_headers,
    )


def _refuse_encrypted_resume(ctx: Context, uri: s3uri.S3Uri, dest: str) -> None:
    """Ciphertext appended to a local file cannot be decrypted into the plaintext: no --continue."""
    if gpg.is_encrypted(ctx.client().head_object(uri.bucket, uri.key).headers):
        raise ParameterError(f"'{uri}' is encrypted (gpg): --continue cannot resume it into '{dest}'; "
                             "use --force to download it again")


class _Encrypted(Exception):
    """The object to stream is gpg-encrypted: it goes through a private temporary file instead."""


def _refuse_encrypted(headers: Mapping[str, str]) -> None:
    if gpg.is_encrypted(headers):
        raise _Encrypted


def _to_stdout(ctx: Context, uri: s3uri.S3Uri) -> None:
    try:
        try:
            download_to_stream(ctx.client(), uri.bucket, uri.key, ctx.stdout_bytes,
                               fetch=_fetch(ctx, None, on_headers=_refuse_encrypted))
        except _Encrypted:
            _decrypted_to_stdout(ctx, uri)
    except S3Error as failed:
        raise _missing_source(uri, failed) from None
    if ctx.settings.delete_after_fetch:
        removed = _remove_fetched(ctx, uri, where="written to stdout")
        if not ctx.quiet:  # not into the data on stdout, where s3cmd writes it
            ctx.runtime.stderr.write(removed + "\n")


def _decrypted_to_stdout(ctx: Context, uri: s3uri.S3Uri) -> None:
    """gpg needs a whole file to decrypt (and ciphertext on stdout would be a wrong answer): the
    object is downloaded and decrypted in a private 0700 directory, then copied out."""
    directory = tempfile.mkdtemp(prefix="s3cmd-get-")
    try:
        path = os.path.join(directory, "object")
        try:
            download_to_file(ctx.client(), uri.bucket, uri.key, path, fetch=_fetch(ctx, None))
        except OSError as bad:
            raise LocalFileError(f"Cannot write a temporary copy of '{uri}' to decrypt it: {bad.strerror}; "
                                 "set TMPDIR to a writable directory") from None
        gpg.decrypt_download(path, settings=gpg.GpgSettings.from_settings(ctx.settings))
        with open(path, "rb") as plain:
            shutil.copyfileobj(plain, ctx.stdout_bytes)
        ctx.stdout_bytes.flush()
    finally:
        shutil.rmtree(directory, ignore_errors=True)
