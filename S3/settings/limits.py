"""S3's multipart limits (parts of 5 MiB to 5 GiB, at most 10,000 of them), checked once when
the run's settings are built and used by the transfer code that cuts files into parts."""

from __future__ import annotations

from S3.errors import ParameterError

MIB = 1024 * 1024
MIN_PART = 5 * MIB
MAX_PART = 5 * 1024 * MIB
MAX_PARTS = 10000


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
