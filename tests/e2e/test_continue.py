"""``get --continue`` through the real executable against moto: the file a user ends up with is the
object's bytes, whatever was at the destination.

A correct partial file is completed in place with the bytes it lacks; one that is not the object's
beginning (other bytes, longer than the object, same size but different) is reported with s3cmd's
``WARNING: MD5 signatures do not match`` line and a warning that it is replaced (a longer one with
s3cmd's INFO line), and downloaded whole again; a symbolic link at the destination is replaced,
never appended through. The ``download:`` line counts the whole object, as s3cmd 2.4.0 prints it (checked side by side against the same server).
"""

from __future__ import annotations

import hashlib
import os
import re
from pathlib import Path

import pytest

from tests.conftest import S3cmdRunner

pytestmark = pytest.mark.e2e

OBJECT = b"hello world, the real content"
RATE = r"\(\d+ bytes in \d+\.\d seconds, -?\d+\.\d\d [KMG]?B/s\)"
MiB = 1024 * 1024


def md5(data: bytes) -> str:
    return hashlib.md5(data).hexdigest()


def download_line(bucket: str, key: str, dest: str, size: int) -> str:
    return rf"download: 's3://{bucket}/{re.escape(key)}' -> '{re.escape(dest)}' \({size} bytes in "


def mismatch_lines(computed: bytes, received: bytes, *, dest: str, uri: str) -> list[str]:
    """s3cmd's warning, then ours saying what happens to the file."""
    return [f"WARNING: MD5 signatures do not match: computed={md5(computed)}, received={md5(received)}",
            f"WARNING: '{dest}' did not hold the beginning of {uri}: downloading the whole object to replace it"]


def test_a_wrong_partial_file_is_reported_and_replaced_by_the_object(s3cmd: S3cmdRunner, bucket: str, s3) -> None:  # type: ignore[no-untyped-def]
    s3.put_object(Bucket=bucket, Key="obj", Body=OBJECT)
    local = s3cmd.home / "obj"
    local.write_bytes(b"XXXXX")
    got = s3cmd("get", "--continue", f"s3://{bucket}/obj", "obj")
    assert got.rc == 0, got.output
    assert local.read_bytes() == OBJECT
    # what was appended, as s3cmd words it, then the whole object fetched again
    assert got.stderr.splitlines() == mismatch_lines(b"XXXXX" + OBJECT[5:], OBJECT, dest="obj", uri=f"s3://{bucket}/obj")
    assert re.fullmatch(download_line(bucket, "obj", "obj", len(OBJECT)) + r".*\n", got.stdout), got.stdout


def test_a_local_file_longer_than_the_object_is_downloaded_again(s3cmd: S3cmdRunner, bucket: str, s3) -> None:  # type: ignore[no-untyped-def]
    s3.put_object(Bucket=bucket, Key="obj", Body=OBJECT)
    local = s3cmd.home / "obj"
    local.write_bytes(OBJECT + b" and more that the object never had")
    got = s3cmd("-v", "get", "--continue", f"s3://{bucket}/obj", "obj")
    assert got.rc == 0, got.output
    assert local.read_bytes() == OBJECT
    assert "INFO: Download forced for 'obj' as source is smaller than local file" in got.stderr
    assert not [line for line in got.stderr.splitlines() if line.startswith(("WARNING:", "ERROR:"))]
    assert re.search(download_line(bucket, "obj", "obj", len(OBJECT)), got.stdout), got.stdout


def test_a_file_of_the_same_size_but_other_bytes_is_replaced(s3cmd: S3cmdRunner, bucket: str, s3) -> None:  # type: ignore[no-untyped-def]
    s3.put_object(Bucket=bucket, Key="obj", Body=OBJECT)
    local = s3cmd.home / "obj"
    wrong = OBJECT.replace(b"real", b"fake")
    local.write_bytes(wrong)
    got = s3cmd("get", "--continue", f"s3://{bucket}/obj", "obj")
    assert got.rc == 0, got.output
    assert local.read_bytes() == OBJECT
    assert got.stderr.splitlines() == mismatch_lines(wrong, OBJECT, dest="obj", uri=f"s3://{bucket}/obj")


def test_a_symlink_at_the_destination_is_replaced_not_appended_through(s3cmd: S3cmdRunner, bucket: str, s3, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    s3.put_object(Bucket=bucket, Key="obj", Body=OBJECT)
    outside = tmp_path / "outside"
    outside.write_bytes(b"hello")  # the object's beginning: appending through the link would "work"
    (s3cmd.home / "dest").mkdir()
    link = s3cmd.home / "dest" / "obj"
    link.symlink_to(outside)
    got = s3cmd("get", "-r", "--continue", f"s3://{bucket}/obj", "dest/")
    assert got.rc == 0, got.output
    assert outside.read_bytes() == b"hello"
    assert not link.is_symlink()
    assert link.read_bytes() == OBJECT
    assert re.search(download_line(bucket, "obj", "dest/obj", len(OBJECT)), got.stdout), got.stdout


def test_a_correct_partial_file_gets_only_the_missing_bytes_and_the_whole_size_is_counted(s3cmd: S3cmdRunner, bucket: str, s3) -> None:  # type: ignore[no-untyped-def]
    data = os.urandom(300_000)
    s3.put_object(Bucket=bucket, Key="blob", Body=data)
    local = s3cmd.home / "blob"
    local.write_bytes(data[:100_000])
    inode = local.stat().st_ino
    got = s3cmd("get", "--continue", f"s3://{bucket}/blob", "blob")
    assert got.rc == 0, got.output
    assert local.read_bytes() == data
    assert local.stat().st_ino == inode  # appended to in place, not downloaded again into a new file
    assert got.stderr == ""
    # as s3cmd: the whole object's size, not the 200,000 bytes appended
    assert re.fullmatch(download_line(bucket, "blob", "blob", len(data)) + r".*\n", got.stdout), got.stdout


def test_a_file_already_whole_is_left_alone(s3cmd: S3cmdRunner, bucket: str, s3) -> None:  # type: ignore[no-untyped-def]
    s3.put_object(Bucket=bucket, Key="obj", Body=OBJECT)
    local = s3cmd.home / "obj"
    local.write_bytes(OBJECT)
    before = local.stat()
    got = s3cmd("-v", "get", "--continue", f"s3://{bucket}/obj", "obj")
    assert got.rc == 0, got.output
    assert got.stdout == ""
    assert "INFO: Skipping over existing file: 'obj'" in got.stderr
    after = local.stat()
    assert (after.st_ino, after.st_mtime_ns) == (before.st_ino, before.st_mtime_ns)
    assert local.read_bytes() == OBJECT


@pytest.mark.parametrize(("body", "local", "replaced"), [
    (b"", b"", False),  # an empty file is the whole of an empty object
    (b"", b"x", True),  # longer than the object
    (b"a", b"", False),  # the one byte is fetched
    (b"a", b"a", False),
    (b"a", b"b", True),  # same size, other byte
], ids=["0-of-0", "1-of-0", "0-of-1", "1-of-1", "wrong-1-of-1"])
def test_empty_and_one_byte_objects(s3cmd: S3cmdRunner, bucket: str, s3, body: bytes, local: bytes,  # type: ignore[no-untyped-def]
                                    replaced: bool) -> None:
    s3.put_object(Bucket=bucket, Key="tiny", Body=body)
    path = s3cmd.home / "tiny"
    path.write_bytes(local)
    got = s3cmd("get", "--continue", f"s3://{bucket}/tiny", "tiny")
    assert got.rc == 0, got.output
    assert path.read_bytes() == body
    if local == body:  # whole already: nothing said, as s3cmd
        assert got.output == ""
    else:
        assert re.search(download_line(bucket, "tiny", "tiny", len(body)), got.stdout), got.stdout
    if replaced and len(local) == len(body):
        assert got.stderr.splitlines() == mismatch_lines(local, body, dest="tiny", uri=f"s3://{bucket}/tiny")
    elif not replaced:
        assert got.stderr == ""


def test_a_multipart_object_is_checked_against_the_md5_in_its_s3cmd_attrs(s3cmd: S3cmdRunner, bucket: str, s3) -> None:  # type: ignore[no-untyped-def]
    data = os.urandom(6 * MiB + 11)
    (s3cmd.home / "up").write_bytes(data)
    put = s3cmd("put", "--multipart-chunk-size-mb=5", "up", f"s3://{bucket}/mp")
    assert put.rc == 0, put.output
    assert "-" in s3.head_object(Bucket=bucket, Key="mp")["ETag"]
    local = s3cmd.home / "mp"
    wrong = bytearray(data[:MiB])
    wrong[1000] ^= 1
    local.write_bytes(bytes(wrong))
    got = s3cmd("get", "--continue", f"s3://{bucket}/mp", "mp")
    assert got.rc == 0, got.output
    assert local.read_bytes() == data
    assert got.stderr.splitlines() == mismatch_lines(bytes(wrong) + data[MiB:], data, dest="mp", uri=f"s3://{bucket}/mp")


def _multipart_without_attrs(s3, bucket: str, key: str, data: bytes) -> None:  # type: ignore[no-untyped-def]
    """Uploaded in two parts by another client: no MD5 is known for it (its ETag ends in -2)."""
    upload = s3.create_multipart_upload(Bucket=bucket, Key=key)["UploadId"]
    parts = []
    for number, chunk in enumerate((data[:5 * MiB], data[5 * MiB:]), start=1):
        etag = s3.upload_part(Bucket=bucket, Key=key, UploadId=upload, PartNumber=number, Body=chunk)["ETag"]
        parts.append({"PartNumber": number, "ETag": etag})
    s3.complete_multipart_upload(Bucket=bucket, Key=key, UploadId=upload, MultipartUpload={"Parts": parts})


def test_without_a_known_md5_the_size_is_still_checked(s3cmd: S3cmdRunner, bucket: str, s3) -> None:  # type: ignore[no-untyped-def]
    data = os.urandom(5 * MiB + 100)
    _multipart_without_attrs(s3, bucket, "mp", data)
    longer = s3cmd.home / "longer"
    longer.write_bytes(data + b"tail")
    replaced = s3cmd("get", "--continue", f"s3://{bucket}/mp", "longer")
    assert replaced.rc == 0, replaced.output
    assert longer.read_bytes() == data
    partial = s3cmd.home / "partial"
    partial.write_bytes(data[:4 * MiB])
    resumed = s3cmd("get", "--continue", f"s3://{bucket}/mp", "partial")
    assert resumed.rc == 0, resumed.output
    assert partial.read_bytes() == data
    assert re.search(download_line(bucket, "mp", "partial", len(data)), resumed.stdout), resumed.stdout
