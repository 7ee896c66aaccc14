"""Multipart upload scheduling against a recording client: parts keep the pool full,
a failed part aborts the upload, memory is bounded by the parts in flight."""

from __future__ import annotations

import hashlib
import io
import os
import threading
from dataclasses import replace
from pathlib import Path
from types import SimpleNamespace

import pytest

from S3.transfer.upload import UploadPlan, upload_file, upload_stream


class FakeClient:
    endpoint = SimpleNamespace(use_https=False)

    def __init__(self, *, fail_part: int | None = None) -> None:
        self.lock = threading.Lock()
        self.parts: dict[int, bytes] = {}
        self.active = 0
        self.peak = 0
        self.completed: list[tuple[int, str]] | None = None
        self.aborted = False
        self.fail_part = fail_part
        self.fail_create = False
        self.digests: dict[int, bytes] = {}
        self.sha256: dict[int, str] = {}
        self.part4_done = threading.Event()

    def create_multipart(self, bucket, key, *, headers):  # type: ignore[no-untyped-def]
        self.created_headers = dict(headers)
        if self.fail_create:
            raise RuntimeError("create failed")
        return "upload-1"

    def upload_part(self, bucket, key, *, upload_id, number, data, etag_unverifiable=False):  # type: ignore[no-untyped-def]
        self.unverifiable = etag_unverifiable
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
                self.parts[number] = data if isinstance(data, bytes) else data.reader().read()
                if not isinstance(data, bytes):
                    self.digests[number] = data.md5
                    self.sha256[number] = data.sha256
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
        self.put_headers = dict(headers)


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


ATTRS = replace(PLAN, with_md5=lambda md5: {"x-amz-meta-s3cmd-attrs": f"md5:{md5}"})


@pytest.mark.parametrize("size", [0, 1, 9, 10, 11, 35])
def test_whole_file_md5_goes_with_the_upload_and_parts_carry_their_own(tmp_path: Path, size: int) -> None:
    data = os.urandom(size)
    path = tmp_path / "f"
    path.write_bytes(data)
    client = FakeClient()
    client.part4_done.set()
    assert upload_file(client, str(path), ATTRS) == size  # type: ignore[arg-type]
    wanted = {"x-amz-meta-s3cmd-attrs": f"md5:{hashlib.md5(data).hexdigest()}"}
    if size <= PLAN.part_size:
        assert client.put_headers == wanted and client.parts == {0: data}
    else:
        assert client.created_headers == wanted
        assert b"".join(client.parts[n] for n in sorted(client.parts)) == data
        assert all(client.digests[n] == hashlib.md5(client.parts[n]).digest() for n in client.parts)


def test_failed_initiation_sends_no_part_and_aborts_nothing(tmp_path: Path) -> None:
    path = tmp_path / "f"
    path.write_bytes(os.urandom(100))
    client = FakeClient()
    client.fail_create = True
    with pytest.raises(RuntimeError, match="create failed"):
        upload_file(client, str(path), ATTRS)  # type: ignore[arg-type]
    assert client.parts == {} and not client.aborted and client.completed is None


def test_failed_part_after_a_late_initiation_aborts_it(tmp_path: Path) -> None:
    path = tmp_path / "f"
    path.write_bytes(os.urandom(100))
    client = FakeClient(fail_part=3)
    client.part4_done.set()
    with pytest.raises(RuntimeError, match="part failed"):
        upload_file(client, str(path), ATTRS)  # type: ignore[arg-type]
    assert client.aborted and client.completed is None


def test_part_memory_is_not_held_whatever_the_part_size(tmp_path: Path) -> None:
    from S3.transfer.upload import FilePart, digest_part

    path = tmp_path / "f"
    path.write_bytes(b"abc" * 1000)
    with open(path, "rb") as handle:
        part = digest_part(handle.fileno(), 3, 2997)
        assert isinstance(part, FilePart) and len(part) == 2997 and not hasattr(part, "data")
        assert part.md5 == hashlib.md5((b"abc" * 1000)[3:]).digest()
        assert part.sha256 == hashlib.sha256((b"abc" * 1000)[3:]).hexdigest()
        assert part.reader().read() == part.reader().read() == (b"abc" * 1000)[3:]  # afresh for each attempt


@pytest.mark.parametrize(("https", "sign", "signed"), [(False, None, True), (True, None, False), (True, True, True)])
def test_parts_are_signed_over_http_and_unsigned_over_https(tmp_path: Path, https: bool, sign: bool | None,
                                                            signed: bool) -> None:
    data = os.urandom(35)
    path = tmp_path / "f"
    path.write_bytes(data)
    client = FakeClient()
    client.endpoint = SimpleNamespace(use_https=https)  # type: ignore[assignment]
    client.part4_done.set()
    upload_file(client, str(path), replace(PLAN, sign_payload=sign))  # type: ignore[arg-type]
    for number, part in client.parts.items():
        assert client.sha256[number] == (hashlib.sha256(part).hexdigest() if signed else "")


@pytest.mark.parametrize("size", [0, 1, 2048, 2049, 10, 11])
def test_read_local_opens_once_and_gives_head_md5_and_body(tmp_path: Path, monkeypatch, size: int) -> None:  # type: ignore[no-untyped-def]
    import builtins

    from S3.transfer.upload import read_local

    data = os.urandom(size)
    path = tmp_path / "f"
    path.write_bytes(data)
    opened: list[str] = []
    real_open, real_os_open = builtins.open, os.open  # file objects and plain descriptors alike
    monkeypatch.setattr(builtins, "open", lambda file, *a, **k: opened.append(str(file)) or real_open(file, *a, **k))
    monkeypatch.setattr(os, "open", lambda file, *a, **k: opened.append(str(file)) or real_os_open(file, *a, **k))
    local = read_local(str(path), whole_up_to=10 if size in (10, 11) else 4096)
    client = FakeClient()
    client.part4_done.set()
    sent = upload_file(client, str(path), ATTRS, local=local)  # type: ignore[arg-type]
    assert local.head == data[:2048] and local.stat.st_size == size
    if size == 11:  # over the limit: no body, the upload reads the file itself (multipart)
        assert local.body is None and local.md5 == "" and len(opened) == 2
        assert b"".join(client.parts[n] for n in sorted(client.parts)) == data
    else:
        assert local.body == data and local.md5 == hashlib.md5(data).hexdigest()
        assert opened == [str(path)] and client.parts == {0: data} and sent == size
        assert client.put_headers == {"x-amz-meta-s3cmd-attrs": f"md5:{local.md5}"}


def test_a_file_that_shrinks_during_the_upload_fails_and_aborts(tmp_path: Path) -> None:
    """The size is taken when the upload begins; a part past the new end raises FileShrank (from the
    hashing thread, handed to that part's sender) and the upload is aborted, never completed."""
    from S3.transfer.upload import FileShrank, _multipart_file

    path = tmp_path / "f"
    path.write_bytes(b"y" * 55)
    client = FakeClient()
    client.part4_done.set()
    with open(path, "rb") as handle, pytest.raises(FileShrank, match="shorter"):
        _multipart_file(client, handle.fileno(), 100, PLAN, progress=None)  # type: ignore[arg-type]
    assert client.aborted and client.completed is None


def test_part_hasher_hashes_in_order_within_its_lookahead() -> None:
    from S3.transfer.upload import FilePart, _PartHasher

    hashed: list[int] = []
    lock = threading.Lock()

    def digest(number: int) -> FilePart:
        with lock:
            hashed.append(number)
        return FilePart(0, number, 1, hashlib.md5(bytes([number])).digest(), "")

    stop = threading.Event()
    hasher = _PartHasher(digest, 10, ahead=3, stop=stop)
    try:
        assert hasher.part(1).md5 == hashlib.md5(b"\x01").digest()
        # one part taken: room for 3 + 1 hashed so far, not all 10
        for _ in range(200):
            if len(hashed) >= 4:
                break
            threading.Event().wait(0.01)
        threading.Event().wait(0.05)
        assert sorted(hashed) == [1, 2, 3, 4]
        assert [hasher.part(n).offset for n in range(2, 11)] == list(range(2, 11))
    finally:
        hasher.close()


def test_part_hasher_hands_errors_to_the_sender_and_close_releases_waiters() -> None:
    from S3.transfer.upload import FilePart, _Abandoned, _PartHasher

    release = threading.Event()

    def digest(number: int) -> FilePart:
        if number == 2:
            raise OSError("disk gone")
        release.wait(5)
        return FilePart(0, number, 1, b"", "")

    hasher = _PartHasher(digest, 3, ahead=1, stop=threading.Event())
    with pytest.raises(OSError, match="disk gone"):
        release.set()
        hasher.part(1)
        hasher.part(2)
    stuck = _PartHasher(lambda n: (threading.Event().wait(0.2), FilePart(0, n, 1, b"", ""))[1], 5, ahead=1,
                        stop=threading.Event())
    stuck.close()
    with pytest.raises(_Abandoned):
        stuck.part(5)


@pytest.mark.parametrize(("headers", "unverifiable"), [
    ({}, False), ({"x-amz-server-side-encryption": "AES256"}, False),
    ({"x-amz-server-side-encryption": "aws:kms"}, True),
    ({"x-amz-server-side-encryption-customer-algorithm": "AES256"}, True),
])
def test_parts_of_an_upload_with_unverifiable_etags_say_so(tmp_path: Path, headers: dict[str, str],
                                                           unverifiable: bool) -> None:
    """SSE-KMS / SSE-C parts have ETags that are no MD5s: the client is told, so that they keep Content-MD5."""
    path = tmp_path / "f"
    path.write_bytes(b"z" * 25)
    client = FakeClient()
    client.part4_done.set()
    upload_file(client, str(path), replace(PLAN, headers=headers))  # type: ignore[arg-type]
    assert client.unverifiable is unverifiable


def test_read_to_the_end_takes_what_a_file_grew_by_and_a_head_stops_at_its_size(tmp_path: Path) -> None:
    from S3.transfer.upload import _read

    path = tmp_path / "f"
    path.write_bytes(b"0123456789" * 300_000)  # 3 MB: more than one block past the stated size
    fd = os.open(path, os.O_RDONLY)
    try:
        assert _read(fd, 4, to_end=True) == path.read_bytes()  # stated 4 (the size at stat), found 3 MB
        os.lseek(fd, 0, os.SEEK_SET)
        assert _read(fd, 4, to_end=False) == b"0123"
        assert _read(fd, 10**7, to_end=False) == path.read_bytes()[4:]  # a head asked past the end: what is there
    finally:
        os.close(fd)
