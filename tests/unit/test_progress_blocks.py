"""Multipart upload blocks come out in part order whatever order the parts finish in."""

import io
from types import SimpleNamespace

from S3.cli.progress import PartBlocks, meter_text


def test_blocks_print_in_part_order() -> None:
    out = io.StringIO()
    blocks = PartBlocks(SimpleNamespace(stdout=out), "upload: 'f' -> 's3://b/f'", count=3, counter="[1 of 1]")
    blocks.part_done(2, 5 << 20, 1.0)
    assert out.getvalue() == ""  # part 1 still on the wire
    blocks.part_done(3, 1514240, 0.5)
    blocks.part_done(1, 5 << 20, 2.0)
    labels = out.getvalue().split("\n")[0::2]
    assert labels == [
        "upload: 'f' -> 's3://b/f'  [part 1 of 3, 5MB] [1 of 1]",
        "upload: 'f' -> 's3://b/f'  [part 2 of 3, 5MB] [1 of 1]",
        "upload: 'f' -> 's3://b/f'  [part 3 of 3, 1478KB] [1 of 1]",
        "",
    ]
    assert out.getvalue().split("\n")[1] == f"\r{meter_text(5 << 20, 5 << 20, 2.0)}\r{meter_text(5 << 20, 5 << 20, 2.0)}  done"


def test_meter_text_matches_s3cmd() -> None:
    assert meter_text(65536, 300000, 0.004) == "  65536 of 300000    21% in    0s    15.62 MB/s"
    assert meter_text(0, 0, 0.0) == " 0 of 0     0% in    0s     0.00 B/s"
    assert meter_text(300000, 300000, 0.2) == " 300000 of 300000   100% in    0s  1464.84 KB/s"
