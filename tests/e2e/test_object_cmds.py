"""restore, sign, signurl's response-* parameters, cp/mv with several sources and -r, copies in
parts (UploadPartCopy), --list-allow-unordered and --encoding, against moto (or the keystore
server where the wire itself is checked): s3cmd 2.4.0's lines and exit codes, compared side by
side on the same server; the server's state through boto3."""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import urllib.parse
import urllib.request
from pathlib import Path
from types import SimpleNamespace

import pytest

from tests.conftest import S3cmdRunner, write_config
from tests.keystore_server import serve_keystore
from tests.servers import Identity

MIB = 1024 * 1024


def _lines(text: str) -> list[str]:
    return [line for line in text.splitlines() if line]


def _keys(s3, bucket: str) -> list[str]:  # type: ignore[no-untyped-def]
    return sorted(o["Key"] for o in s3.list_objects(Bucket=bucket).get("Contents", []))


@pytest.fixture
def objects(bucket: str, moto_server, identities):  # type: ignore[no-untyped-def]
    s3 = moto_server.client("s3", identities["admin"])
    for key in ("a", "b", "d/x", "d/y", "d/s/z"):
        s3.put_object(Bucket=bucket, Key=key, Body=key.encode())
    return s3


# -- restore -------------------------------------------------------------------------------------


def test_restore_glacier_object(s3cmd: S3cmdRunner, bucket: str, moto_server, identities) -> None:  # type: ignore[no-untyped-def]
    s3 = moto_server.client("s3", identities["admin"])
    s3.put_object(Bucket=bucket, Key="cold/a", Body=b"a", StorageClass="GLACIER")
    s3.put_object(Bucket=bucket, Key="cold/b", Body=b"b", StorageClass="GLACIER")
    result = s3cmd("restore", "-D", "3", "--restore-priority=bulk", f"s3://{bucket}/cold/a")
    assert (result.rc, _lines(result.stdout)) == (0, [f"restore: 's3://{bucket}/cold/a'"]), result.output
    assert 'ongoing-request="false"' in s3.head_object(Bucket=bucket, Key="cold/a")["Restore"]
    assert "Restore" not in s3.head_object(Bucket=bucket, Key="cold/b")
    recursive = s3cmd("restore", "--recursive", f"s3://{bucket}/cold/")
    assert recursive.rc == 0, recursive.output
    assert _lines(recursive.stdout) == [f"restore: 's3://{bucket}/cold/a'", f"restore: 's3://{bucket}/cold/b'"]
    assert "Restore" in s3.head_object(Bucket=bucket, Key="cold/b")


def test_restore_refusals_and_errors(s3cmd: S3cmdRunner, bucket: str, moto_server, identities) -> None:  # type: ignore[no-untyped-def]
    s3 = moto_server.client("s3", identities["admin"])
    s3.put_object(Bucket=bucket, Key="warm", Body=b"w")
    days = s3cmd("restore", "-D", "0", f"s3://{bucket}/warm")
    assert days.rc == 64 and "ERROR: Parameter problem: You must restore a file for 1 or more days" in days.stderr
    priority = s3cmd("restore", "--restore-priority=fast", f"s3://{bucket}/warm")
    assert priority.rc == 2 and "ERROR: option --restore-priority: invalid value" in priority.stderr  # optparse's 2
    folder = s3cmd("restore", f"s3://{bucket}/dir/")
    assert folder.rc == 64
    assert f"ERROR: Parameter problem: Expecting S3 URI with a filename or --recursive: s3://{bucket}/dir/" in folder.stderr
    standard = s3cmd("restore", f"s3://{bucket}/warm")
    assert standard.rc == 77 and "ERROR: S3 error: 403 (InvalidObjectState)" in standard.stderr
    missing = s3cmd("restore", f"s3://{bucket}/nothing")
    assert missing.rc == 12 and "ERROR: S3 error: 404 (NoSuchKey)" in missing.stderr
    dry = s3cmd("restore", "-n", f"s3://{bucket}/warm")
    assert (dry.rc, _lines(dry.stdout)) == (0, [f"restore: 's3://{bucket}/warm'"])
    assert "WARNING: Exiting now because of --dry-run" in dry.stderr


# -- sign, signurl ---------------------------------------------------------------------------------


def test_sign_prints_the_sigv2_signature(s3cmd: S3cmdRunner, identities) -> None:  # type: ignore[no-untyped-def]
    text = "GET\n\n\n1700000000\n/bucket/key"
    expected = base64.b64encode(hmac.new(identities["admin"].secret_key.encode(), text.encode(),
                                         hashlib.sha1).digest()).decode()
    result = s3cmd("sign", text)
    assert (result.rc, _lines(result.stdout)) == (0, [f"Signature: {expected}"]), result.output
    short = s3cmd("sign")
    assert short.rc == 64 and "ERROR: Not enough parameters for command 'sign'" in short.stderr


@pytest.mark.parametrize("v2", [False, True])
def test_signurl_content_disposition_and_type(s3cmd: S3cmdRunner, bucket: str, moto_server, identities, v2: bool,
                                              relaxed_auth) -> None:  # type: ignore[no-untyped-def]
    """moto answers 500 to any presigned URL while it enforces IAM: the fetch runs with checks off, and
    the SigV2 signature is checked here against s3cmd's string-to-sign, response-* parameters included."""
    s3 = moto_server.client("s3", identities["admin"])
    s3.put_object(Bucket=bucket, Key="v.mp4", Body=b"movie", ContentType="binary/octet-stream")
    extra = ["--signature-v2"] if v2 else []
    result = s3cmd("signurl", *extra, "--content-disposition=inline; filename=my video.mp4",
                   "--content-type=video/mp4", f"s3://{bucket}/v.mp4", "+600")
    assert result.rc == 0, result.output
    url = _lines(result.stdout)[0]
    assert "response-content-disposition=inline%3B%20filename%3Dmy%20video.mp4" in url
    assert "response-content-type=video%2Fmp4" in url
    if v2:
        expires = url.split("Expires=")[1].split("&")[0]
        signed = (f"GET\n\n\n{expires}\n/{bucket}/v.mp4?response-content-disposition=inline; filename=my video.mp4"
                  "&response-content-type=video/mp4")
        digest = hmac.new(identities["admin"].secret_key.encode(), signed.encode(), hashlib.sha1).digest()
        assert "Signature=" + urllib.parse.quote(base64.b64encode(digest).decode(), safe="") in url
    with urllib.request.urlopen(url, timeout=10) as answer:
        assert answer.read() == b"movie"
        assert answer.headers["Content-Type"] == "video/mp4"
        assert answer.headers["Content-Disposition"] == "inline; filename=my video.mp4"


# -- cp / mv: several sources, -r, destination rules --------------------------------------------------


def test_cp_several_sources_need_a_directory_destination(s3cmd: S3cmdRunner, bucket: str, objects) -> None:  # type: ignore[no-untyped-def]
    refused = s3cmd("cp", f"s3://{bucket}/a", f"s3://{bucket}/b", f"s3://{bucket}/nodir")
    assert refused.rc == 64
    assert ("ERROR: Parameter problem: Destination must be a directory and end with '/' when acting on a folder "
            "content or on multiple sources.") in refused.stderr
    recursive = s3cmd("cp", "-r", f"s3://{bucket}/d", f"s3://{bucket}/t2")
    assert recursive.rc == 64 and "Destination must be a directory" in recursive.stderr
    assert _keys(objects, bucket) == ["a", "b", "d/s/z", "d/x", "d/y"]
    ok = s3cmd("cp", f"s3://{bucket}/a", f"s3://{bucket}/b", f"s3://{bucket}/t1/")
    assert ok.rc == 0
    assert _lines(ok.stdout) == [f"remote copy: 's3://{bucket}/a' -> 's3://{bucket}/t1/a'  [1 of 2]",
                                 f"remote copy: 's3://{bucket}/b' -> 's3://{bucket}/t1/b'  [2 of 2]"]
    assert objects.get_object(Bucket=bucket, Key="t1/b")["Body"].read() == b"b"


def test_cp_recursive_lines_in_upstreams_order(s3cmd: S3cmdRunner, bucket: str, objects) -> None:  # type: ignore[no-untyped-def]
    whole = s3cmd("cp", "-r", f"s3://{bucket}/d", f"s3://{bucket}/t3/")
    assert whole.rc == 0
    assert _lines(whole.stdout) == [
        f"remote copy: 's3://{bucket}/d/s/z' -> 's3://{bucket}/t3/d/s/z'  [1 of 3]",
        f"remote copy: 's3://{bucket}/d/x' -> 's3://{bucket}/t3/d/x'  [2 of 3]",
        f"remote copy: 's3://{bucket}/d/y' -> 's3://{bucket}/t3/d/y'  [3 of 3]",
    ]
    # several sources, folder content and a file: sorted by the name they get under the destination
    mixed = s3cmd("cp", "-r", f"s3://{bucket}/d/", f"s3://{bucket}/a", f"s3://{bucket}/t11/")
    assert mixed.rc == 0
    assert _lines(mixed.stdout) == [
        f"remote copy: 's3://{bucket}/a' -> 's3://{bucket}/t11/a'  [1 of 4]",
        f"remote copy: 's3://{bucket}/d/s/z' -> 's3://{bucket}/t11/s/z'  [2 of 4]",
        f"remote copy: 's3://{bucket}/d/x' -> 's3://{bucket}/t11/x'  [3 of 4]",
        f"remote copy: 's3://{bucket}/d/y' -> 's3://{bucket}/t11/y'  [4 of 4]",
    ]
    assert [k for k in _keys(objects, bucket) if k.startswith("t11/")] == ["t11/a", "t11/s/z", "t11/x", "t11/y"]


def test_mv_recursive_and_missing_sources(s3cmd: S3cmdRunner, bucket: str, objects) -> None:  # type: ignore[no-untyped-def]
    moved = s3cmd("mv", "-r", f"s3://{bucket}/d/s", f"s3://{bucket}/t9/")
    assert (moved.rc, _lines(moved.stdout)) == (0, [f"move: 's3://{bucket}/d/s/z' -> 's3://{bucket}/t9/s/z'  [1 of 1]"])
    assert "d/s/z" not in _keys(objects, bucket) and "t9/s/z" in _keys(objects, bucket)
    missing = s3cmd("cp", f"s3://{bucket}/missing", f"s3://{bucket}/t7")
    assert missing.rc == 12 and f"WARNING: Key not found s3://{bucket}/missing" in missing.stderr
    empty = s3cmd("cp", "-r", f"s3://{bucket}/nothing", f"s3://{bucket}/t10/")
    assert empty.rc == 1 and not empty.stdout, empty.output
    folder = s3cmd("cp", f"s3://{bucket}/d/", f"s3://{bucket}/t8/")
    assert folder.rc == 64
    assert f"ERROR: Parameter problem: Expecting S3 URI with a filename or --recursive: s3://{bucket}/d/" in folder.stderr


# -- copies in parts (UploadPartCopy) ---------------------------------------------------------------


def test_cp_and_mv_of_a_large_object_copy_in_parts(s3cmd: S3cmdRunner, bucket: str, moto_server, identities) -> None:  # type: ignore[no-untyped-def]
    s3 = moto_server.client("s3", identities["admin"])
    data = os.urandom(12 * MIB + 7)
    s3.put_object(Bucket=bucket, Key="big", Body=data, ContentType="video/mp4", Metadata={"owner": "me"})
    # the threshold lowered from 1 GiB to 5 MiB, so that 12 MiB copy in three parts
    config = write_config(s3cmd.home / "parts.cfg", moto_server, identities["admin"], multipart_copy_chunk_size_mb="5")
    result = s3cmd("cp", f"s3://{bucket}/big", f"s3://{bucket}/copy", config=config)
    assert (result.rc, _lines(result.stdout)) == (
        0, [f"remote copy: 's3://{bucket}/big' -> 's3://{bucket}/copy'  [1 of 1]"]), result.output
    head = s3.head_object(Bucket=bucket, Key="copy")
    assert head["ETag"].strip('"').endswith("-3"), head["ETag"]  # assembled from parts, not one CopyObject
    md5 = hashlib.md5(data).hexdigest()  # the source's ETag, kept in s3cmd-attrs for later checks
    assert (head["ContentType"], head["Metadata"]) == ("video/mp4", {"owner": "me", "s3cmd-attrs": f"md5:{md5}"})
    assert s3.get_object(Bucket=bucket, Key="copy")["Body"].read() == data
    moved = s3cmd("mv", f"s3://{bucket}/copy", f"s3://{bucket}/moved", config=config)
    assert moved.rc == 0, moved.output
    assert _keys(s3, bucket) == ["big", "moved"]
    assert s3.get_object(Bucket=bucket, Key="moved")["Body"].read() == data
    assert not s3.list_multipart_uploads(Bucket=bucket).get("Uploads")


# -- --list-allow-unordered, --encoding ----------------------------------------------------------------


def test_list_allow_unordered_asks_the_server(tmp_path: Path) -> None:
    with serve_keystore() as (url, store):
        store.buckets["bkt"] = {"k": b"v"}
        home = tmp_path / "home"
        home.mkdir()
        config = write_config(home / ".s3cfg", SimpleNamespace(url=url), Identity("t", "AKIDTEST", "secret"))  # type: ignore[arg-type]
        env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
        env.update({"HOME": str(home), "AWS_EC2_METADATA_DISABLED": "true", "HTTP_PROXY": "", "http_proxy": ""})
        run = S3cmdRunner(home=home, config=config, base_env=env)
        plain = run("ls", "s3://bkt")
        assert plain.rc == 0 and not any("allow-unordered" in q for q in store.queries_seen)
        unordered = run("ls", "--list-allow-unordered", "s3://bkt")
        assert unordered.rc == 0 and "s3://bkt/k" in unordered.stdout, unordered.output
        assert any("allow-unordered=true" in q for q in store.queries_seen)


def test_encoding_other_than_utf8_is_refused(s3cmd: S3cmdRunner, bucket: str) -> None:
    refused = s3cmd("ls", "--encoding=latin-1", f"s3://{bucket}")
    assert refused.rc == 2 and "ERROR: option --encoding: only UTF-8 is supported" in refused.stderr  # an option error
    accepted = s3cmd("ls", "--encoding=UTF-8", f"s3://{bucket}")
    assert accepted.rc == 0, accepted.output




def test_add_encoding_exts_adds_the_charset(s3cmd: S3cmdRunner, bucket: str, moto_server, identities) -> None:  # type: ignore[no-untyped-def]
    s3 = moto_server.client("s3", identities["admin"])
    for name in ("style.css", "app.js", "notes.txt"):
        (s3cmd.home / name).write_text("x")
    result = s3cmd("put", "--add-encoding-exts=css,js", "style.css", "app.js", "notes.txt", f"s3://{bucket}/")
    assert result.rc == 0, result.output
    types = {key: s3.head_object(Bucket=bucket, Key=key)["ContentType"] for key in ("style.css", "app.js", "notes.txt")}
    assert types == {"style.css": "text/css; charset=UTF-8", "app.js": "text/javascript; charset=UTF-8",
                     "notes.txt": "text/plain"}
    forced = s3cmd("put", "--add-encoding-exts=css", "--mime-type=text/x-less", "style.css", f"s3://{bucket}/f.css")
    assert forced.rc == 0
    assert s3.head_object(Bucket=bucket, Key="f.css")["ContentType"] == "text/x-less; charset=UTF-8"


# -- fixbucket -------------------------------------------------------------------------------------


def test_fixbucket_renames_keys_with_control_characters(s3cmd: S3cmdRunner, bucket: str, moto_server, identities) -> None:  # type: ignore[no-untyped-def]
    s3 = moto_server.client("s3", identities["admin"])
    s3.put_object(Bucket=bucket, Key="bad\x01name", Body=b"bad")
    s3.put_object(Bucket=bucket, Key="d/x\x7fy", Body=b"del")
    s3.put_object(Bucket=bucket, Key="good", Body=b"good")

    def keys() -> list[str]:  # url-encoded: the raw listing of a control character is not XML
        listing = s3.list_objects(Bucket=bucket, EncodingType="url").get("Contents", [])
        return sorted(urllib.parse.unquote(o["Key"]) for o in listing)

    # Listings ask for encoding-type=url now, so ls reads such a bucket (COMPATIBILITY.md); fixbucket
    # still gives the keys names that tools without that (s3cmd 2.4.0's ls among them) can list.
    listed = s3cmd("ls", "-r", f"s3://{bucket}")
    assert listed.rc == 0 and f"s3://{bucket}/bad\\x01name\n" in listed.stdout, listed.output  # shown escaped
    dry = s3cmd("fixbucket", "-n", f"s3://{bucket}")
    assert dry.rc == 0 and _lines(dry.stdout) == ["[--dry-run] File 'bad\\x01name' would be renamed to bad^Aname",
                                                 "[--dry-run] File 'd/x\\x7fy' would be renamed to d/x^?y"]
    assert keys() == ["bad\x01name", "d/x\x7fy", "good"]
    fixed = s3cmd("fixbucket", f"s3://{bucket}")
    assert fixed.rc == 0, fixed.output
    assert _lines(fixed.stdout) == ["File ''bad\\x01name'' renamed to 'bad^Aname'",
                                    "File ''d/x\\x7fy'' renamed to 'd/x^?y'"]
    assert "WARNING: Fixed 2 files' names. Their ACL were reset to Private." in fixed.stderr
    assert keys() == ["bad^Aname", "d/x^?y", "good"]
    assert s3.get_object(Bucket=bucket, Key="bad^Aname")["Body"].read() == b"bad"
    assert s3cmd("ls", f"s3://{bucket}").rc == 0


def test_verbatim_is_refused_with_the_reason(s3cmd: S3cmdRunner, bucket: str) -> None:
    refused = s3cmd("ls", "--verbatim", f"s3://{bucket}")
    assert refused.rc == 2  # refused by the option parser: exit 2 as every option error
    assert "ERROR: option --verbatim: not needed and not supported: object names are always used exactly" in refused.stderr


# -- --stats ---------------------------------------------------------------------------------------


def test_stats_after_recursive_delete(s3cmd: S3cmdRunner, bucket: str, moto_server, identities) -> None:  # type: ignore[no-untyped-def]
    s3 = moto_server.client("s3", identities["admin"])
    for key, body in (("keep", b"k"), ("d/b", b"xyz"), ("d/c", b"1234")):
        s3.put_object(Bucket=bucket, Key=key, Body=body)
    result = s3cmd("del", "-r", "--stats", f"s3://{bucket}/d/")
    assert result.rc == 0, result.output
    # s3cmd 2.4.0's bytes exactly: an empty line, then the total with a trailing space
    assert result.stdout == (f"delete: 's3://{bucket}/d/b'\ndelete: 's3://{bucket}/d/c'\n"
                             "\nStats: Number of files deleted: 2 (7 bytes) \n")
    assert _keys(s3, bucket) == ["keep"]
    plain = s3cmd("del", "-r", f"s3://{bucket}/keep")
    assert plain.rc == 0 and "Stats" not in plain.stdout
