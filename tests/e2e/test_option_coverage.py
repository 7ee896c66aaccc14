"""Options that were honoured but had no test of their own: each one's effect, end to end (the real
``s3cmd`` against the moto server), the result checked through boto3."""

from __future__ import annotations

from pathlib import Path

from tests.conftest import S3cmdRunner


def _keys(s3, bucket: str) -> list[str]:  # type: ignore[no-untyped-def]
    return sorted(o["Key"] for o in s3.list_objects(Bucket=bucket).get("Contents", []))


def test_no_delete_removed_overrides_the_config_file(s3cmd: S3cmdRunner, bucket: str, s3, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    with open(s3cmd.config, "a") as config:
        config.write("delete_removed = True\n")
    src = tmp_path / "src"
    src.mkdir()
    (src / "kept.txt").write_bytes(b"k")
    s3.put_object(Bucket=bucket, Key="only-remote.txt", Body=b"r")
    kept = s3cmd("sync", "--no-delete-removed", f"{src}/", f"s3://{bucket}/")
    assert kept.rc == 0, kept.output
    assert _keys(s3, bucket) == ["kept.txt", "only-remote.txt"]
    removed = s3cmd("sync", f"{src}/", f"s3://{bucket}/")  # the file's delete_removed, untouched
    assert removed.rc == 0 and "delete: 's3://" in removed.stdout, removed.output
    assert _keys(s3, bucket) == ["kept.txt"]


def test_rinclude_from_brings_back_what_a_regexp_excluded(s3cmd: S3cmdRunner, bucket: str, s3, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    src = tmp_path / "src"
    src.mkdir()
    for name in ("a.log", "b.log", "keep.txt"):
        (src / name).write_bytes(name.encode())
    patterns = tmp_path / "rinclude.txt"
    patterns.write_text("# comments and blank lines are skipped\n\n^b\\.log$\n")
    done = s3cmd("sync", "--rexclude", r"\.log$", "--rinclude-from", str(patterns), f"{src}/", f"s3://{bucket}/")
    assert done.rc == 0, done.output
    assert _keys(s3, bucket) == ["b.log", "keep.txt"]


def test_kms_key_id_is_sent_and_the_object_reads_back(s3cmd: S3cmdRunner, bucket: str, s3, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    (tmp_path / "f.txt").write_bytes(b"kms payload")
    done = s3cmd("put", "--server-side-encryption-kms-id", "alias/backup", str(tmp_path / "f.txt"),
                 f"s3://{bucket}/f.txt")
    assert done.rc == 0, done.output
    head = s3.head_object(Bucket=bucket, Key="f.txt")
    assert head["ServerSideEncryption"] == "aws:kms" and head["SSEKMSKeyId"].endswith("alias/backup")
    assert s3.get_object(Bucket=bucket, Key="f.txt")["Body"].read() == b"kms payload"


def test_no_connection_pooling_opens_a_connection_per_request(tmp_path: Path) -> None:
    from tests.e2e.test_hostile_keys import _runner
    from tests.keystore_server import serve_keystore

    for name in ("a", "b", "c"):
        (tmp_path / name).write_bytes(name.encode())
    files = [str(tmp_path / name) for name in ("a", "b", "c")]
    with serve_keystore() as (url, store):
        store.buckets["pool"] = {}
        run = _runner(tmp_path / "home", url)
        pooled = run("--parallel=1", "put", *files, "s3://pool/")
        assert pooled.rc == 0, pooled.output
        reused = store.connections
        unpooled = run("--parallel=1", "--no-connection-pooling", "put", *files, "s3://pool/again/")
        assert unpooled.rc == 0, unpooled.output
        fresh = store.connections - reused
    assert reused == 1  # three uploads over one kept-alive connection
    assert fresh == 3  # one connection per request
