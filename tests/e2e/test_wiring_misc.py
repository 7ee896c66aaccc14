"""Pieces that were built but not connected, end to end: the real ``s3cmd`` against the moto
server (directly, or through a proxy that gives an answer the shape another server gives it),
what is stored read back with boto3.

* a multipart ``put`` to a server that names CreateMultipartUpload's answer
  ``<InitiateMultipartUpload>`` (``rclone serve s3`` does) instead of ``…Result``;
* ``sync``/``put`` of a single file argument that is a symlink, and of a file whose name is
  not valid UTF-8.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler
from pathlib import Path

import pytest

from tests.conftest import S3cmdRunner, write_config
from tests.faults import FaultProxy


class _RcloneShaped(FaultProxy):
    """Relays to moto, but answers CreateMultipartUpload with rclone's root element name."""

    def _answer(self, handler: BaseHTTPRequestHandler, kind: str, status: int, headers: list[tuple[str, str]],
                body: bytes, *, method: str) -> None:
        query = handler.path.partition("?")[2]
        if method == "POST" and "uploads" in [item.partition("=")[0] for item in query.split("&")] and status == 200:
            body = body.replace(b"InitiateMultipartUploadResult", b"InitiateMultipartUpload")
            with self.lock:
                self.seen["renamed"] += 1
        super()._answer(handler, kind, status, headers, body, method=method)


@pytest.fixture
def rclone_like(moto_server) -> Iterator[_RcloneShaped]:  # type: ignore[no-untyped-def]
    proxy = _RcloneShaped(moto_server.port)
    yield proxy
    proxy.stop()


def test_multipart_put_accepts_rclones_initiate_answer(s3cmd: S3cmdRunner, rclone_like: _RcloneShaped, identities,  # type: ignore[no-untyped-def]
                                                       bucket: str, s3, tmp_path: Path) -> None:
    config = write_config(s3cmd.home / "rclone.s3cfg", rclone_like, identities["admin"], multipart_chunk_size_mb="5")
    data = os.urandom(6 * 1024 * 1024)
    (tmp_path / "big").write_bytes(data)
    done = s3cmd("put", str(tmp_path / "big"), f"s3://{bucket}/big", config=config)
    assert done.rc == 0, done.output
    assert rclone_like.seen["renamed"] == 1
    assert s3.get_object(Bucket=bucket, Key="big")["Body"].read() == data


@pytest.mark.parametrize("command", ["put", "sync"])
def test_named_symlink_to_a_file_is_skipped_unless_followed(s3cmd: S3cmdRunner, bucket: str, s3, tmp_path: Path,  # type: ignore[no-untyped-def]
                                                            command: str) -> None:
    """As s3cmd 2.4.0: without -F a symlink named on the command line is skipped with a warning."""
    (tmp_path / "real.txt").write_bytes(b"real")
    link = tmp_path / "link.txt"
    link.symlink_to(tmp_path / "real.txt")
    done = s3cmd(command, str(link), f"s3://{bucket}/")
    assert f"WARNING: Skipping over symbolic link: {link}" in done.stderr, done.output
    assert "Contents" not in s3.list_objects(Bucket=bucket)
    followed = s3cmd("-F", command, str(link), f"s3://{bucket}/")
    assert followed.rc == 0, followed.output
    assert s3.get_object(Bucket=bucket, Key="link.txt")["Body"].read() == b"real"


def test_put_of_a_name_that_is_not_utf8_is_a_reported_failure(s3cmd: S3cmdRunner, bucket: str, s3,  # type: ignore[no-untyped-def]
                                                              tmp_path: Path) -> None:
    bad = os.path.join(os.fsencode(tmp_path), b"bad\xff.txt")
    with open(bad, "wb") as handle:
        handle.write(b"x")
    (tmp_path / "good.txt").write_bytes(b"good")
    done = s3cmd("put", os.fsdecode(bad), str(tmp_path / "good.txt"), f"s3://{bucket}/")
    assert done.rc == 2, done.output
    assert "Traceback" not in done.output and "not valid UTF-8" in done.stderr
    assert [o["Key"] for o in s3.list_objects(Bucket=bucket)["Contents"]] == ["good.txt"]


def test_put_r_of_a_tree_with_a_name_that_is_not_utf8(s3cmd: S3cmdRunner, bucket: str, s3, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    top = tmp_path / "top"
    top.mkdir()
    with open(os.path.join(os.fsencode(top), b"bad\xff.txt"), "wb") as handle:
        handle.write(b"x")
    (top / "good.txt").write_bytes(b"good")
    done = s3cmd("put", "-r", str(top), f"s3://{bucket}/")
    assert done.rc == 2, done.output
    assert "Traceback" not in done.output and "not valid UTF-8" in done.stderr
    assert [o["Key"] for o in s3.list_objects(Bucket=bucket)["Contents"]] == ["top/good.txt"]


class _Recording(FaultProxy):
    """Relays to moto and remembers each request's headers (lower-cased names)."""

    def __init__(self, upstream_port: int) -> None:
        super().__init__(upstream_port)
        self.requests: list[tuple[str, str, dict[str, str]]] = []

    def handle(self, handler: BaseHTTPRequestHandler) -> None:
        with self.lock:
            self.requests.append((handler.command, handler.path,
                                  {name.lower(): value for name, value in handler.headers.items()}))
        super().handle(handler)


def test_setnotification_skip_destination_validation_header(s3cmd: S3cmdRunner, moto_server, identities,  # type: ignore[no-untyped-def]
                                                            bucket: str, tmp_path: Path) -> None:
    proxy = _Recording(moto_server.port)
    try:
        config = write_config(s3cmd.home / "rec.s3cfg", proxy, identities["admin"])
        document = tmp_path / "n.xml"
        document.write_text('<NotificationConfiguration xmlns="http://s3.amazonaws.com/doc/2006-03-01/">'
                            "</NotificationConfiguration>")
        for extra, expected in (([], None), (["--skip-destination-validation"], "True")):
            proxy.requests.clear()
            done = s3cmd(*extra, "setnotification", str(document), f"s3://{bucket}", config=config)
            assert done.rc == 0, done.output
            puts = [headers for method, path, headers in proxy.requests if method == "PUT" and "notification" in path]
            assert len(puts) == 1
            assert puts[0].get("x-amz-skip-destination-validation") == expected
    finally:
        proxy.stop()
