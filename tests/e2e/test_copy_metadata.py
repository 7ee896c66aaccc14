"""What cp, mv and S3→S3 sync give the copy: --mime-type, --add-header (and --remove-header) replace
the metadata on top of the source's own, as s3cmd 2.4.0 does (checked side by side on moto); a copy
in parts gets the same metadata as one CopyObject; an object copied onto itself is changed in place,
and mv never deletes an object moved onto itself. The server's state is read through boto3."""

from __future__ import annotations

import hashlib
import os

import pytest

from tests.conftest import S3cmdRunner, write_config
from tests.servers import Identity, MotoServer

pytestmark = pytest.mark.e2e

MIB = 1024 * 1024
ATTRS = "atime:1/ctime:1/gid:0/gname:root/md5:{md5}/mode:33188/mtime:1/uid:0/uname:root"


@pytest.fixture
def source(s3, bucket: str) -> str:  # type: ignore[no-untyped-def]
    """An object as s3cmd put leaves it: a Content-Type, a Cache-Control, s3cmd-attrs with its MD5."""
    body = b"hello\n"
    s3.put_object(Bucket=bucket, Key="src/k", Body=body, ContentType="text/plain", CacheControl="max-age=5",
                  Metadata={"orig": "1", "s3cmd-attrs": ATTRS.format(md5=hashlib.md5(body).hexdigest())})
    return "src/k"


def _meta(s3, bucket: str, key: str) -> tuple[str, str | None, dict[str, str]]:  # type: ignore[no-untyped-def]
    head = s3.head_object(Bucket=bucket, Key=key)
    return head["ContentType"], head.get("CacheControl"), head["Metadata"]


def _attrs(body: bytes) -> str:
    return ATTRS.format(md5=hashlib.md5(body).hexdigest())


def test_cp_with_mime_type_and_add_header_keeps_the_rest_of_the_source_metadata(
        s3cmd: S3cmdRunner, bucket: str, source: str, s3) -> None:  # type: ignore[no-untyped-def]
    result = s3cmd("cp", "--mime-type=text/x-new", "--add-header=x-amz-meta-foo:bar",
                   f"s3://{bucket}/{source}", f"s3://{bucket}/dst")
    assert (result.rc, result.stdout, result.stderr) == (
        0, f"remote copy: 's3://{bucket}/{source}' -> 's3://{bucket}/dst'  [1 of 1]\n", "")
    assert _meta(s3, bucket, "dst") == ("text/x-new", "max-age=5",
                                        {"foo": "bar", "orig": "1", "s3cmd-attrs": _attrs(b"hello\n")})
    assert _meta(s3, bucket, source)[0] == "text/plain"  # the source is left as it was


def test_cp_with_add_header_alone_keeps_the_content_type(
        s3cmd: S3cmdRunner, bucket: str, source: str, s3) -> None:  # type: ignore[no-untyped-def]
    result = s3cmd("cp", "--add-header=x-amz-meta-foo:bar", f"s3://{bucket}/{source}", f"s3://{bucket}/dst")
    assert result.rc == 0, result.output
    assert _meta(s3, bucket, "dst") == ("text/plain", "max-age=5",
                                        {"foo": "bar", "orig": "1", "s3cmd-attrs": _attrs(b"hello\n")})


def test_cp_with_remove_header_leaves_that_header_out(
        s3cmd: S3cmdRunner, bucket: str, source: str, s3) -> None:  # type: ignore[no-untyped-def]
    # s3cmd ignores --remove-header on a copy in one request; here it is applied, as modify applies it
    result = s3cmd("cp", "--remove-header=x-amz-meta-orig", "--remove-header=Cache-Control",
                   f"s3://{bucket}/{source}", f"s3://{bucket}/dst")
    assert result.rc == 0, result.output
    assert _meta(s3, bucket, "dst") == ("text/plain", None, {"s3cmd-attrs": _attrs(b"hello\n")})


def test_mv_applies_the_new_metadata(s3cmd: S3cmdRunner, bucket: str, source: str, s3) -> None:  # type: ignore[no-untyped-def]
    result = s3cmd("mv", "--mime-type=text/x-new", "--add-header=x-amz-meta-foo:bar",
                   f"s3://{bucket}/{source}", f"s3://{bucket}/dst")
    assert (result.rc, result.stdout) == (0, f"move: 's3://{bucket}/{source}' -> 's3://{bucket}/dst'  [1 of 1]\n")
    assert _meta(s3, bucket, "dst") == ("text/x-new", "max-age=5",
                                        {"foo": "bar", "orig": "1", "s3cmd-attrs": _attrs(b"hello\n")})
    assert "Contents" not in s3.list_objects_v2(Bucket=bucket, Prefix="src/")


def test_sync_remote_to_remote_applies_the_new_metadata(
        s3cmd: S3cmdRunner, bucket: str, source: str, s3) -> None:  # type: ignore[no-untyped-def]
    result = s3cmd("sync", "--mime-type=text/x-new", "--add-header=x-amz-meta-foo:bar",
                   f"s3://{bucket}/src/", f"s3://{bucket}/x/")
    assert result.rc == 0, result.output
    assert f"remote copy: 's3://{bucket}/src/k' -> 's3://{bucket}/x/k'  [1 of 1]" in result.stdout
    assert _meta(s3, bucket, "x/k") == ("text/x-new", "max-age=5",
                                        {"foo": "bar", "orig": "1", "s3cmd-attrs": _attrs(b"hello\n")})


def test_a_copy_in_parts_gets_the_metadata_of_a_single_copy(
        s3cmd: S3cmdRunner, bucket: str, s3, moto_server: MotoServer, identities: dict[str, Identity]) -> None:  # type: ignore[no-untyped-def]
    data = os.urandom(12 * MIB + 7)
    s3.put_object(Bucket=bucket, Key="big", Body=data, ContentType="video/mp4", Metadata={"owner": "me"},
                  StorageClass="STANDARD_IA")
    options = ("--mime-type=text/x-new", "--add-header=x-amz-meta-foo:bar")
    single = s3cmd("cp", *options, f"s3://{bucket}/big", f"s3://{bucket}/single")
    parts_cfg = write_config(s3cmd.home / "parts.cfg", moto_server, identities["admin"],
                             multipart_copy_chunk_size_mb="5")
    parts = s3cmd("cp", *options, f"s3://{bucket}/big", f"s3://{bucket}/parts", config=parts_cfg)
    assert (single.rc, parts.rc) == (0, 0), single.output + parts.output
    one, many = s3.head_object(Bucket=bucket, Key="single"), s3.head_object(Bucket=bucket, Key="parts")
    assert many["ETag"].strip('"').endswith("-3"), many["ETag"]  # really copied in parts
    md5 = hashlib.md5(data).hexdigest()
    assert one["ETag"].strip('"') == md5
    assert (one["ContentType"], one["Metadata"]) == ("text/x-new", {"owner": "me", "foo": "bar"})
    # the parts' ETag states no MD5: the source's is kept in s3cmd-attrs for later checks
    assert (many["ContentType"], many["Metadata"]) == ("text/x-new",
                                                       {"owner": "me", "foo": "bar", "s3cmd-attrs": f"md5:{md5}"})
    # neither carries the source's storage class over (S3's CopyObject gives the default)
    assert (one.get("StorageClass"), many.get("StorageClass")) == (None, None)


def test_the_md5_in_s3cmd_attrs_survives_its_removal_when_the_etag_cannot_state_it(
        s3cmd: S3cmdRunner, bucket: str, s3) -> None:  # type: ignore[no-untyped-def]
    parts = [os.urandom(5 * MIB), b"tail"]
    md5 = hashlib.md5(b"".join(parts)).hexdigest()
    upload = s3.create_multipart_upload(Bucket=bucket, Key="mp", Metadata={"s3cmd-attrs": f"md5:{md5}/mode:33188"})
    etags = [s3.upload_part(Bucket=bucket, Key="mp", UploadId=upload["UploadId"], PartNumber=n, Body=body)["ETag"]
             for n, body in enumerate(parts, start=1)]
    s3.complete_multipart_upload(Bucket=bucket, Key="mp", UploadId=upload["UploadId"], MultipartUpload={
        "Parts": [{"PartNumber": n, "ETag": etag} for n, etag in enumerate(etags, start=1)]})
    result = s3cmd("cp", "--remove-header=x-amz-meta-s3cmd-attrs", f"s3://{bucket}/mp", f"s3://{bucket}/dst")
    assert result.rc == 0, result.output
    # the source's ETag (``…-2``) states no MD5, so neither may the copy's (S3 does not promise one):
    # the MD5 stays in s3cmd-attrs, the rest of the attributes are removed, as asked
    assert s3.head_object(Bucket=bucket, Key="dst")["Metadata"] == {"s3cmd-attrs": f"md5:{md5}"}


def test_cp_onto_itself_with_a_new_mime_type_changes_it_in_place(
        s3cmd: S3cmdRunner, bucket: str, source: str, s3) -> None:  # type: ignore[no-untyped-def]
    uri = f"s3://{bucket}/{source}"
    result = s3cmd("cp", "--mime-type=text/x-new", uri, uri)
    assert (result.rc, result.stdout, result.stderr) == (0, f"remote copy: '{uri}' -> '{uri}'  [1 of 1]\n", "")
    assert _meta(s3, bucket, source) == ("text/x-new", "max-age=5",
                                         {"orig": "1", "s3cmd-attrs": _attrs(b"hello\n")})
    assert s3.get_object(Bucket=bucket, Key=source)["Body"].read() == b"hello\n"


def test_cp_onto_itself_keeps_its_storage_class(s3cmd: S3cmdRunner, bucket: str, s3) -> None:  # type: ignore[no-untyped-def]
    s3.put_object(Bucket=bucket, Key="ia", Body=b"x", StorageClass="STANDARD_IA")
    result = s3cmd("cp", "--add-header=x-amz-meta-foo:bar", f"s3://{bucket}/ia", f"s3://{bucket}/ia")
    assert result.rc == 0, result.output
    head = s3.head_object(Bucket=bucket, Key="ia")
    assert (head.get("StorageClass"), head["Metadata"]) == ("STANDARD_IA", {"foo": "bar"})


def test_cp_onto_itself_with_nothing_to_change_says_so(
        s3cmd: S3cmdRunner, bucket: str, source: str, s3) -> None:  # type: ignore[no-untyped-def]
    uri = f"s3://{bucket}/{source}"
    before = s3.head_object(Bucket=bucket, Key=source)
    result = s3cmd("cp", uri, uri)
    assert (result.rc, result.stdout) == (1, "")
    assert result.stderr == (f"ERROR: Copy failed for: '{uri}' (it is its own destination and no option changes "
                             "it: give --mime-type, --add-header, --storage-class… to change it in place)\n")
    after = s3.head_object(Bucket=bucket, Key=source)
    assert (after["ETag"], after["LastModified"], after["Metadata"]) == (
        before["ETag"], before["LastModified"], before["Metadata"])


@pytest.mark.parametrize("options", [(), ("--mime-type=text/x-new",), ("--storage-class=STANDARD",), ("-r",)])
def test_mv_onto_itself_is_refused_and_keeps_the_object(
        s3cmd: S3cmdRunner, bucket: str, source: str, s3, options: tuple[str, ...]) -> None:  # type: ignore[no-untyped-def]
    # s3cmd 2.4.0 copies it onto itself, then deletes it: the object is gone
    target = f"s3://{bucket}/src/" if "-r" in options else f"s3://{bucket}/{source}"
    result = s3cmd("mv", *options, target, target)
    assert (result.rc, result.stdout) == (64, "")
    assert result.stderr == (f"ERROR: Parameter problem: Cannot move 's3://{bucket}/{source}' onto itself: that "
                             "would delete it. To change its metadata in place use cp or modify.\n")
    assert _meta(s3, bucket, source) == ("text/plain", "max-age=5", {"orig": "1", "s3cmd-attrs": _attrs(b"hello\n")})


def test_non_ascii_metadata_survives_copies_and_modify(s3cmd: S3cmdRunner, bucket: str, s3,  # type: ignore[no-untyped-def]
                                                      relaxed_auth: None) -> None:
    """S3 keeps metadata in the UTF-8 it was sent in; read back as HTTP's Latin-1 and sent again as
    UTF-8 it doubled on every REPLACE copy ('café' → 'cafÃ©'). (moto checks signatures of non-ASCII
    headers its own way: relaxed here.)"""
    (s3cmd.home / "f").write_bytes(b"x")
    assert s3cmd("put", "--add-header=x-amz-meta-name:café", "f", f"s3://{bucket}/k").rc == 0
    assert s3cmd("cp", "--mime-type=text/x-new", f"s3://{bucket}/k", f"s3://{bucket}/k2").rc == 0
    assert s3cmd("modify", "--add-header=x-amz-meta-y:2", f"s3://{bucket}/k2").rc == 0
    for key in ("k", "k2"):  # botocore reads header bytes as Latin-1 too: compare the bytes
        stored = s3.head_object(Bucket=bucket, Key=key)["Metadata"]["name"]
        assert stored.encode("latin-1") == "café".encode(), (key, stored)
    shown = s3cmd("info", f"s3://{bucket}/k2")
    assert "x-amz-meta-name: café" in shown.stdout, shown.output


def test_modify_with_a_header_named_in_lower_case_replaces_it(s3cmd: S3cmdRunner, bucket: str, s3) -> None:  # type: ignore[no-untyped-def]
    """The object's Content-Type and '--add-header=content-type:…' are one header: one value is sent."""
    s3.put_object(Bucket=bucket, Key="k", Body=b"x", ContentType="text/plain")
    run = s3cmd("modify", "--add-header=content-type:text/x-lower", f"s3://{bucket}/k")
    assert run.rc == 0, run.output
    assert s3.head_object(Bucket=bucket, Key="k")["ContentType"] == "text/x-lower"
