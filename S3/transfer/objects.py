"""One object at a time: upload, download, server-side copy, delete, each returning a ``Result``.

These are the per-object steps every many-object command shares (``sync``, ``put -r``, ``get -r``):
a failure of the object (HTTP error, unreadable file, MD5 mismatch) is returned in the record, not
raised, so that the caller's loop decides what is fatal; Ctrl-C / SIGTERM (``BaseException``) is
never caught here, so the atomic download and the multipart abort of the layers below run.

Downloads go through ``download_to_file`` (a temporary file renamed into place once its MD5 checks)
and may restore what ``x-amz-meta-s3cmd-attrs`` says (``restore_attrs``): mtime always, the
permission bits when they are sane, owner and group only as root. Copies use one CopyObject, or the
caller's ``copier`` (sync and cp copy in parts above multipart_copy_chunk_size_mb). Reads only the
local files it is given.
"""

from __future__ import annotations

import os
import stat
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from S3 import ExitCodes
from S3.atomic import ContainedPath, ThroughSymlink, ensure_folders
from S3.errors import LocalFileError, S3cmdError
from S3.s3 import attrs
from S3.transfer.localpath import SymlinkInPath

if TYPE_CHECKING:
    from S3.s3.client import S3Client
    from S3.transfer.download import Fetch
    from S3.transfer.gpg import GpgSettings
    from S3.transfer.upload import LocalRead, UploadPlan

# upload, download and gpg are imported by the first upload or download: a run that only lists,
# compares or deletes (a no-op sync, del -r) never loads them.


@dataclass(frozen=True)
class Result:
    """What happened to one object: ``error`` is None on success."""

    bytes: int = 0
    seconds: float = 0.0
    error: S3cmdError | None = None

    @property
    def ok(self) -> bool:
        return self.error is None

    @property
    def exit_code(self) -> int:
        return ExitCodes.EX_OK if self.error is None else self.error.exit_code


def _timed(action: Callable[[], int], *, describe_oserror: Callable[[OSError], str]) -> Result:
    started = time.monotonic()
    try:
        size = action()
    except S3cmdError as failed:
        return Result(seconds=time.monotonic() - started, error=failed)
    except OSError as bad:
        return Result(seconds=time.monotonic() - started, error=LocalFileError(describe_oserror(bad)))
    return Result(bytes=size, seconds=time.monotonic() - started)


def upload_one(client: S3Client, path: str, plan: UploadPlan, *, local: LocalRead | None = None,
               progress: Callable[[int], None] | None = None) -> Result:
    """Upload one file (multipart above the part size; an upload that fails is aborted); ``local``:
    what ``read_local`` already read of it; ``progress`` is told the bytes as they are sent."""
    from S3.transfer.upload import upload_file

    return _timed(lambda: upload_file(client, path, plan, local=local, progress=progress),
                  describe_oserror=lambda bad: f"Cannot read '{path}': {bad.strerror}; nothing uploaded for it")


def restore_attrs(path: str, headers: Mapping[str, str]) -> None:
    """Apply the s3cmd-attrs of a downloaded object to ``path``: mtime (and atime) always, the
    permission bits only when they describe a regular file (a garbled mode must not make a file
    setuid or unreadable for its owner), uid/gid only when running as root. Best effort."""
    found = attrs.decode(headers.get(attrs.HEADER, ""))
    if found.mtime is not None:
        try:
            os.utime(path, (found.atime if found.atime is not None else found.mtime, found.mtime))
        except OSError:
            pass
    if found.mode is not None and stat.S_ISREG(found.mode) and found.mode & 0o600 == 0o600:
        try:
            os.chmod(path, stat.S_IMODE(found.mode) & 0o1777)
        except OSError:
            pass
    if os.geteuid() == 0 and found.uid is not None and found.gid is not None:
        try:
            os.chown(path, found.uid, found.gid)
        except OSError:
            pass


def make_parent(dest: str) -> None:
    """Create the folder ``dest`` goes in, when it is missing (a stat, not a failing mkdir, per file).

    A path made from a key (``ContainedPath``) gets its folders below the destination made and
    checked one at a time, once per folder per run: a symbolic link among them is refused
    (``SymlinkInPath``, exit 2) before anything is written, rather than followed out of the
    destination. A path the user named is taken as named, links and all."""
    parent = os.path.dirname(dest)
    if isinstance(dest, ContainedPath):
        try:
            ensure_folders(dest, create=True)
        except ThroughSymlink as refused:
            raise SymlinkInPath(refused) from None
        except OSError as bad:
            raise LocalFileError(f"Cannot create directory '{parent}': {bad.strerror}") from None
        return
    if parent and not os.path.isdir(parent):
        try:
            os.makedirs(parent, exist_ok=True)
        except OSError as bad:
            raise LocalFileError(f"Cannot create directory '{parent}': {bad.strerror}") from None


def download_one(
    client: S3Client, bucket: str, key: str, dest: str, *, fetch: Fetch, preserve: bool, gpg_settings: GpgSettings
) -> Result:
    """Download one object to ``dest`` atomically, creating its folder; an object ``s3cmd -e`` stored is
    decrypted (as ``get`` does: a restore must not hand back ciphertext); attrs restored when ``preserve``."""
    from S3.transfer import gpg
    from S3.transfer.download import download_to_file

    seen: dict[str, str] = {}

    def run() -> int:
        make_parent(dest)
        received = download_to_file(client, bucket, key, dest, fetch=replace(fetch, on_headers=seen.update))
        if gpg.is_encrypted(seen):
            gpg.decrypt_download(dest, settings=gpg_settings)
        if preserve:
            restore_attrs(dest, seen)
        return received

    return _timed(run, describe_oserror=lambda bad: f"Cannot write '{dest}': {bad.strerror}; nothing was written")


def copy_one(
    client: S3Client,
    source: tuple[str, str],
    target: tuple[str, str],
    *,
    size: int,
    headers: Mapping[str, str],
    copier: Callable[[], None] | None = None,
) -> Result:
    """Server-side copy of ``source`` (bucket, key) to ``target``: one CopyObject, or ``copier``
    (the caller's copy of any size: in parts above its threshold, which CopyObject needs above 5 GiB)."""

    def run() -> int:
        if copier is not None:
            copier()
        else:
            client.copy_object(source[0], source[1], target[0], target[1], headers=headers, replace_metadata=False)
        return size

    return _timed(run, describe_oserror=lambda bad: str(bad))


def delete_remote(client: S3Client, bucket: str, key: str) -> Result:
    return _timed(lambda: (client.delete_object(bucket, key), 0)[1], describe_oserror=lambda bad: str(bad))


def delete_local(path: str) -> Result:
    def run() -> int:
        os.unlink(path)
        return 0

    return _timed(run, describe_oserror=lambda bad: f"Cannot delete '{path}': {bad.strerror}")
