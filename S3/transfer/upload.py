"""Put one file or stream into S3: a single PUT up to one part size, multipart above.

A file's multipart upload holds no part in memory. Threads of their own hash the parts in
order (MD5, checked against each part's ETag; SHA-256 for the signature) through a reused 1 MiB
buffer, up to 1 GiB ahead of the parts being sent (``_PartHasher``); the senders then read each
part again (from the page cache) as they send it. Meanwhile one thread takes the whole file's MD5
that s3cmd-attrs carries (``UploadPlan.with_md5``), and the upload is initiated the moment it is
known. So no serial MD5 pass comes before the parts' hashing, and memory is ~1 MiB per thread
whatever the part size. Should the file change between the two reads, the signed SHA-256 (or,
unsigned, Content-MD5) makes the server refuse the part, and the ETag check catches a server that
stores it anyway.

A stream (stdin) keeps at most ``workers`` parts in memory. A failed part aborts the multipart
upload so that no orphaned parts are billed and nothing half-written appears under the key.
Every body goes with its Content-MD5 or a signed SHA-256, and the ETag answered is checked
(``S3Client.put_object`` / ``upload_part``); the final ETag is checked against the parts' ETags.
"""

from __future__ import annotations

import hashlib
import os
import threading
import time
from collections.abc import Callable, Iterable, Mapping
from concurrent.futures import FIRST_COMPLETED, Future, InvalidStateError, ThreadPoolExecutor, wait
from dataclasses import dataclass
from typing import IO

from S3.errors import LocalFileError, ParameterError
from S3.output import log
from S3.s3.client import S3Client
from S3.s3.etag import encrypted_etag
from S3.s3.payload import PrehashedBody
from S3.s3.xml import Part
from S3.transfer.bandwidth import UNLIMITED, RateLimiter
from S3.transfer.chunking import stream_part_size

BUFFER = 1024 * 1024  # one per hashing thread, reused: large enough that hashlib runs without the GIL
HASH_AHEAD = 1024 * 1024 * 1024  # bytes hashed ahead of those sent: read again from the page cache

Progress = Callable[[int], None]


@dataclass(frozen=True)
class UploadPlan:
    bucket: str
    key: str
    headers: Mapping[str, str]
    part_size: int
    workers: int
    multipart: bool = True
    limiter: RateLimiter = UNLIMITED
    stream_double_every: int = 2000  # parts of a stream double in size this often (chunking.stream_part_size)
    on_part: Callable[[int, int, float], None] | None = None  # (number, size, seconds) as each part is sent
    # headers that need the whole file's MD5 (s3cmd-attrs), made from it once upload_file knows it
    with_md5: Callable[[str], Mapping[str, str]] | None = None
    # SHA-256 of each part in the signature; None: only over plain HTTP. Over HTTPS parts go
    # UNSIGNED-PAYLOAD, as the AWS CLI sends them: TLS guards the bytes in transit and the signed
    # Content-MD5 and the ETag check still tie the stored part to the file (-0.3 s CPU per 512 MiB).
    sign_payload: bool | None = None
    # --continue-put / --upload-id: carry on with an unfinished multipart upload (see resume_point)
    resume: bool = False
    upload_id: str = ""


class FileShrank(LocalFileError):
    """The file ended before the size it had when the upload began."""


class _Abandoned(Exception):
    """The upload failed elsewhere while the whole-file MD5 was being taken."""


class _RangeReader:
    """``read`` for the HTTP library: bytes ``offset .. offset+length`` of ``fd`` (``pread``: threads
    reading other parts of the same descriptor do not disturb it)."""

    def __init__(self, fd: int, offset: int, length: int) -> None:
        self._fd, self._offset, self._left = fd, offset, length

    def read(self, size: int = -1) -> bytes:
        wanted = self._left if size < 0 else min(size, self._left)
        if wanted <= 0:
            return b""
        data = os.pread(self._fd, wanted, self._offset)
        if not data:
            raise FileShrank(f"The file became shorter while it was being uploaded (at byte {self._offset})")
        self._offset += len(data)
        self._left -= len(data)
        return data


@dataclass(frozen=True)
class FilePart:
    """A part of an open file with its digests (``S3.s3.payload.PrehashedBody``)."""

    fd: int
    offset: int
    length: int
    md5: bytes
    sha256: str

    def __len__(self) -> int:
        return self.length

    def reader(self) -> _RangeReader:
        return _RangeReader(self.fd, self.offset, self.length)


_buffers = threading.local()


def _scan(fd: int, offset: int, length: int, digests: Iterable[hashlib._Hash], stop: threading.Event | None = None) -> None:
    """Feed bytes ``offset .. offset+length`` of ``fd`` to ``digests`` through this thread's reused buffer."""
    buffer: bytearray | None = getattr(_buffers, "buffer", None)
    if buffer is None:
        buffer = _buffers.buffer = bytearray(BUFFER)
    view = memoryview(buffer)
    while length > 0:
        if stop is not None and stop.is_set():
            return
        got = os.preadv(fd, [view[: min(BUFFER, length)]], offset)
        if got <= 0:
            raise FileShrank(f"The file became shorter while it was being uploaded (at byte {offset})")
        for digest in digests:
            digest.update(view[:got])
        offset += got
        length -= got


def digest_part(fd: int, offset: int, length: int, *, signed: bool = True) -> FilePart:
    """The part's MD5, and its SHA-256 when ``signed`` (else "" : sent as UNSIGNED-PAYLOAD)."""
    md5 = hashlib.md5()
    if not signed:
        _scan(fd, offset, length, (md5,))
        return FilePart(fd, offset, length, md5.digest(), "")
    sha256 = hashlib.sha256()
    _scan(fd, offset, length, (md5, sha256))
    return FilePart(fd, offset, length, md5.digest(), sha256.hexdigest())


HEAD = 2048  # bytes a MIME sniffer (libmagic) looks at
_GROWN_BLOCK = 1 << 20  # reads past the size a file had when it was opened


@dataclass(frozen=True)
class LocalRead:
    """What put needs of a local file, from one open: its stat, its first bytes (MIME type), and for a
    file sent in one PUT its whole body and MD5 (``body`` None: a multipart upload reads it itself)."""

    stat: os.stat_result
    head: bytes
    body: bytes | None
    md5: str  # hex MD5 of body; "" when body is None


def read_local(path: str, *, whole_up_to: int) -> LocalRead:
    """Open ``path`` once: stat, head and, when it is at most ``whole_up_to`` bytes, body and MD5.
    (put used to open a small file three times: MD5, MIME head, body.) Plain descriptor calls:
    a buffered file object costs six more system calls per file than the read itself."""
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_CLOEXEC", 0))
    try:
        stat = os.fstat(fd)
        if stat.st_size > whole_up_to:
            return LocalRead(stat, _read(fd, HEAD, to_end=False), None, "")
        body = _read(fd, stat.st_size + 1, to_end=True)
    finally:
        os.close(fd)
    return LocalRead(stat, body[:HEAD], body, hashlib.md5(body).hexdigest())


def _read(fd: int, size: int, *, to_end: bool) -> bytes:
    """``size`` bytes from ``fd`` (fewer at its end); with ``to_end``, on to the end whatever the size
    (a file that grew since its stat is sent whole, as it is read)."""
    chunks: list[bytes] = []
    wanted = size
    while wanted > 0 or to_end:
        chunk = os.read(fd, wanted if wanted > 0 else _GROWN_BLOCK)
        if not chunk:
            break
        chunks.append(chunk)
        wanted -= len(chunk)
    return b"".join(chunks)


def upload_file(client: S3Client, path: str, plan: UploadPlan, *, progress: Progress | None = None,
                local: LocalRead | None = None) -> int:
    """Upload ``path``; returns the number of bytes sent. ``local`` (from ``read_local``) spares
    reading again a file sent in one PUT."""
    if local is not None and local.body is not None:
        return _put_whole(client, local.body, local.md5, plan, progress=progress)
    with open(path, "rb") as handle:
        size = os.fstat(handle.fileno()).st_size
        if not plan.multipart or size <= plan.part_size:
            data = handle.read()
            md5 = hashlib.md5(data).hexdigest() if plan.with_md5 is not None else ""
            return _put_whole(client, data, md5, plan, progress=progress)
        _multipart_file(client, handle.fileno(), size, plan, progress=progress)
        return size


def _put_whole(client: S3Client, data: bytes, md5: str, plan: UploadPlan, *, progress: Progress | None) -> int:
    headers = plan.headers
    if plan.with_md5 is not None:
        headers = {**headers, **plan.with_md5(md5)}
    plan.limiter.consume(len(data))
    client.put_object(plan.bucket, plan.key, data, headers=headers)
    if progress:
        progress(len(data))
    return len(data)


def _multipart_file(client: S3Client, fd: int, size: int, plan: UploadPlan, *, progress: Progress | None) -> None:
    """Parts hashed by the workers while one thread takes the whole-file MD5; initiated when it is known."""
    stop = threading.Event()
    whole: Future[str] = Future()

    def whole_md5() -> None:
        try:
            digest = hashlib.md5()
            _scan(fd, 0, size, (digest,), stop)
            if stop.is_set():
                raise _Abandoned()
            whole.set_result(digest.hexdigest())
        except BaseException as failed:  # handed to the thread that initiates the upload
            whole.set_exception(failed)

    def initiate() -> str:
        headers = plan.headers
        if plan.with_md5 is not None:
            headers = {**headers, **plan.with_md5(whole.result())}
        return client.create_multipart(plan.bucket, plan.key, headers=headers)

    if plan.with_md5 is not None:
        threading.Thread(target=whole_md5, name="whole-md5", daemon=True).start()
    signed = plan.sign_payload if plan.sign_payload is not None else not client.endpoint.use_https
    count = -(-size // plan.part_size)

    def part(number: int) -> FilePart:
        offset = (number - 1) * plan.part_size
        return digest_part(fd, offset, min(plan.part_size, size - offset), signed=signed)

    hasher = _PartHasher(part, count, ahead=max(2 * plan.workers, HASH_AHEAD // plan.part_size), stop=stop)
    parts = (
        (number, min(plan.part_size, size - (number - 1) * plan.part_size), (lambda n=number: hasher.part(n)))
        for number in range(1, count + 1)
    )
    try:
        # a FilePart holds no bytes: the budget below only sets how many parts are in flight
        _multipart(client, plan, parts, progress=progress, initiate=initiate, cancel=stop.set)
    finally:
        stop.set()  # an abandoned upload stops the whole-file pass and the part hashing too
        hasher.close()


class _PartHasher:
    """The parts' digests (MD5 for the ETag check, SHA-256 for the signature), taken in order by their own
    threads up to ``ahead`` parts beyond those being sent. While the upload waits for the whole-file
    MD5 (s3cmd-attrs is sent when it is initiated) the other core hashes the parts, so once it is
    initiated the parts only have to be sent. A digest holds no bytes: looking ahead costs no memory."""

    def __init__(self, digest: Callable[[int], FilePart], count: int, *, ahead: int, stop: threading.Event) -> None:
        self._digest, self._stop = digest, stop
        self._room = threading.Semaphore(max(1, ahead))
        self._results: list[Future[FilePart]] = [Future() for _ in range(count)]
        # one core is taken by the whole-file MD5 until the upload starts; more hashing threads would slow it
        threads = max(1, min((os.cpu_count() or 1) - 1, 4))
        self._pool = ThreadPoolExecutor(max_workers=threads, thread_name_prefix="part-hash")
        self._feeder = threading.Thread(target=self._feed, name="part-hash-feed", daemon=True)
        self._feeder.start()

    def _feed(self) -> None:
        for index in range(len(self._results)):
            while not self._room.acquire(timeout=0.2):
                if self._stop.is_set():
                    return
            if self._stop.is_set():
                return
            self._pool.submit(self._one, index)

    def _one(self, index: int) -> None:
        if self._stop.is_set():
            _settle(self._results[index], error=_Abandoned())
            return
        try:
            _settle(self._results[index], value=self._digest(index + 1))
        except BaseException as failed:  # handed to the sender of this part
            _settle(self._results[index], error=failed)

    def part(self, number: int) -> FilePart:
        """Part ``number``'s digests (waiting for them); makes room for one more part to be hashed."""
        try:
            return self._results[number - 1].result()
        finally:
            self._room.release()

    def close(self) -> None:
        """Stop hashing; a sender still waiting for a part gets ``_Abandoned``."""
        self._stop.set()
        self._pool.shutdown(wait=False, cancel_futures=True)
        for result in self._results:
            _settle(result, error=_Abandoned())


def _settle(result: Future[FilePart], *, value: FilePart | None = None, error: BaseException | None = None) -> None:
    """Set ``result`` unless it is set already (a hashing thread and ``close`` may race to it)."""
    try:
        if error is not None:
            result.set_exception(error)
        elif value is not None:
            result.set_result(value)
    except InvalidStateError:
        pass


def upload_stream(client: S3Client, stream: IO[bytes], plan: UploadPlan, *, progress: Progress | None = None) -> int:
    """Upload from a non-seekable stream (stdin); memory is a few parts at most."""
    first = _read_full(stream, plan.part_size)
    if len(first) < plan.part_size or not plan.multipart:
        rest = b"" if len(first) < plan.part_size else stream.read()
        data = first + rest
        plan.limiter.consume(len(data))
        client.put_object(plan.bucket, plan.key, data, headers=plan.headers)
        if progress:
            progress(len(data))
        return len(data)
    total = 0

    def parts():  # read lazily by the submitting loop, so at most `workers` parts are in memory
        nonlocal total
        number = 1
        chunk = first
        while chunk:
            total += len(chunk)
            yield number, len(chunk), (lambda c=chunk: c)
            number += 1
            chunk = _read_full(stream, stream_part_size(plan.part_size, number, double_every=plan.stream_double_every))

    _multipart(client, plan, parts(), progress=progress)
    return total


def _read_full(stream: IO[bytes], size: int) -> bytes:
    chunks = []
    remaining = size
    while remaining > 0:
        data = stream.read(remaining)
        if not data:
            break
        chunks.append(data)
        remaining -= len(data)
    return b"".join(chunks)


# After Ctrl-C / SIGTERM the abort gets this long (Kubernetes sends SIGKILL 30 s after SIGTERM by default):
# a stalled or dead network must not keep a stopping process for its timeouts and retries (minutes).
ABORT_WHEN_INTERRUPTED_SECONDS = 10.0


def _abort(client: S3Client, plan: UploadPlan, upload_id: str, *, interrupted: bool) -> None:
    """Abort the multipart upload; when interrupted, within ABORT_WHEN_INTERRUPTED_SECONDS, else say how
    to remove it. Its own failure is not raised: the original failure is what the user needs to see."""
    done = threading.Event()

    def abort() -> None:
        try:
            client.abort_multipart(plan.bucket, plan.key, upload_id=upload_id)
        except Exception:
            pass
        finally:
            done.set()

    if not interrupted:
        abort()
        return
    # a daemon thread: the process ends right after, whether or not the answer came
    threading.Thread(target=abort, daemon=True, name="abort-multipart").start()
    if not done.wait(ABORT_WHEN_INTERRUPTED_SECONDS):
        log.warning(f"The multipart upload of s3://{plan.bucket}/{plan.key} could not be aborted within "
                    f"{ABORT_WHEN_INTERRUPTED_SECONDS:.0f} s; remove it with: "
                    f"s3cmd abortmp s3://{plan.bucket}/{plan.key} {upload_id}")


def _multipart(client: S3Client, plan: UploadPlan, parts, *, progress: Progress | None,  # type: ignore[no-untyped-def]
               initiate: Callable[[], str] | None = None, cancel: Callable[[], None] = lambda: None) -> None:
    """``initiate`` (default: now, with the plan's headers) is called by the first part ready to be
    sent, so parts are read and hashed while it waits (for the whole-file MD5); ``cancel`` makes a
    waiting ``initiate`` give up."""
    started_upload: Future[str] = Future()
    upload_lock = threading.Lock()
    etags: dict[int, str] = {}
    existing: dict[int, Part] = {}
    resumed = False
    if plan.resume or plan.upload_id:
        found_id, existing = resume_point(client, plan)
        if found_id:
            resumed = True
            started_upload.set_result(found_id)

    def upload_id() -> str:
        with upload_lock:  # one thread initiates; the others wait for its answer
            if not started_upload.done():
                try:
                    started_upload.set_result(initiate() if initiate else
                                              client.create_multipart(plan.bucket, plan.key, headers=plan.headers))
                except BaseException as failed:
                    started_upload.set_exception(failed)
        return started_upload.result()

    if initiate is None:
        upload_id()

    unverifiable = encrypted_etag(plan.headers)  # SSE-KMS / SSE-C asked for: the parts' ETags are no MD5s

    def send(number: int, reader: Callable[[], bytes]) -> None:
        data = reader()
        started = time.monotonic()
        if already_uploaded(existing.get(number), data, target=f"s3://{plan.bucket}/{plan.key}"):
            etags[number] = existing[number].etag
        else:
            plan.limiter.consume(len(data))
            etags[number] = client.upload_part(plan.bucket, plan.key, upload_id=upload_id(), number=number, data=data,
                                               etag_unverifiable=unverifiable)
        if plan.on_part:
            plan.on_part(number, len(data), time.monotonic() - started)
        if progress:
            progress(len(data))

    # Memory stays within `workers` parts of the planned size: when a stream's parts grow,
    # fewer of them are in flight at once.
    budget = plan.workers * plan.part_size
    pool = ThreadPoolExecutor(max_workers=plan.workers, thread_name_prefix="part")
    try:
        in_flight: dict[Future[None], int] = {}
        for number, size, reader in parts:
            while in_flight and sum(in_flight.values()) + size > budget:  # start as soon as room frees up
                done, _ = wait(in_flight, return_when=FIRST_COMPLETED)
                for future in done:
                    in_flight.pop(future)
                    future.result()
            in_flight[pool.submit(send, number, reader)] = size
        for future in in_flight:
            future.result()
        parts_in_order = sorted(etags.items())
        client.complete_multipart(plan.bucket, plan.key, upload_id=upload_id(), parts=parts_in_order,
                                  part_etags=[etag.strip('"').lower() for _, etag in parts_in_order])
    except BaseException as failed:
        # parts not yet started are dropped; on an error those on the wire finish before the upload
        # is aborted. Ctrl-C / SIGTERM aborts at once: the process ends right after (S3.cli.main),
        # cutting the parts still being sent, so they never complete.
        cancel()
        pool.shutdown(wait=isinstance(failed, Exception), cancel_futures=True)
        if resumed and isinstance(failed, Exception):
            raise  # the user's upload, resumed: keep its parts for the next --continue-put
        with upload_lock:  # an initiation under way finishes first; none starts after this
            if not started_upload.done():
                started_upload.set_exception(_Abandoned())
        if not started_upload.exception():
            _abort(client, plan, started_upload.result(), interrupted=not isinstance(failed, Exception))
        raise
    else:
        pool.shutdown(wait=True)


# -- resuming an unfinished multipart upload (put --continue-put / --upload-id) --------------


def resume_point(client: S3Client, plan: UploadPlan) -> tuple[str, dict[int, Part]]:
    """The upload to carry on with and the parts it already has; ``("", {})`` when there is none.

    ``--upload-id`` names it; otherwise it is the key's one unfinished upload (several are
    ambiguous: the user picks one with ``s3cmd multipart``).
    """
    upload_id = plan.upload_id
    if not upload_id:
        found = [upload.upload_id for upload in client.list_multipart_uploads(plan.bucket) if upload.key == plan.key]
        if len(found) > 1:
            raise ParameterError(
                f"More than one UploadId for URI s3://{plan.bucket}/{plan.key}. Disable multipart upload, or use "
                f"'s3cmd multipart s3://{plan.bucket}' to list the Ids, then pass a unique --upload-id into the put "
                "command."
            )
        if not found:
            return "", {}
        upload_id = found[0]
    return upload_id, {part.number: part for part in client.list_parts(plan.bucket, plan.key, upload_id=upload_id)}


def already_uploaded(part: Part | None, data: bytes | PrehashedBody, *, target: str) -> bool:
    """True when the server's part has our part's size and its ETag is our part's MD5 (then it is not sent again)."""
    if part is None:
        return False
    if part.size != len(data):
        log.warning(f"MultiPart: size ({part.size} vs {len(data)}) does not match for {target} part {part.number}, "
                    "reuploading.")
        return False
    known = getattr(data, "md5", None)  # a file part is hashed already; a stream's part is bytes
    local = known.hex() if isinstance(known, bytes) else hashlib.md5(data).hexdigest()
    remote = part.etag.strip("\"'").lower()
    if remote != local:
        log.warning(f"MultiPart: checksum ({remote} vs {local}) does not match for {target} part {part.number}, "
                    "reuploading.")
        return False
    log.warning(f"MultiPart: size and md5sum match for {target} part {part.number}, skipping.")
    return True
