"""The progress meter, in s3cmd 2.4.0's shape: label line, ``\\r`` meter redraws, ``done``."""

from __future__ import annotations

import os
import re

from tests.conftest import S3cmdRunner

_METER = re.compile(r" +(\d+) of (\d+) +(\d+)% in +\d+s +\d+\.\d\d [KMGT]?B/s")


def _meter_segments(text: str) -> list[tuple[int, int, int]]:
    """Every meter drawing (between ``\\r`` marks) as (done, total, percent)."""
    found = []
    for piece in text.split("\r")[1:]:
        match = _METER.match(piece)
        assert match, f"not a meter line: {piece!r}"
        found.append((int(match.group(1)), int(match.group(2)), int(match.group(3))))
    return found


def test_get_meter_knows_the_total_from_the_first_block(s3cmd: S3cmdRunner, bucket: str) -> None:
    size = 12 * 1024 * 1024 + 7
    (s3cmd.home / "big").write_bytes(os.urandom(size))
    assert s3cmd("--no-progress", "put", "big", f"s3://{bucket}/big").rc == 0
    result = s3cmd("--progress", "--multipart-chunk-size-mb=5", "get", f"s3://{bucket}/big", "out")
    assert result.rc == 0, result.output
    first_line, _, rest = result.stdout.partition("\n")
    assert first_line == f"download: 's3://{bucket}/big' -> 'out'  [1 of 1]"
    segments = _meter_segments(rest.rstrip("\n").removesuffix("  done"))
    assert rest.endswith("  done\n")
    assert all(total == size for _, total, _ in segments), segments
    assert segments[-1] == (size, size, 100)
    assert all(done < size and percent < 100 for done, _, percent in segments[:-1]), segments
    # the count is right-aligned to the width of the total, as s3cmd prints it
    assert rest.startswith(f"\r {str(segments[0][0]).rjust(len(str(size)))} of {size}   ")


def test_multipart_put_prints_a_block_per_part(s3cmd: S3cmdRunner, bucket: str) -> None:
    size = 12 * 1024 * 1024 + 7
    (s3cmd.home / "big").write_bytes(os.urandom(size))
    result = s3cmd("--progress", "--multipart-chunk-size-mb=5", "put", "big", f"s3://{bucket}/big")
    assert result.rc == 0, result.output
    lines = result.stdout.split("\n")
    assert lines[-1] == ""
    labels, meters = lines[0:-1:2], lines[1:-1:2]
    assert labels == [
        f"upload: 'big' -> 's3://{bucket}/big'  [part 1 of 3, 5MB] [1 of 1]",
        f"upload: 'big' -> 's3://{bucket}/big'  [part 2 of 3, 5MB] [1 of 1]",
        f"upload: 'big' -> 's3://{bucket}/big'  [part 3 of 3, 2MB] [1 of 1]",
    ]
    for meter, part in zip(meters, [5 << 20, 5 << 20, size - (10 << 20)], strict=True):
        assert meter.endswith("  done")
        assert _meter_segments(meter.removesuffix("  done"))[-1] == (part, part, 100)


def test_single_put_block(s3cmd: S3cmdRunner, bucket: str) -> None:
    (s3cmd.home / "small").write_bytes(b"x" * 300000)
    (s3cmd.home / "empty").write_bytes(b"")
    result = s3cmd("--progress", "put", "empty", "small", f"s3://{bucket}/")
    assert result.rc == 0, result.output
    lines = result.stdout.split("\n")
    assert lines[0] == f"upload: 'empty' -> 's3://{bucket}/empty'  [1 of 2]"
    assert lines[1] == "\r 0 of 0     0% in    0s     0.00 B/s\r 0 of 0     0% in    0s     0.00 B/s  done"
    assert lines[2] == f"upload: 'small' -> 's3://{bucket}/small'  [2 of 2]"
    assert _meter_segments(lines[3].removesuffix("  done"))[-1] == (300000, 300000, 100)


def test_sync_shows_the_meter_per_file_as_upstream(s3cmd: S3cmdRunner, bucket: str) -> None:
    """``sync`` on a terminal (--progress): one block per file (per part above the part size), in
    order, one file at a time, as s3cmd 2.4.0 prints them; no extra result line per file."""
    size = 12 * 1024 * 1024 + 7
    src = s3cmd.home / "src"
    src.mkdir()
    (src / "a").write_bytes(b"hello!")
    (src / "b").write_bytes(os.urandom(size))
    up = s3cmd("--progress", "--multipart-chunk-size-mb=5", "sync", "src/", f"s3://{bucket}/s/")
    assert up.rc == 0, up.output
    lines = up.stdout.split("\n")
    assert lines[0] == f"upload: 'src/a' -> 's3://{bucket}/s/a'  [1 of 2]"
    assert lines[1].endswith("  done") and _meter_segments(lines[1].removesuffix("  done"))[-1] == (6, 6, 100)
    assert lines[2:8:2] == [f"upload: 'src/b' -> 's3://{bucket}/s/b'  [part {n} of 3, {mb}MB] [2 of 2]"
                            for n, mb in ((1, 5), (2, 5), (3, 2))]
    assert lines[8].startswith("Done. Uploaded ") and lines[9:] == [""]
    down = s3cmd("--progress", "sync", f"s3://{bucket}/s/", "dst/")
    assert down.rc == 0, down.output
    lines = down.stdout.split("\n")
    assert lines[0] == f"download: 's3://{bucket}/s/a' -> 'dst/a'  [1 of 2]"
    assert _meter_segments(lines[1].removesuffix("  done"))[-1] == (6, 6, 100)
    assert lines[2] == f"download: 's3://{bucket}/s/b' -> 'dst/b'  [2 of 2]"
    assert lines[3].endswith("  done") and _meter_segments(lines[3].removesuffix("  done"))[-1] == (size, size, 100)
    assert lines[4].startswith("Done. Downloaded ") and lines[5:] == [""]
    assert (s3cmd.home / "dst" / "b").read_bytes() == (src / "b").read_bytes()
