"""``sync --stats`` and ``sync --cf-invalidate`` end to end: the real ``s3cmd`` against the moto
server (S3 and CloudFront), state read back with boto3; the ``--stats`` lines compared with
what s3cmd 2.4.0 prints for the same run where it is installed (timings masked)."""

from __future__ import annotations

import os
import re
import subprocess
import uuid
from pathlib import Path

import pytest

from tests.conftest import S3cmdRunner

UPSTREAM = Path(os.environ.get("S3CMD_UPSTREAM", "/tmp/upstream/bin/s3cmd"))
TIMING = re.compile(r"in \d+\.\d seconds, [\d.]+ [KMG]?B/s")


def _tree(top: Path) -> Path:
    top.mkdir()
    (top / "a.txt").write_bytes(b"abc")
    (top / "b.txt").write_bytes(b"hello")
    return top


def _masked(text: str) -> str:
    return TIMING.sub("in T", text)


def _upstream(s3cmd: S3cmdRunner, *args: str) -> str | None:
    if not UPSTREAM.exists():
        return None
    done = subprocess.run([str(UPSTREAM), "-c", str(s3cmd.config), *args], capture_output=True, text=True,
                          env=s3cmd.base_env, timeout=120)
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_sync_upload_stats(s3cmd: S3cmdRunner, s3, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    src = _tree(tmp_path / "src")
    bucket = f"st-{uuid.uuid4().hex[:10]}"
    s3.create_bucket(Bucket=bucket)
    s3.put_object(Bucket=bucket, Key="only-remote", Body=b"x")
    done = s3cmd("--stats", "sync", f"{src}/", f"s3://{bucket}/")
    assert done.rc == 0, done.output
    tail = done.stdout.split("\n", 2)[2]  # after the two upload lines
    assert _masked(tail) == ("Done. Uploaded 8 bytes in T.\nStats: Number of files: 2 (8 bytes) \n"
                             "Stats: Number of files transferred: 2 (8 bytes) \nStats: Number of files deleted: 1\n")
    assert sorted(o["Key"] for o in s3.list_objects(Bucket=bucket)["Contents"]) == ["a.txt", "b.txt", "only-remote"]
    # nothing left to do: with --stats the Done line and the totals are printed all the same
    again = s3cmd("--stats", "sync", f"{src}/", f"s3://{bucket}/")
    assert _masked(again.stdout) == ("Done. Uploaded 0 bytes in T.\nStats: Number of files: 2 (8 bytes) \n"
                                     "Stats: Number of files deleted: 1\n")
    theirs = _upstream(s3cmd, "--stats", "sync", f"{src}/", f"s3://{bucket}/")
    if theirs is not None:
        assert _masked(theirs) == _masked(again.stdout)


def test_sync_download_stats_count_local_deletes(s3cmd: S3cmdRunner, s3, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    bucket = f"st-{uuid.uuid4().hex[:10]}"
    s3.create_bucket(Bucket=bucket)
    s3.put_object(Bucket=bucket, Key="r.txt", Body=b"remote!")
    dest = tmp_path / "dest"
    dest.mkdir()
    (dest / "stale.txt").write_bytes(b"0123456789")
    done = s3cmd("--stats", "--delete-removed", "sync", f"s3://{bucket}/", f"{dest}/")
    assert done.rc == 0, done.output
    assert not (dest / "stale.txt").exists() and (dest / "r.txt").read_bytes() == b"remote!"
    assert _masked(done.stdout).endswith(
        "Done. Downloaded 7 bytes in T.\nStats: Number of files: 1 (7 bytes) \n"
        "Stats: Number of files transferred: 1 (7 bytes) \nStats: Number of files deleted: 1 (10 bytes) \n")


def test_sync_cf_invalidate_invalidates_the_uploaded_keys(s3cmd: S3cmdRunner, s3, moto_server, identities,  # type: ignore[no-untyped-def]
                                                          relaxed_auth, tmp_path: Path) -> None:
    host = moto_server.url.split("//", 1)[1]
    with s3cmd.config.open("a") as config:
        config.write(f"cloudfront_host = {host}\n")
    bucket = f"cf-{uuid.uuid4().hex[:10]}"
    s3.create_bucket(Bucket=bucket)
    created = s3cmd("cfcreate", f"s3://{bucket}")
    assert created.rc == 0, created.output
    dist_id = re.search(r"^DistId:\s+cf://([A-Z0-9]+)$", created.stdout, re.M).group(1)  # type: ignore[union-attr]
    src = _tree(tmp_path / "src")
    done = s3cmd("--cf-invalidate", "sync", f"{src}/", f"s3://{bucket}/site/")
    assert done.rc == 0, done.output
    lines = done.stdout.splitlines()
    assert lines[-2] == "Created invalidation request for 2 paths"
    request_id = lines[-1].rsplit("/", 1)[1]
    assert lines[-1] == f"Check progress with: s3cmd cfinvalinfo cf://{dist_id}/{request_id}"
    cf = moto_server.client("cloudfront", identities["admin"])
    batch = cf.get_invalidation(DistributionId=dist_id, Id=request_id)["Invalidation"]["InvalidationBatch"]
    assert sorted(batch["Paths"]["Items"]) == ["/site/a.txt", "/site/b.txt"]
    # nothing uploaded: nothing invalidated
    again = s3cmd("--cf-invalidate", "sync", f"{src}/", f"s3://{bucket}/site/")
    assert again.rc == 0 and "invalidation" not in again.stdout
    assert cf.list_invalidations(DistributionId=dist_id)["InvalidationList"]["Quantity"] == 1


@pytest.mark.parametrize("command", ["put", "sync"])
def test_no_check_md5_leaves_md5_out_of_the_attrs(s3cmd: S3cmdRunner, s3, tmp_path: Path, command: str) -> None:  # type: ignore[no-untyped-def]
    """As s3cmd 2.4.0: --no-check-md5 drops md5 from what --preserve stores (sync then compares sizes)."""
    src = _tree(tmp_path / "src")
    bucket = f"md-{uuid.uuid4().hex[:10]}"
    s3.create_bucket(Bucket=bucket)
    args = ["put", "-r"] if command == "put" else ["sync"]
    done = s3cmd("--no-check-md5", *args, f"{src}/", f"s3://{bucket}/ours/")
    assert done.rc == 0, done.output
    stored = s3.head_object(Bucket=bucket, Key="ours/a.txt")["Metadata"]["s3cmd-attrs"]
    assert "md5:" not in stored and "mtime:" in stored
    with_md5 = s3cmd("--check-md5", *args, f"{src}/", f"s3://{bucket}/md5/")
    assert with_md5.rc == 0, with_md5.output
    assert "md5:900150983cd24fb0d6963f7d28e17f72" in s3.head_object(Bucket=bucket, Key="md5/a.txt")["Metadata"]["s3cmd-attrs"]
    if _upstream(s3cmd, "--no-check-md5", *args, f"{src}/", f"s3://{bucket}/theirs/") is not None:
        theirs = s3.head_object(Bucket=bucket, Key="theirs/a.txt")["Metadata"]["s3cmd-attrs"]
        assert "md5:" not in theirs


def test_put_cache_file_is_filled_and_used(s3cmd: S3cmdRunner, s3, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """As s3cmd 2.4.0, ``put -r --cache-file F`` walks with the MD5 cache and writes F. Unlike 2.4.0,
    a file sent in one PUT (read whole anyway) gets the MD5 of the bytes sent in s3cmd-attrs, not a
    stale cache entry's (COMPATIBILITY.md)."""
    import json

    src = _tree(tmp_path / "src")
    bucket = f"cf-{uuid.uuid4().hex[:10]}"
    s3.create_bucket(Bucket=bucket)
    cache = tmp_path / "md5.cache"
    done = s3cmd("--cache-file", str(cache), "put", "-r", f"{src}/", f"s3://{bucket}/")
    assert done.rc == 0, done.output
    entries = json.loads(cache.read_text())["entries"]
    assert sorted(entries.values()) == ["5d41402abc4b2a76b9719d911017c592", "900150983cd24fb0d6963f7d28e17f72"]
    forged = {key: ("0" * 32 if value.startswith("9001") else value) for key, value in entries.items()}
    cache.write_text(json.dumps({**json.loads(cache.read_text()), "entries": forged}))
    again = s3cmd("--cache-file", str(cache), "put", "-r", f"{src}/", f"s3://{bucket}/again/")
    assert again.rc == 0, again.output
    stored = s3.head_object(Bucket=bucket, Key="again/a.txt")["Metadata"]["s3cmd-attrs"]
    assert "md5:900150983cd24fb0d6963f7d28e17f72" in stored and "0" * 32 not in stored
    theirs = tmp_path / "theirs.cache"
    if _upstream(s3cmd, "--cache-file", str(theirs), "put", "-r", f"{src}/", f"s3://{bucket}/theirs/") is not None:
        assert theirs.stat().st_size > 0


def test_add_destination_syncs_to_every_destination(s3cmd: S3cmdRunner, s3, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    src = _tree(tmp_path / "src")
    first, second = (f"ad-{uuid.uuid4().hex[:10]}" for _ in range(2))
    for name in (first, second):
        s3.create_bucket(Bucket=name)
    done = s3cmd("sync", "--add-destination", f"s3://{second}/copy/", f"{src}/", f"s3://{first}/")
    assert done.rc == 0, done.output
    assert sorted(o["Key"] for o in s3.list_objects(Bucket=first)["Contents"]) == ["a.txt", "b.txt"]
    assert sorted(o["Key"] for o in s3.list_objects(Bucket=second)["Contents"]) == ["copy/a.txt", "copy/b.txt"]
    assert s3.get_object(Bucket=second, Key="copy/a.txt")["Body"].read() == (src / "a.txt").read_bytes()
    # as s3cmd: CloudFront invalidation cannot follow several destinations
    both = s3cmd("sync", "--cf-invalidate", "--add-destination", f"s3://{second}/", f"{src}/", f"s3://{first}/")
    assert both.rc == 64 and "--cf-invalidate and --add-destination" in both.stderr, both.output
