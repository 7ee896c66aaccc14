"""multipart, listmp, abortmp and put --continue-put / --upload-id against moto: the lines and exit
codes of s3cmd 2.4.0 (compared side by side on the same server), the server's state through boto3."""

from __future__ import annotations

import hashlib
import os

from tests.conftest import S3cmdRunner

MIB = 1024 * 1024


def _lines(text: str) -> list[str]:
    return [line for line in text.splitlines() if line]


def _orphan(s3, bucket: str, key: str, parts: list[bytes]) -> str:  # type: ignore[no-untyped-def]
    """What a killed put leaves behind: an upload with some parts."""
    upload_id = s3.create_multipart_upload(Bucket=bucket, Key=key)["UploadId"]
    for number, data in enumerate(parts, start=1):
        s3.upload_part(Bucket=bucket, Key=key, UploadId=upload_id, PartNumber=number, Body=data)
    return upload_id


def test_multipart_lists_the_buckets_unfinished_uploads(s3cmd: S3cmdRunner, bucket: str, moto_server, identities) -> None:  # type: ignore[no-untyped-def]
    s3 = moto_server.client("s3", identities["admin"])
    first = _orphan(s3, bucket, "dir/one", [b"x" * 100])
    second = _orphan(s3, bucket, "two", [])
    result = s3cmd("multipart", f"s3://{bucket}")
    assert result.rc == 0, result.output
    out = _lines(result.stdout)
    assert out[:2] == [f"s3://{bucket}/", "Initiated\tPath\tId"]
    rows = sorted(line.split("\t")[1:] for line in out[2:])
    assert rows == sorted([[f"s3://{bucket}/dir/one", first], [f"s3://{bucket}/two", second]])
    # s3cmd lists every upload of the bucket whatever the prefix, and echoes the URI given
    prefixed = s3cmd("multipart", f"s3://{bucket}/dir")
    assert _lines(prefixed.stdout)[0] == f"s3://{bucket}/dir" and len(_lines(prefixed.stdout)) == 4


def test_multipart_without_bucket_and_missing_bucket(s3cmd: S3cmdRunner) -> None:
    missing = s3cmd("multipart")
    assert missing.rc == 64 and "ERROR: Not enough parameters for command 'multipart'" in missing.stderr
    nobucket = s3cmd("multipart", "s3://no-such-bucket-here")
    assert nobucket.rc == 12 and "ERROR: S3 error: 404 (NoSuchBucket)" in nobucket.stderr


def test_listmp_prints_the_parts(s3cmd: S3cmdRunner, bucket: str, moto_server, identities) -> None:  # type: ignore[no-untyped-def]
    s3 = moto_server.client("s3", identities["admin"])
    parts = [b"a" * (5 * MIB), b"b" * 100]
    upload_id = _orphan(s3, bucket, "k", parts)
    result = s3cmd("listmp", f"s3://{bucket}/k", upload_id)
    assert result.rc == 0, result.output
    out = _lines(result.stdout)
    assert out[0] == "LastModified\t\t\tPartNumber\tETag\tSize"
    assert [line.split("\t")[1:] for line in out[1:]] == [
        [str(n), f'"{hashlib.md5(data).hexdigest()}"', str(len(data))] for n, data in enumerate(parts, start=1)
    ]
    bogus = s3cmd("listmp", f"s3://{bucket}/k", "bogus-id")
    assert bogus.rc == 12 and "ERROR: S3 error: 404 (NoSuchUpload)" in bogus.stderr
    short = s3cmd("listmp", f"s3://{bucket}/k")
    assert short.rc == 64 and "Not enough parameters for command 'listmp'" in short.stderr


def test_abortmp_removes_the_upload(s3cmd: S3cmdRunner, bucket: str, moto_server, identities) -> None:  # type: ignore[no-untyped-def]
    s3 = moto_server.client("s3", identities["admin"])
    upload_id = _orphan(s3, bucket, "dir/k", [b"x" * 10])
    result = s3cmd("abortmp", f"s3://{bucket}/dir/k", upload_id)
    assert (result.rc, _lines(result.stdout)) == (0, [f"s3://{bucket}/dir/k"]), result.output
    assert not s3.list_multipart_uploads(Bucket=bucket).get("Uploads")
    again = s3cmd("abortmp", f"s3://{bucket}/dir/k", upload_id)
    assert again.rc == 12 and "NoSuchUpload" in again.stderr
    nokey = s3cmd("abortmp", f"s3://{bucket}", upload_id)
    assert nokey.rc == 64
    assert f"ERROR: Parameter problem: Expecting S3 URI with a filename: s3://{bucket}/" in nokey.stderr


def test_continue_put_sends_only_the_missing_or_wrong_parts(s3cmd: S3cmdRunner, bucket: str, moto_server, identities) -> None:  # type: ignore[no-untyped-def]
    s3 = moto_server.client("s3", identities["admin"])
    data = os.urandom(12 * MIB)
    (s3cmd.home / "f.bin").write_bytes(data)
    # part 1 is ours, part 2 is damaged, part 3 never arrived
    _orphan(s3, bucket, "f.bin", [data[:5 * MIB], b"z" * (5 * MIB)])
    result = s3cmd("put", "--continue-put", "--multipart-chunk-size-mb=5", "f.bin", f"s3://{bucket}/f.bin")
    assert result.rc == 0, result.output
    assert f"WARNING: MultiPart: size and md5sum match for s3://{bucket}/f.bin part 1, skipping." in result.stderr
    wrong, ours = hashlib.md5(b"z" * (5 * MIB)).hexdigest(), hashlib.md5(data[5 * MIB:10 * MIB]).hexdigest()
    assert (f"WARNING: MultiPart: checksum ({wrong} vs {ours}) does not match for s3://{bucket}/f.bin part 2, "
            "reuploading.") in result.stderr
    assert _lines(result.stdout)[0].startswith(f"upload: 'f.bin' -> 's3://{bucket}/f.bin' (12582912 bytes in")
    assert s3.get_object(Bucket=bucket, Key="f.bin")["Body"].read() == data
    assert s3.head_object(Bucket=bucket, Key="f.bin")["ETag"].strip('"').endswith("-3")
    assert not s3.list_multipart_uploads(Bucket=bucket).get("Uploads")


def test_upload_id_names_the_upload_to_continue(s3cmd: S3cmdRunner, bucket: str, moto_server, identities) -> None:  # type: ignore[no-untyped-def]
    s3 = moto_server.client("s3", identities["admin"])
    data = os.urandom(11 * MIB)
    (s3cmd.home / "f.bin").write_bytes(data)
    chosen = _orphan(s3, bucket, "f.bin", [data[:5 * MIB]])
    other = _orphan(s3, bucket, "f.bin", [])
    ambiguous = s3cmd("put", "--continue-put", "--multipart-chunk-size-mb=5", "f.bin", f"s3://{bucket}/f.bin")
    assert ambiguous.rc == 64 and "More than one UploadId for URI" in ambiguous.stderr, ambiguous.output
    result = s3cmd("put", f"--upload-id={chosen}", "--multipart-chunk-size-mb=5", "f.bin", f"s3://{bucket}/f.bin")
    assert result.rc == 0, result.output
    assert "part 1, skipping." in result.stderr
    assert s3.get_object(Bucket=bucket, Key="f.bin")["Body"].read() == data
    left = [u["UploadId"] for u in s3.list_multipart_uploads(Bucket=bucket).get("Uploads", [])]
    assert left == [other]
    bogus = s3cmd("put", "--upload-id=bogus", "--multipart-chunk-size-mb=5", "f.bin", f"s3://{bucket}/g.bin")
    assert bogus.rc == 12 and "NoSuchUpload" in bogus.stderr


def test_continue_put_without_an_upload_starts_one(s3cmd: S3cmdRunner, bucket: str, moto_server, identities) -> None:  # type: ignore[no-untyped-def]
    s3 = moto_server.client("s3", identities["admin"])
    data = os.urandom(6 * MIB)
    (s3cmd.home / "f.bin").write_bytes(data)
    result = s3cmd("put", "--continue-put", "--multipart-chunk-size-mb=5", "f.bin", f"s3://{bucket}/f.bin")
    assert result.rc == 0 and "MultiPart" not in result.stderr, result.output
    assert s3.get_object(Bucket=bucket, Key="f.bin")["Body"].read() == data
