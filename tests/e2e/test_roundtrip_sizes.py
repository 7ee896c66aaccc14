"""Byte-identical round trips through the real ``s3cmd`` at the sizes where transfer code
changes path: 0 B, 1 B, part size - 1, part size, part size + 1, and several parts (5 MiB
parts); the s3cmd-attrs MD5 of the stored object is the whole file's, and no multipart
upload is left open."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

from tests.conftest import S3cmdRunner

MiB = 1024 * 1024
PART = 5 * MiB
SIZES = [0, 1, PART - 1, PART, PART + 1, 3 * PART + 7]


def test_round_trips_are_byte_identical(s3cmd: S3cmdRunner, bucket: str, s3, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    for size in SIZES:
        source = tmp_path / f"up-{size}"
        data = os.urandom(size)
        source.write_bytes(data)
        key = f"sizes/{size}"
        put = s3cmd("put", "--multipart-chunk-size-mb=5", str(source), f"s3://{bucket}/{key}")
        assert put.rc == 0, put.output
        head = s3.head_object(Bucket=bucket, Key=key)
        assert f"md5:{hashlib.md5(data).hexdigest()}" in head["Metadata"]["s3cmd-attrs"]
        assert ("-" in head["ETag"]) == (size > PART)  # multipart above one part, a single PUT up to it
        target = tmp_path / f"down-{size}"
        get = s3cmd("get", "--multipart-chunk-size-mb=5", f"s3://{bucket}/{key}", str(target))
        assert get.rc == 0, get.output
        assert target.read_bytes() == data, size
    assert not s3.list_multipart_uploads(Bucket=bucket).get("Uploads")
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".") or p.name.endswith(".tmp")]
