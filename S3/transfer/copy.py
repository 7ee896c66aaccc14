"""Server-side copy of an object of any size: one CopyObject up to a threshold, above it a
multipart upload whose parts are copied from the source (UploadPartCopy), several at once.

CopyObject refuses sources over 5 GiB; s3cmd switches to part copies above
``multipart_copy_chunk_size_mb`` (cp, mv) or 5 GiB (modify). A failed part aborts the
upload, so that no orphaned parts are billed and nothing half-copied appears under the key.
Reads no environment variable or file.
"""

from __future__ import annotations

from collections.abc import Mapping
from concurrent.futures import FIRST_EXCEPTION, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, field

from S3.s3.client import S3Client

MAX_SINGLE_COPY = 5 * 1024 ** 3  # S3's limit for CopyObject


@dataclass(frozen=True)
class CopyPlan:
    src_bucket: str
    src_key: str
    bucket: str
    key: str
    size: int  # of the source
    headers: Mapping[str, str]  # what a single CopyObject sends along
    replace_metadata: bool
    threshold: int  # above this size the copy goes in parts
    part_size: int
    workers: int = 4
    # what the new object is created with when copied in parts: a multipart upload copies no
    # metadata from the source, so the caller passes the source's own (None: ``headers``)
    metadata: Mapping[str, str] | None = field(default=None)

    @property
    def in_parts(self) -> bool:
        return self.size > min(self.threshold, MAX_SINGLE_COPY)


def part_ranges(size: int, part_size: int) -> list[tuple[int, int, int]]:
    """(part number, first byte, last byte inclusive) covering ``size`` bytes."""
    if part_size < 1:
        raise ValueError("part size must be at least one byte")
    return [(number, first, min(first + part_size, size) - 1)
            for number, first in enumerate(range(0, size, part_size), start=1)]


def copy_object_any_size(client: S3Client, plan: CopyPlan) -> None:
    if not plan.in_parts:
        client.copy_object(plan.src_bucket, plan.src_key, plan.bucket, plan.key, headers=plan.headers,
                           replace_metadata=plan.replace_metadata)
        return
    headers = plan.headers if plan.metadata is None else plan.metadata
    upload_id = client.create_multipart(plan.bucket, plan.key, headers=headers)
    pool = ThreadPoolExecutor(max_workers=max(1, plan.workers), thread_name_prefix="copy-part")
    try:
        futures: dict[Future[str], int] = {
            pool.submit(client.upload_part_copy, plan.src_bucket, plan.src_key, plan.bucket, plan.key,
                        upload_id=upload_id, number=number, first=first, last=last): number
            for number, first, last in part_ranges(plan.size, plan.part_size)
        }
        done, _ = wait(futures, return_when=FIRST_EXCEPTION)
        for future in done:
            future.result()  # the first failure, raised before the others are waited for
        parts = sorted((futures[future], future.result()) for future in futures)
        client.complete_multipart(plan.bucket, plan.key, upload_id=upload_id, parts=parts,
                                  part_etags=[etag.strip('"').lower() for _, etag in parts])
    except BaseException:
        pool.shutdown(wait=False, cancel_futures=True)
        try:
            client.abort_multipart(plan.bucket, plan.key, upload_id=upload_id)
        except Exception:  # the original failure is what the user needs to see
            pass
        raise
    else:
        pool.shutdown(wait=True)
