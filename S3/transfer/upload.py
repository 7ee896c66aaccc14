"""Put one file or stream into S3: a single PUT up to one part size, multipart above.

Parts go to a bounded pool; at most ``workers`` parts are read into memory at a
time. A failed part aborts the multipart upload so that no orphaned parts are
billed and nothing half-written appears under the key. Every body goes with its
Content-MD5 and the ETag answered is checked (``S3Client.put_object`` /
``upload_part``); the final ETag is checked against the parts' ETags.
"""

from __future__ import annotations

import hashlib
import os
import time
from collections.abc import Callable, Mapping
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass
from typing import IO

from S3.errors import ParameterError
from S3.output import log
from S3.s3.client import S3Client
from S3.s3.xml import Part
from S3.transfer.bandwidth import UNLIMITED, RateLimiter
from S3.transfer.chunking import stream_part_size

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
    # --continue-put / --upload-id: carry on with an unfinished multipart upload (see resume_point)
    resume: bool = False
    upload_id: str = ""


def _read_at(fd: int, offset: int, size: int) -> bytes:
    chunks = []
    while size > 0:
        data = os.pread(fd, size, offset)
        if not data:
            break
        chunks.append(data)
        offset += len(data)
        size -= len(data)
    return b"".join(chunks)


def upload_file(client: S3Client, path: str, plan: UploadPlan, *, progress: Progress | None = None) -> int:
    """Upload ``path``; returns the number of bytes sent."""
    with open(path, "rb") as handle:
        size = os.fstat(handle.fileno()).st_size
        if not plan.multipart or size <= plan.part_size:
            data = handle.read()
            plan.limiter.consume(len(data))
            client.put_object(plan.bucket, plan.key, data, headers=plan.headers)
            if progress:
                progress(len(data))
            return len(data)
        fd = handle.fileno()
        count = -(-size // plan.part_size)
        readers = [
            (number, min(plan.part_size, size - (number - 1) * plan.part_size),
             (lambda n=number: _read_at(fd, (n - 1) * plan.part_size, plan.part_size)))
            for number in range(1, count + 1)
        ]
        _multipart(client, plan, iter(readers), progress=progress)
        return size


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


def _multipart(client: S3Client, plan: UploadPlan, parts, *, progress: Progress | None) -> None:
    upload_id, existing = resume_point(client, plan) if plan.resume or plan.upload_id else ("", {})
    resumed = bool(upload_id)
    if not upload_id:
        upload_id = client.create_multipart(plan.bucket, plan.key, headers=plan.headers)
    etags: dict[int, str] = {}

    def send(number: int, reader: Callable[[], bytes]) -> None:
        data = reader()
        started = time.monotonic()
        if already_uploaded(existing.get(number), data, target=f"s3://{plan.bucket}/{plan.key}"):
            etags[number] = existing[number].etag
        else:
            plan.limiter.consume(len(data))
            etags[number] = client.upload_part(plan.bucket, plan.key, upload_id=upload_id, number=number, data=data)
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
        client.complete_multipart(plan.bucket, plan.key, upload_id=upload_id, parts=parts_in_order,
                                  part_etags=[etag.strip('"').lower() for _, etag in parts_in_order])
    except BaseException as failed:
        # parts not yet started are dropped; on an error those on the wire finish before the upload
        # is aborted. Ctrl-C / SIGTERM aborts at once: the process ends right after (S3.cli.main),
        # cutting the parts still being sent, so they never complete.
        pool.shutdown(wait=isinstance(failed, Exception), cancel_futures=True)
        if resumed and isinstance(failed, Exception):
            raise  # the user's upload, resumed: keep its parts for the next --continue-put
        try:
            client.abort_multipart(plan.bucket, plan.key, upload_id=upload_id)
        except Exception:  # the original failure is what the user needs to see
            pass
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


def already_uploaded(part: Part | None, data: bytes, *, target: str) -> bool:
    """True when the server's part has our part's size and its ETag is our part's MD5 (then it is not sent again)."""
    if part is None:
        return False
    if part.size != len(data):
        log.warning(f"MultiPart: size ({part.size} vs {len(data)}) does not match for {target} part {part.number}, "
                    "reuploading.")
        return False
    remote, local = part.etag.strip("\"'").lower(), hashlib.md5(data).hexdigest()
    if remote != local:
        log.warning(f"MultiPart: checksum ({remote} vs {local}) does not match for {target} part {part.number}, "
                    "reuploading.")
        return False
    log.warning(f"MultiPart: size and md5sum match for {target} part {part.number}, skipping.")
    return True
