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


@pytest.fixture
def s3(moto_server, identities):  # type: ignore[no-untyped-def]
    return moto_server.client("s3", identities["admin"])


def test_multipart_put_accepts_rclones_initiate_answer(s3cmd: S3cmdRunner, rclone_like: _RcloneShaped, identities,  # type: ignore[no-untyped-def]
                                                       bucket: str, s3, tmp_path: Path) -> None:
    config = write_config(s3cmd.home / "rclone.s3cfg", rclone_like, identities["admin"], multipart_chunk_size_mb="5")
    data = os.urandom(6 * 1024 * 1024)
    (tmp_path / "big").write_bytes(data)
    done = s3cmd("put", str(tmp_path / "big"), f"s3://{bucket}/big", config=config)
    assert done.rc == 0, done.output
    assert rclone_like.seen["renamed"] == 1
    assert s3.get_object(Bucket=bucket, Key="big")["Body"].read() == data
