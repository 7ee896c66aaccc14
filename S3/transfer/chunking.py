"""Part sizes: s3cmd's ``multipart_chunk_size_mb`` (5 .. 5120 MB, S3's limits, else a
parameter problem as in upstream s3cmd), grown when a file would need more than S3's
10,000 parts."""

from __future__ import annotations

from S3.errors import ParameterError

MIB = 1024 * 1024
MIN_PART = 5 * MIB
MAX_PART = 5 * 1024 * MIB
MAX_PARTS = 10000


def stream_part_size(base: int, number: int, *, double_every: int = 2000) -> int:
    """Size of part ``number`` of a stream of unknown length (stdin).

    S3 lets parts differ in size, so a stream starts with ``base`` and doubles the part
    every ``double_every`` parts: 15 MiB parts reach about 900 GiB in 10,000 parts instead
    of stopping at 146 GiB; upload.py keeps fewer of the larger parts in flight, so memory
    stays within the same budget.
    """
    return min(MAX_PART, base * 2 ** ((number - 1) // double_every))


def check_chunk_size_mb(configured_mb: int) -> int:
    """Refuse a part size S3 would refuse, rather than silently send another one."""
    low, high = MIN_PART // MIB, MAX_PART // MIB
    if configured_mb < low:
        raise ParameterError(
            f"Chunk size {configured_mb} MB is too small, must be >= {low} MB. Please adjust --multipart-chunk-size-mb"
        )
    if configured_mb > high:
        raise ParameterError(
            f"Chunk size {configured_mb} MB is too large, must be <= {high} MB. Please adjust --multipart-chunk-size-mb"
        )
    return configured_mb


def part_size(configured_mb: int, total_size: int | None, *, max_parts: int = MAX_PARTS) -> int:
    size = check_chunk_size_mb(configured_mb) * MIB
    if total_size is not None:
        while size < MAX_PART and -(-total_size // size) > max_parts:
            size = min(MAX_PART, size * 2)
    return size
