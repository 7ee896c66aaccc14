"""The s3cmd-attrs codec: what we write, upstream reads, and the other way round."""

from __future__ import annotations

import os

from S3.s3 import attrs

UPSTREAM = (
    "atime:1700000000/ctime:1700000001/gid:0/gname:root/md5:0123456789abcdef0123456789abcdef"
    "/mode:33188/mtime:1700000002/uid:0/uname:root"
)


def test_decodes_what_upstream_writes() -> None:
    got = attrs.decode(UPSTREAM)
    assert got.md5 == "0123456789abcdef0123456789abcdef"
    assert (got.mode, got.uid, got.gid, got.mtime) == (33188, 0, 0, 1700000002)
    assert (got.uname, got.gname) == ("root", "root")


def test_round_trip_of_a_real_file(tmp_path) -> None:
    path = tmp_path / "f"
    path.write_bytes(b"x")
    st = os.stat(path)
    got = attrs.decode(attrs.encode(st, "d41d8cd98f00b204e9800998ecf8427e"))
    assert got.md5 == "d41d8cd98f00b204e9800998ecf8427e"
    assert (got.mode, got.uid, got.gid, got.mtime) == (st.st_mode, st.st_uid, st.st_gid, int(st.st_mtime))


def test_garbled_fields_are_dropped_not_guessed() -> None:
    got = attrs.decode("md5:not-an-md5/mode:rw-r--r--/mtime:/junk/uid:12")
    assert got.md5 is None and got.mode is None and got.mtime is None
    assert got.uid == 12
    assert attrs.decode("") == attrs.FileAttrs()


def test_with_md5_fills_a_missing_md5_and_keeps_a_stated_one() -> None:
    md5, other = "0" * 31 + "1", "f" * 32
    assert attrs.with_md5("", md5) == f"md5:{md5}"
    assert attrs.with_md5("mtime:5/gid:1", md5) == f"gid:1/md5:{md5}/mtime:5"
    assert attrs.with_md5(f"md5:{other}/mtime:5", md5) == f"md5:{other}/mtime:5"
    assert attrs.with_md5("md5:garbled", md5) == f"md5:{md5}"


def test_body_md5_only_from_a_plain_unencrypted_etag() -> None:
    from S3.s3.etag import body_md5

    md5 = "a" * 32
    assert body_md5({"ETag": f'"{md5.upper()}"'}) == md5
    assert body_md5({"etag": f'"{md5}-3"'}) is None
    assert body_md5({"ETag": md5, "x-amz-server-side-encryption": "aws:kms"}) is None
    assert body_md5({"ETag": md5, "X-Amz-Server-Side-Encryption-Customer-Algorithm": "AES256"}) is None
    assert body_md5({"ETag": md5, "x-amz-server-side-encryption": "AES256"}) == md5
    assert body_md5({}) is None
