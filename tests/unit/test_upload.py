"""Multipart upload scheduling against a recording client: parts keep the pool full,
a failed part aborts the upload, memory is bounded by the parts in flight."""

from __future__ import annotations

import io
import threading
from pathlib import Path

import pytest

from S3.transfer.upload import UploadPlan, upload_file, upload_stream


class FakeClient:
    def __init__(self, *, fail_part: int | None = None) -> None:
        self.lock = threading.Lock()
        self.parts: dict[int, bytes] = {}
        self.active = 0
        self.peak = 0
        self.completed: list[tuple[int, str]] | None = None
        self.aborted = False
        self.fail_part = fail_part
        self.part4_done = threading.Event()

    def create_multipart(self, bucket, key, *, headers):  # type: ignore[no-untyped-def]
        return "upload-1"

    def upload_part(self, bucket, key, *, upload_id, number, data):  # type: ignore[no-untyped-def]
        with self.lock:
            self.active += 1
            self.peak = max(self.peak, self.active)
        try:
            if number == self.fail_part:
                raise RuntimeError("part failed")
            if number == 1:
                # part 1 is slow: it finishes only after part 4 did, which needs the pool to
                # refill as each quick part finishes rather than in batches
                assert self.part4_done.wait(timeout=5), "part 4 never started while part 1 was running"
            with self.lock:
                self.parts[number] = data
            if number == 4:
                self.part4_done.set()
            return f'"etag-{number}"'
        finally:
            with self.lock:
                self.active -= 1

    def complete_multipart(self, bucket, key, *, upload_id, parts, part_etags):  # type: ignore[no-untyped-def]
        self.completed = parts
        self.part_etags = part_etags

    def abort_multipart(self, bucket, key, *, upload_id):  # type: ignore[no-untyped-def]
        self.aborted = True

    def put_object(self, bucket, key, data, *, headers):  # type: ignore[no-untyped-def]
        self.parts[0] = data


PLAN = UploadPlan(bucket="b", key="k", headers={}, part_size=10, workers=2)


def test_pool_refills_as_parts_finish_and_parts_arrive_whole(tmp_path: Path) -> None:
    data = bytes(range(256)) * 4  # 1,024 bytes → 103 parts of 10
    path = tmp_path / "f"
    path.write_bytes(data)
    client = FakeClient()
    assert upload_file(client, str(path), PLAN) == len(data)  # type: ignore[arg-type]
    assert b"".join(client.parts[n] for n in sorted(client.parts)) == data
    assert client.completed == [(n, f'"etag-{n}"') for n in range(1, 104)]
    assert client.peak == 2


def test_failed_part_aborts_and_nothing_completes(tmp_path: Path) -> None:
    path = tmp_path / "f"
    path.write_bytes(b"x" * 100)
    client = FakeClient(fail_part=3)
    client.part4_done.set()
    with pytest.raises(RuntimeError, match="part failed"):
        upload_file(client, str(path), PLAN)  # type: ignore[arg-type]
    assert client.aborted and client.completed is None


def test_stream_small_is_one_put_and_large_is_multipart() -> None:
    client = FakeClient()
    assert upload_stream(client, io.BytesIO(b"tiny"), PLAN) == 4  # type: ignore[arg-type]
    assert client.parts == {0: b"tiny"}
    client = FakeClient()
    client.part4_done.set()
    payload = b"0123456789" * 7 + b"xyz"
    assert upload_stream(client, io.BytesIO(payload), PLAN) == len(payload)  # type: ignore[arg-type]
    assert b"".join(client.parts[n] for n in sorted(client.parts)) == payload
    assert client.completed is not None and len(client.completed) == 8


def test_stream_parts_grow_so_long_streams_fit_in_10000_parts() -> None:
    from dataclasses import replace

    from S3.transfer.chunking import MIB, stream_part_size

    # 15 MiB parts doubling every 2,000: 10,000 parts hold ~930 GiB instead of 146 GiB
    total = sum(stream_part_size(15 * MIB, n) for n in range(1, 10001))
    assert total > 900 * 1024 * MIB and stream_part_size(15 * MIB, 10000) == 240 * MIB
    client = FakeClient()
    client.part4_done.set()
    payload = bytes(range(200))
    plan = replace(PLAN, stream_double_every=2)
    upload_stream(client, io.BytesIO(payload), plan)  # type: ignore[arg-type]
    sizes = [len(client.parts[n]) for n in sorted(client.parts)]
    assert sizes[:6] == [10, 10, 20, 20, 40, 40] and sum(sizes) == 200
    assert b"".join(client.parts[n] for n in sorted(client.parts)) == payload


def test_growing_stream_parts_keep_memory_within_the_budget() -> None:
    from dataclasses import replace

    client = FakeClient()
    client.part4_done.set()
    # budget: 2 workers x 10 bytes; parts of 10, 20, 40 ... never fit two at a time
    upload_stream(client, io.BytesIO(bytes(300)), replace(PLAN, stream_double_every=1))  # type: ignore[arg-type]
    assert client.peak == 1
    assert sum(len(p) for p in client.parts.values()) == 300


def test_complete_gets_the_part_etags_in_order_to_check_the_final_etag(tmp_path: Path) -> None:
    source = tmp_path / "f"
    source.write_bytes(b"x" * 35)
    client = FakeClient()
    upload_file(client, str(source), PLAN)  # type: ignore[arg-type]
    assert client.part_etags == ["etag-1", "etag-2", "etag-3", "etag-4"]
