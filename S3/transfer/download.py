"""Get one object: streamed to a temporary file beside the destination, verified,
then renamed into place, so an interrupted ``get`` never leaves a partial file
under the destination name.

The first request asks for the first part only (an empty object, which has no
byte 0 to ask for, answers 416: it is then fetched whole). An object stored in one
piece (its ETag is the MD5 of the body) is then read on sequentially and its MD5
checked; an object uploaded in parts (ETag ``…-N``) has its remaining ranges
fetched in parallel and written in place into the preallocated temporary file, and is
checked against the MD5 s3cmd stored in ``x-amz-meta-s3cmd-attrs``: a thread hashes
the file's bytes in order as soon as they are contiguous on disk (read back from the
page cache while the later ranges still arrive), so little is left to hash once the
last byte is in. A mismatch is
downloaded once more, then fails with nothing left behind. A connection that drops
mid-body resumes with a Range request from where it stopped.

``get --continue`` (``resume_to_file``) appends what a partial file lacks, asking from its
size on, then checks the whole file against the object's MD5 (its size alone when no MD5 is
known). A file that does not match (its first part was other bytes), one longer than the
object, and a symbolic link or anything else not a plain file (appending would write
wherever it points) are downloaded whole again, atomically as above: what a user ends up
with is the object's bytes, or an error.
"""

from __future__ import annotations

import errno
import hashlib
import logging
import os
import queue
import re
import stat
import threading
from collections.abc import Callable, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace
from typing import IO, Protocol

from S3.atomic import DOWNLOAD_SUFFIX, atomic_file, write_all
from S3.errors import TransferError
from S3.s3 import attrs
from S3.s3.client import S3Client
from S3.s3.errors import S3Error
from S3.s3.etag import body_md5
from S3.transfer.bandwidth import UNLIMITED, RateLimiter
from S3.transfer.gpg import is_encrypted
from S3.transport.errors import TransportError
from S3.transport.headers import as_headers, header_size, parse_size
from S3.transport.http import Response
from S3.transport.retry import Again, run

Progress = Callable[[int], None]
CHUNK = 1024 * 1024
_CONTENT_RANGE = re.compile(r"bytes (\d+)-(\d+)/(\d+|\*)")
DOWNLOAD_TRIES = 2  # a download whose MD5 does not match is fetched once more
log = logging.getLogger("s3cmd.transfer")


@dataclass(frozen=True)
class Fetch:
    """How to fetch: range size and parallelism, shared limiter, progress callback."""

    part_size: int = 8 * CHUNK
    workers: int = 1
    limiter: RateLimiter = UNLIMITED
    progress: Progress | None = None
    on_total: Callable[[int], None] | None = None  # the object's size, told once the first answer is in
    on_headers: Callable[[Mapping[str, str]], None] | None = None  # the first answer's headers (s3cmd-attrs for sync)


class _InlineDigest:
    """MD5 in the receiving thread: for a small body a thread of its own costs more than it saves."""

    def __init__(self) -> None:
        self._md5 = hashlib.md5()

    def update(self, chunk: bytes) -> None:
        self._md5.update(chunk)

    def hexdigest(self) -> str:
        return self._md5.hexdigest()

    def close(self) -> None:
        pass


class _BackgroundDigest:
    """MD5 in a second thread, so hashing overlaps receiving and writing (hashlib releases the GIL)."""

    def __init__(self) -> None:
        self._md5 = hashlib.md5()
        self._queue: queue.Queue[bytes | None] = queue.Queue(maxsize=16)
        self._thread = threading.Thread(target=self._run, name="md5", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while (chunk := self._queue.get()) is not None:
            self._md5.update(chunk)

    def update(self, chunk: bytes) -> None:
        self._queue.put(chunk)

    def hexdigest(self) -> str:
        self.close()
        return self._md5.hexdigest()

    def close(self) -> None:
        if self._thread.is_alive():
            self._queue.put(None)
            self._thread.join()


class _InOrderDigest:
    """MD5 of a file whose ranges are written in parallel, taken in order as it fills.

    Ranges report how far they have written (``wrote``); a thread reads back (page cache,
    through one reused buffer) and hashes every byte below the point up to which the file
    is contiguous, while the later ranges are still arriving."""

    def __init__(self, fd: int, spans: list[tuple[int, int]]) -> None:
        self._fd = fd
        self._spans = sorted(spans)
        self._written = {start: start for start, _ in self._spans}
        self._total = self._spans[-1][1] + 1 if self._spans else 0
        self._md5 = hashlib.md5()
        self._changed = threading.Condition()
        self._stopped = False
        self._finished = False  # every range is done: hash what is contiguous, then end
        self._failed: BaseException | None = None
        self._thread = threading.Thread(target=self._run, name="md5-in-order", daemon=True)
        self._thread.start()

    def wrote(self, start: int, upto: int) -> None:
        """The range beginning at ``start`` has its bytes up to ``upto`` (exclusive) on disk."""
        with self._changed:
            self._written[start] = upto
            self._changed.notify()

    def _contiguous(self) -> int:
        for start, end in self._spans:
            if self._written[start] <= end:
                return self._written[start]
        return self._total

    def _run(self) -> None:
        hashed = 0
        buffer = memoryview(bytearray(CHUNK))
        try:
            while hashed < self._total:
                with self._changed:
                    while (ready := self._contiguous()) <= hashed and not (self._stopped or self._finished):
                        self._changed.wait()
                    if self._stopped or ready <= hashed:  # abandoned, or every write is in and a gap remains
                        return
                while hashed < ready:
                    got = os.preadv(self._fd, [buffer[: min(CHUNK, ready - hashed)]], hashed)
                    if got <= 0:
                        raise OSError(f"the temporary file ended at byte {hashed}")
                    self._md5.update(buffer[:got])
                    hashed += got
        except BaseException as failed:  # reported by hexdigest, in the downloading thread
            self._failed = failed

    def hexdigest(self) -> str:
        """Once every range is done: the MD5 of the file's contiguous bytes (of a file with a gap,
        of its bytes before the gap, which cannot match)."""
        with self._changed:
            self._finished = True
            self._changed.notify()
        self._thread.join()
        if self._failed is not None:
            raise self._failed
        return self._md5.hexdigest()

    def close(self) -> None:
        with self._changed:
            self._stopped = True
            self._changed.notify()
        self._thread.join()


class Sink(Protocol):
    """Where ``_stream`` writes: a file object (stdout, a file being resumed) or a descriptor writer."""

    def write(self, data: bytes, /) -> object: ...

    def flush(self) -> None: ...


class _FdWriter:
    """Writes straight onto a descriptor. A download's chunks are large already (or the whole body of a
    small object), so a buffered file object would only add a dup, fstat, isatty, lseek and close per file."""

    def __init__(self, fd: int) -> None:
        self.fd = fd

    def write(self, data: bytes) -> None:
        write_all(self.fd, data)

    def flush(self) -> None:
        pass


class _At:
    """A file-like that writes at a fixed, advancing offset (ranges written in parallel)."""

    def __init__(self, fd: int, offset: int, stop: threading.Event | None = None,
                 digest: _InOrderDigest | None = None) -> None:
        self.fd = fd
        self.offset = offset
        self.stop = stop
        self._start = offset
        self._digest = digest

    def write(self, data: bytes) -> None:
        if self.stop is not None and self.stop.is_set():
            raise TransferError("Download stopped")  # interrupted: the file is being removed
        view = memoryview(data)
        while view:
            written = os.pwrite(self.fd, view, self.offset)
            self.offset += written
            view = view[written:]
        if self._digest is not None:
            self._digest.wrote(self._start, self.offset)


class _Mismatch(Exception):
    def __init__(self, expected: str, got: str) -> None:
        super().__init__(f"{got} != {expected}")
        self.expected = expected
        self.got = got


Digest = _InlineDigest | _BackgroundDigest
INLINE_DIGEST_LIMIT = 4 * CHUNK  # below this, hashing inline is cheaper than starting a thread


def _bytes_in(answer: Response) -> tuple[int, int | None]:
    """The first and last byte of the object that the answer's body holds: from its Content-Range,
    else (0, None), the whole object (judged by Content-Range, not the status: some servers answer a
    range with 200)."""
    span = _CONTENT_RANGE.match(answer.headers.get("Content-Range", ""))
    if span is None or span.group(3) == "*":
        return 0, None
    return int(span.group(1)), int(span.group(2))


def _object_size(answer: Response) -> int | None:
    """The whole object's size, from Content-Range (a ranged answer) or Content-Length."""
    span = _CONTENT_RANGE.match(answer.headers.get("Content-Range", ""))
    return parse_size(span.group(3)) if span else header_size(answer.headers, "Content-Length")


def _digest_for(answer: Response) -> Digest:
    """A digest sized to the body: inline for small objects, overlapped in a thread for large ones."""
    size = _object_size(answer)
    if size is not None and size <= INLINE_DIGEST_LIMIT:
        return _InlineDigest()
    return _BackgroundDigest()


def _checkable_md5(answer: Response) -> str:
    return body_md5(answer.headers) or ""


def _expected_md5(answer: Response, etag_md5: str) -> str:
    """The ETag when it is the body's MD5 (``etag_md5``: ``_checkable_md5`` of the answer), else the
    MD5 s3cmd stored in its attrs header, else "". An object s3cmd encrypted (``-e``) has the
    plaintext's MD5 in its attrs: not the body's."""
    if etag_md5 or is_encrypted(answer.headers):
        return etag_md5
    return attrs.decode(answer.headers.get(attrs.HEADER, "")).md5 or ""


def _file_md5(fd: int, size: int) -> str:
    """MD5 of the assembled file (just written: read back from the page cache)."""
    md5 = hashlib.md5()
    offset = 0
    while offset < size:
        block = os.pread(fd, min(8 * CHUNK, size - offset), offset)
        if not block:
            break
        md5.update(block)
        offset += len(block)
    return md5.hexdigest()


def _unverified(bucket: str, key: str) -> None:
    log.info("s3://%s/%s has no MD5 to check (neither its ETag nor s3cmd attributes): not verified", bucket, key)


def _stream(
    client: S3Client,
    bucket: str,
    key: str,
    out: Sink,
    *,
    start: int,
    end: int | None,
    fetch: Fetch,
    digest: Digest | None = None,
    first: Response | None = None,
) -> int:
    """Write bytes ``start..end`` (``end=None``: to the end) to ``out``; a connection that drops
    mid-body is resumed from where it stopped, after the same wait as any failed S3 request."""
    position = start
    answer = first

    def ask_again(what: str) -> Again:
        """The answer holds other bytes than asked for (nothing more of it is written), or fewer: what is
        missing is asked for again."""
        nonlocal answer
        if answer is not None:
            answer.close()
        answer = None
        return Again(TransferError(f"Download of s3://{bucket}/{key}: {what}"), f"s3://{bucket}/{key} ({what})")

    def attempt(number: int) -> int | Again:
        nonlocal position, answer
        if answer is None:
            answer = client.get_object(bucket, key, offset=position, end=end)
        # Every byte goes where it belongs in the object, or nowhere: an answer from another byte, or
        # past the range asked for, would misplace bytes; one that stops short would leave a hole.
        starts_at, last = _bytes_in(answer)
        if starts_at != position:
            return ask_again(f"the server answered from byte {starts_at} when asked from byte {position}")
        if end is not None and last is not None and last > end:
            return ask_again(f"the server answered up to byte {last} when asked up to byte {end}")
        total = _object_size(answer)
        stop = end + 1 if end is not None else total  # where this answer's bytes must end
        if stop is not None and total is not None:
            stop = min(stop, total)
        length = header_size(answer.headers, "Content-Length")
        # a length that is no plain number (hostile or broken server): read to the end, check the MD5
        expected = position + length if length is not None else None
        # a read buffer the size of the body when it is small: a 1 MiB one per 4 KiB object is an mmap,
        # page faults and a munmap each time
        read_size = CHUNK if expected is None else max(1, min(CHUNK, expected - position))
        try:
            for chunk in answer.iter_body(read_size):
                if stop is not None and position + len(chunk) > stop:
                    return ask_again(f"the answer runs past byte {stop - 1}, the end of what was asked for")
                fetch.limiter.consume(len(chunk))
                out.write(chunk)
                if digest is not None:
                    digest.update(chunk)
                position += len(chunk)
                if fetch.progress:
                    fetch.progress(len(chunk))
        except TransportError as failed:
            answer = None
            if not failed.retryable:
                raise
            return Again(failed, f"s3://{bucket}/{key} ({failed}, at byte {position})")
        answer = None
        if expected is not None and position < expected:
            short = TransferError(f"Download of s3://{bucket}/{key} ended early ({position} of {expected} bytes)")
            return Again(short, f"s3://{bucket}/{key} (ended early, at byte {position})")
        if stop is not None and position < stop:  # a whole answer, short of what was asked: from where it stopped
            return ask_again(f"the server answered up to byte {position - 1} when asked up to byte {stop - 1}")
        return position - start

    return run(attempt, policy=client.retry_policy(), pacer=client.runtime)


def _first_answer(client: S3Client, bucket: str, key: str, fetch: Fetch) -> Response:
    try:
        return client.get_object(bucket, key, end=fetch.part_size - 1)
    except S3Error as failed:
        if not failed.is_unsatisfiable_range:
            raise
        # an empty object has no byte 0: ask for the whole (empty) body instead
        return client.get_object(bucket, key)


def _fetch_whole(client: S3Client, bucket: str, key: str, fd: int, out: Sink, fetch: Fetch) -> tuple[int, str, str]:
    """→ (bytes received, expected MD5 or "", MD5 of what was written or "")."""
    first = _first_answer(client, bucket, key, fetch)
    if fetch.on_headers:
        fetch.on_headers(as_headers(first.headers).lowered())
    if fetch.on_total:
        size = _object_size(first)
        if size is not None:
            fetch.on_total(size)
    etag_md5 = _checkable_md5(first)
    expected = _expected_md5(first, etag_md5)
    # hash while receiving when reading sequentially anyway; parallel ranges are hashed in order as they land
    digest = _digest_for(first) if etag_md5 or (expected and fetch.workers <= 1) else None
    try:
        received, got = _fetch_into(client, bucket, key, fd, out, fetch, first=first, digest=digest,
                                    verify=bool(expected))
    finally:
        if digest is not None:
            digest.close()
    if expected and not got:
        got = _file_md5(fd, received)
    return received, expected, got


def _fetch_into(
    client: S3Client,
    bucket: str,
    key: str,
    fd: int,
    out: Sink,
    fetch: Fetch,
    *,
    first: Response,
    digest: Digest | None,
    verify: bool = False,
) -> tuple[int, str]:
    """→ (bytes received, MD5 of them from ``digest`` or "")."""
    span = _CONTENT_RANGE.match(first.headers.get("Content-Range", ""))
    if span is None or span.group(3) == "*":
        # the server ignored the Range header: the whole body is coming
        # (judged by Content-Range, not the status: some servers answer a range with 200)
        received = _stream(client, bucket, key, out, start=0, end=None, fetch=fetch, digest=digest, first=first)
        out.flush()
        return received, digest.hexdigest() if digest else ""
    total = int(span.group(3))
    first_end = int(span.group(2))
    if digest is not None or fetch.workers <= 1:
        received = _stream(client, bucket, key, out, start=0, end=first_end, fetch=fetch, digest=digest, first=first)
        if total > received:
            received += _stream(client, bucket, key, out, start=received, end=None, fetch=fetch, digest=digest)
        out.flush()
        return received, digest.hexdigest() if digest else ""
    out.flush()
    os.ftruncate(fd, total)
    ranges = [(s, min(s + fetch.part_size, total) - 1) for s in range(first_end + 1, total, fetch.part_size)]
    lock = threading.Lock()
    done = [0]
    stop = threading.Event()
    in_order = _InOrderDigest(fd, [(0, first_end), *ranges]) if verify else None

    def one(span_: tuple[int, int], first_answer: Response | None = None) -> None:
        out_at = _At(fd, span_[0], stop, in_order)
        count = _stream(client, bucket, key, out_at, start=span_[0], end=span_[1], fetch=fetch, first=first_answer)
        with lock:
            done[0] += count

    pool = ThreadPoolExecutor(max_workers=fetch.workers, thread_name_prefix="range")
    futures = [pool.submit(one, r) for r in ranges]
    try:
        one((0, first_end), first)
        for future in futures:
            future.result()
    except BaseException as failed:
        stop.set()
        # A failed range waits for the others before the file is closed. Ctrl-C / SIGTERM does not
        # wait for whole ranges to arrive: the ranges stop at their next write (``stop``) and the
        # process ends (S3.cli.main) as soon as the temporary file is removed.
        pool.shutdown(wait=isinstance(failed, Exception), cancel_futures=True)
        if in_order is not None:
            in_order.close()
        raise
    pool.shutdown(wait=True)
    return done[0], in_order.hexdigest() if in_order is not None else ""


def download_to_file(client: S3Client, bucket: str, key: str, dest: str, *, fetch: Fetch = Fetch()) -> int:
    """Download to ``dest`` atomically; returns bytes received."""
    for attempt in range(1, DOWNLOAD_TRIES + 1):
        try:
            return _download_once(client, bucket, key, dest, fetch)
        except _Mismatch as mismatch:
            if attempt == DOWNLOAD_TRIES:
                raise TransferError(
                    f"MD5 of the downloaded s3://{bucket}/{key} ({mismatch.got}) does not match the stored MD5 "
                    f"({mismatch.expected}) in {DOWNLOAD_TRIES} tries; nothing was written to '{dest}'. "
                    "Check the network or proxy between here and the server, and retry"
                ) from None
            log.warning("MD5 of the downloaded s3://%s/%s (%s) does not match the stored MD5 (%s): downloading "
                        "it again", bucket, key, mismatch.got, mismatch.expected)
    raise AssertionError("unreachable")


def _download_once(client: S3Client, bucket: str, key: str, dest: str, fetch: Fetch) -> int:
    """One try into a fresh temporary file; a mismatch removes it (atomic_file) and leaves ``dest`` untouched."""
    with atomic_file(dest, suffix=DOWNLOAD_SUFFIX) as fd:
        received, expected, got = _fetch_whole(client, bucket, key, fd, _FdWriter(fd), fetch)
        if not expected:
            _unverified(bucket, key)
        elif expected != got:
            raise _Mismatch(expected, got)
    return received


@dataclass(frozen=True)
class Resumed:
    """What ``resume_to_file`` left at the destination: always the whole object."""

    size: int  # the object's size: what s3cmd's download line counts, resumed bytes or not
    complete: bool = False  # the file was the whole object already: nothing fetched, nothing written


def resume_to_file(client: S3Client, bucket: str, key: str, dest: str, *, fetch: Fetch = Fetch()) -> Resumed:
    """``get --continue``: complete the partial file ``dest`` with the object's remaining bytes, then
    check the whole file; a file that turns out not to be the object's beginning is downloaded whole
    again (atomically, as ``download_to_file``)."""
    counted = [0]
    progress = fetch.progress

    def count(amount: int) -> None:
        counted[0] += amount
        if progress is not None:
            progress(amount)

    fd = _open_to_append(dest)
    if fd is not None:
        try:
            done = _append_rest(client, bucket, key, dest, fd, replace(fetch, progress=count))
        finally:
            os.close(fd)
        if done is not None:
            return done
        if progress is not None and counted[0]:
            progress(-counted[0])  # the meter starts over with the whole download
    return Resumed(download_to_file(client, bucket, key, dest, fetch=fetch))


def _open_to_append(dest: str) -> int | None:
    """``dest`` opened to append to and read back, or None when it cannot be resumed: missing, a
    symbolic link (appending would write to whatever it points to, maybe outside the destination),
    or not a plain file. O_NOFOLLOW and the second look after opening close the window in which the
    path could be swapped for a link (or a FIFO: O_NONBLOCK, so that opening one does not hang)."""
    try:
        if not stat.S_ISREG(os.lstat(dest).st_mode):
            return _not_resumable(dest)
        fd = os.open(dest, os.O_RDWR | os.O_APPEND | os.O_NOFOLLOW | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    except FileNotFoundError:
        return None
    except OSError as failed:
        if failed.errno not in (errno.ELOOP, errno.EMLINK):  # a link after all (Linux: ELOOP, FreeBSD: EMLINK)
            raise
        return _not_resumable(dest)
    if not stat.S_ISREG(os.fstat(fd).st_mode):
        os.close(fd)
        return _not_resumable(dest)
    return fd


def _not_resumable(dest: str) -> None:
    log.info("'%s' is not a plain file: not resumed, replaced by the whole object", dest)


def _append_rest(client: S3Client, bucket: str, key: str, dest: str, fd: int, fetch: Fetch) -> Resumed | None:
    """Append the bytes the file at ``fd`` lacks and check the whole file: the outcome, or None when
    the file is not the object (said in a WARNING or INFO line, as s3cmd says it) and must be fetched whole."""
    have = os.fstat(fd).st_size
    try:
        # from byte 0 no Range is sent: an empty object is then an empty answer, not a 416
        first = client.get_object(bucket, key, offset=have)
    except S3Error as failed:
        if not failed.is_unsatisfiable_range:
            raise
        # nothing from byte ``have`` on: the file is the whole object already, or longer than it
        # (its headers are told to no one: a file found whole is not received, and one that is not
        # is told about by the whole download that follows)
        return _check_whole(client.head_object(bucket, key), bucket, key, dest, fd, have=have)
    total = _object_size(first)
    if _bytes_in(first)[0] != have or total is None or total < have:
        # a server that ignores Range (its body starts at byte 0), or no size to check against
        first.close()
        log.info("s3://%s/%s cannot be resumed from byte %d: downloading it whole", bucket, key, have)
        return None
    _tell(first, fetch)
    if fetch.progress and have:
        fetch.progress(have)  # as s3cmd, the count goes on from the bytes already there
    appended = _stream(client, bucket, key, _FdWriter(fd), start=have, end=None, fetch=fetch, first=first)
    checked = _check_whole(first, bucket, key, dest, fd, have=os.fstat(fd).st_size)
    return None if checked is None else Resumed(checked.size, complete=not appended)


def _tell(answer: Response, fetch: Fetch) -> None:
    """The object's headers and size, to whoever asked (``Fetch.on_headers``, ``Fetch.on_total``)."""
    if fetch.on_headers:
        try:
            fetch.on_headers(as_headers(answer.headers).lowered())
        except BaseException:
            answer.close()
            raise
    size = _object_size(answer)
    if fetch.on_total and size is not None:
        fetch.on_total(size)


def _check_whole(answer: Response, bucket: str, key: str, dest: str, fd: int, *, have: int) -> Resumed | None:
    """Is the ``have``-byte file at ``fd`` the object that ``answer`` (a ranged GET or a HEAD) describes?
    Resumed(size, complete=True) when it is, None when it is not (after saying why, in s3cmd's words)."""
    total = _object_size(answer)
    if total is not None and have > total:
        log.info("Download forced for '%s' as source is smaller than local file", dest)
        return None
    expected = _expected_md5(answer, _checkable_md5(answer))
    if expected:
        got = _file_md5(fd, have)
        if got != expected:
            log.warning("MD5 signatures do not match: computed=%s, received=%s", got, expected)
            _replacing(dest, bucket, key)
            return None
    else:
        _unverified(bucket, key)
    if total is None or have != total:
        log.warning("Reported size (%s) does not match received size (%d)", total, have)
        _replacing(dest, bucket, key)
        return None
    return Resumed(total, complete=True)


def _replacing(dest: str, bucket: str, key: str) -> None:
    """What s3cmd's mismatch warning leaves unsaid: the file is not kept as it is."""
    log.warning("'%s' did not hold the beginning of s3://%s/%s: downloading the whole object to replace it",
                dest, bucket, key)


def download_to_stream(client: S3Client, bucket: str, key: str, out: IO[bytes], *, fetch: Fetch = Fetch()) -> int:
    """Stream to ``out`` (stdout) while hashing; bytes already written cannot be taken back, so a
    mismatch is an error that says so."""
    first = client.get_object(bucket, key)  # no Range: an empty object is an empty answer, not a 416
    if fetch.on_headers:  # before any byte is written: the caller may still refuse (and close) the answer
        try:
            fetch.on_headers(as_headers(first.headers).lowered())
        except BaseException:
            first.close()
            raise
    expected = _expected_md5(first, _checkable_md5(first))
    digest = _digest_for(first) if expected else None
    try:
        received = _stream(client, bucket, key, out, start=0, end=None, fetch=fetch, digest=digest, first=first)
        out.flush()
        got = digest.hexdigest() if digest else ""
    finally:
        if digest is not None:
            digest.close()
    if not expected:
        _unverified(bucket, key)
        # no MD5 to check (an object uploaded in parts by another tool): its size at least, from a HEAD,
        # since an answer cut short (or re-framed by a proxy) may say nothing of its own length
        size = header_size(client.head_object(bucket, key).headers, "Content-Length")
        if size is not None and size != received:
            raise TransferError(
                f"s3://{bucket}/{key} is {size} bytes, and {received} were received: the bytes already written "
                "to stdout are incomplete. Download it again")
    elif got != expected:
        raise TransferError(
            f"MD5 of s3://{bucket}/{key} as received ({got}) does not match the stored MD5 ({expected}): "
            f"the {received} bytes already written to stdout are corrupt. Download it again"
        )
    return received
