"""Part sizes: s3cmd's ``multipart_chunk_size_mb`` (5 .. 5120 MB, S3's limits, else a
parameter problem as in upstream s3cmd), grown when a file would need more than S3's
10,000 parts."""

from __future__ import annotations

from S3.settings.limits import MAX_PART, MAX_PARTS, MIB, MIN_PART, check_chunk_size_mb

__all__ = ["MAX_PART", "MAX_PARTS", "MIB", "MIN_PART", "check_chunk_size_mb", "part_size", "stream_part_size"]


def stream_part_size(base: int, number: int, *, double_every: int = 2000) -> int:
    """Size of part ``number`` of a stream of unknown length (stdin).

    S3 lets parts differ in size, so a stream starts with ``base`` and doubles the part
    every ``double_every`` parts: 15 MiB parts reach about 900 GiB in 10,000 parts instead
    of stopping at 146 GiB; upload.py keeps fewer of the larger parts in flight, so memory
    stays within the same budget.
    """
    return min(MAX_PART, base * 2 ** ((number - 1) // double_every))


def part_size(configured_mb: int, total_size: int | None, *, max_parts: int = MAX_PARTS) -> int:
    size = check_chunk_size_mb(configured_mb) * MIB
    if total_size is not None:
        while size < MAX_PART and -(-total_size // size) > max_parts:
            size = min(MAX_PART, size * 2)
    return size
