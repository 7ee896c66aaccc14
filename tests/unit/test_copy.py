"""S3.transfer.copy: one CopyObject up to the threshold, parts copied in parallel above it,
the ranges cover the object exactly, and a failed part aborts the upload."""

from __future__ import annotations

import threading

import pytest

from S3.transfer.copy import MAX_SINGLE_COPY, CopyPlan, copy_object_any_size, part_ranges


class FakeClient:
    def __init__(self, *, fail_part: int | None = None) -> None:
        self.lock = threading.Lock()
        self.single: list[tuple[str, str, dict[str, str], bool]] = []
        self.created_with: dict[str, str] | None = None
        self.ranges: dict[int, tuple[int, int]] = {}
        self.completed: list[tuple[int, str]] | None = None
        self.aborted = False
        self.fail_part = fail_part
        self.active = self.peak = 0
        self.two_running = threading.Barrier(2, timeout=5)

    def copy_object(self, src_bucket, src_key, bucket, key, *, headers, replace_metadata):  # type: ignore[no-untyped-def]
        self.single.append((src_key, key, dict(headers), replace_metadata))

    def create_multipart(self, bucket, key, *, headers):  # type: ignore[no-untyped-def]
        self.created_with = dict(headers)
        return "up-1"

    def upload_part_copy(self, src_bucket, src_key, bucket, key, *, upload_id, number, first, last):  # type: ignore[no-untyped-def]
        with self.lock:
            self.active += 1
            self.peak = max(self.peak, self.active)
        try:
            if number in (1, 2):
                self.two_running.wait()  # parts 1 and 2 are in flight at the same time
            if number == self.fail_part:
                raise RuntimeError("part copy failed")
            with self.lock:
                self.ranges[number] = (first, last)
            return f'"{number:032x}"'
        finally:
            with self.lock:
                self.active -= 1

    def complete_multipart(self, bucket, key, *, upload_id, parts, part_etags):  # type: ignore[no-untyped-def]
        self.completed = parts

    def abort_multipart(self, bucket, key, *, upload_id):  # type: ignore[no-untyped-def]
        self.aborted = True


def _plan(size: int, **changes) -> CopyPlan:  # type: ignore[no-untyped-def]
    values = dict(src_bucket="s", src_key="src", bucket="d", key="dst", size=size, headers={"x-amz-acl": "private"},
                  replace_metadata=False, threshold=10, part_size=4, workers=3)
    values.update(changes)
    return CopyPlan(**values)  # type: ignore[arg-type]


def test_part_ranges_cover_the_object_exactly() -> None:
    assert part_ranges(10, 4) == [(1, 0, 3), (2, 4, 7), (3, 8, 9)]
    assert part_ranges(8, 4) == [(1, 0, 3), (2, 4, 7)]
    with pytest.raises(ValueError):
        part_ranges(8, 0)


def test_at_or_below_the_threshold_one_copy_object() -> None:
    client = FakeClient()
    copy_object_any_size(client, _plan(10))  # type: ignore[arg-type]
    assert client.single == [("src", "dst", {"x-amz-acl": "private"}, False)] and client.created_with is None


def test_above_the_threshold_parts_in_parallel_with_the_given_metadata() -> None:
    client = FakeClient()
    copy_object_any_size(client, _plan(11, metadata={"Content-Type": "video/mp4"}))  # type: ignore[arg-type]
    assert client.single == []
    assert client.created_with == {"Content-Type": "video/mp4"}
    assert client.ranges == {1: (0, 3), 2: (4, 7), 3: (8, 10)}
    assert client.completed == [(1, f'"{1:032x}"'), (2, f'"{2:032x}"'), (3, f'"{3:032x}"')]
    assert client.peak >= 2 and not client.aborted


def test_five_gib_is_the_most_one_copy_object_takes() -> None:
    assert not _plan(MAX_SINGLE_COPY, threshold=MAX_SINGLE_COPY * 2).in_parts
    assert _plan(MAX_SINGLE_COPY + 1, threshold=MAX_SINGLE_COPY * 2).in_parts


def test_a_failed_part_aborts_the_upload() -> None:
    client = FakeClient(fail_part=2)
    with pytest.raises(RuntimeError, match="part copy failed"):
        copy_object_any_size(client, _plan(11))  # type: ignore[arg-type]
    assert client.aborted and client.completed is None
