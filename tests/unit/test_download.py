"""Ranged downloads against a loopback object server: sequential with MD5 check,
parallel ranges for multipart ETags, servers that ignore Range or answer it with
200, and a connection that drops mid-body."""

from __future__ import annotations

import hashlib
import io
import os
import re
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from S3.errors import TransferError
from S3.transfer import download
from S3.transfer.download import Fetch, download_to_file, download_to_stream
from tests.unit.test_client_retries import Generations, make_client

DATA = os.urandom(3 * 1024 * 1024 + 12345)


class ObjectServer:
    def __init__(self) -> None:
        self.data = DATA
        self.etag = hashlib.md5(DATA).hexdigest()
        self.attrs = ""  # x-amz-meta-s3cmd-attrs
        self.corrupt_ranges = 0  # flip a byte in this many answers that start at offset 1 MiB
        self.honour_range = True
        self.range_status = 206
        self.drop_first_body_after: int | None = None
        self.ranges: list[str] = []
        self.lock = threading.Lock()


@pytest.fixture(params=["inline", "thread"])
def digest_mode(request, monkeypatch) -> str:  # type: ignore[no-untyped-def]
    """Every test against the object server runs with the MD5 taken inline (objects up to INLINE_DIGEST_LIMIT) and in its own thread."""
    if request.param == "thread":
        monkeypatch.setattr(download, "INLINE_DIGEST_LIMIT", -1)
    return str(request.param)


def test_small_objects_are_hashed_inline_and_large_ones_in_a_thread() -> None:
    from S3.transport.http import Response

    def answer(size: int) -> Response:
        return Response(200, "OK", {"Content-Range": f"bytes 0-0/{size}", "Content-Length": "1"}, b"")

    inline = download._digest_for(answer(download.INLINE_DIGEST_LIMIT))
    assert isinstance(inline, download._InlineDigest)
    threaded = download._digest_for(answer(download.INLINE_DIGEST_LIMIT + 1))
    try:
        assert isinstance(threaded, download._BackgroundDigest)
    finally:
        threaded.close()


@pytest.fixture
def objects(digest_mode: str) -> Iterator[tuple[str, ObjectServer]]:
    state = ObjectServer()

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_GET(self) -> None:  # noqa: N802
            wanted = self.headers.get("Range", "")
            with state.lock:
                state.ranges.append(wanted)
                drop, state.drop_first_body_after = state.drop_first_body_after, None
            data = state.data
            match = re.fullmatch(r"bytes=(\d+)-(\d*)", wanted)
            start, end, status = 0, len(data) - 1, 200
            if match and state.honour_range and not data:
                self.send_response(416)
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            if match and state.honour_range:
                start = int(match.group(1))
                end = min(int(match.group(2)) if match.group(2) else len(data) - 1, len(data) - 1)
                status = state.range_status
            body = data[start:end + 1]
            with state.lock:
                if start == 1024 * 1024 and state.corrupt_ranges:
                    state.corrupt_ranges -= 1
                    body = bytes([body[0] ^ 1]) + body[1:]
            self.send_response(status)
            self.send_header("ETag", f'"{state.etag}"')
            if state.attrs:
                self.send_header("x-amz-meta-s3cmd-attrs", state.attrs)
            self.send_header("Content-Length", str(len(body)))
            if match and state.honour_range:
                self.send_header("Content-Range", f"bytes {start}-{end}/{len(data)}")
            self.end_headers()
            if drop is not None:
                self.wfile.write(body[:drop])
                self.wfile.flush()
                self.connection.shutdown(2)
                return
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield f"127.0.0.1:{httpd.server_address[1]}", state
    httpd.shutdown()


FETCH = Fetch(part_size=1024 * 1024, workers=4)


def test_plain_etag_reads_sequentially_and_checks_md5(objects, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    host, state = objects
    dest = tmp_path / "out"
    assert download_to_file(make_client(host, Generations(), []), "b", "k", str(dest), fetch=FETCH) == len(DATA)
    assert dest.read_bytes() == DATA
    assert state.ranges == ["bytes=0-1048575", "bytes=1048576-"]


def test_plain_etag_body_corrupted_twice_fails_with_nothing_left(objects, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """A one-piece object is checked against its ETag: a flipped byte is fetched again, twice is an error."""
    host, state = objects
    state.corrupt_ranges = 2
    dest = tmp_path / "out"
    with pytest.raises(TransferError, match="in 2 tries; nothing was written"):
        download_to_file(make_client(host, Generations(), []), "b", "k", str(dest), fetch=FETCH)
    assert list(tmp_path.iterdir()) == [] and state.corrupt_ranges == 0


def test_multipart_etag_fetches_ranges_in_parallel(objects, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    host, state = objects
    state.etag = "0123456789abcdef0123456789abcdef-4"
    dest = tmp_path / "out"
    download_to_file(make_client(host, Generations(), []), "b", "k", str(dest), fetch=FETCH)
    assert dest.read_bytes() == DATA
    assert len(state.ranges) == 4 and state.ranges[0] == "bytes=0-1048575"


@pytest.mark.parametrize("mode", ["ignored", "200-with-content-range"])
def test_servers_with_unusual_range_answers(objects, tmp_path: Path, mode: str) -> None:  # type: ignore[no-untyped-def]
    host, state = objects
    state.etag = "0123456789abcdef0123456789abcdef-4"
    if mode == "ignored":
        state.honour_range = False
    else:
        state.range_status = 200
    dest = tmp_path / "out"
    download_to_file(make_client(host, Generations(), []), "b", "k", str(dest), fetch=FETCH)
    assert dest.read_bytes() == DATA


def test_dropped_connection_resumes_from_where_it_stopped(objects, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    host, state = objects
    state.drop_first_body_after = 1_500_000  # every byte before the drop is kept, none fetched twice
    dest = tmp_path / "out"
    download_to_file(make_client(host, Generations(), []), "b", "k", str(dest), fetch=Fetch(part_size=8 << 20))
    assert dest.read_bytes() == DATA
    assert state.ranges[1] == f"bytes=1500000-{len(DATA) - 1}"


def test_dropped_connection_waits_before_resuming(objects, tmp_path: Path, caplog) -> None:  # type: ignore[no-untyped-def]
    host, state = objects
    state.drop_first_body_after = 1_500_000
    sleeps: list[float] = []
    with caplog.at_level("WARNING", logger="s3cmd"):
        download_to_file(make_client(host, Generations(), sleeps), "b", "k", str(tmp_path / "out"),
                         fetch=Fetch(part_size=8 << 20))
    assert sleeps == [1.5]  # S3's policy (equal jitter, rand 0.5), as for any failed request
    assert "Retrying failed request: s3://b/k" in caplog.text


def test_md5_mismatch_leaves_nothing_behind(objects, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    host, state = objects
    state.etag = "0" * 32
    dest = tmp_path / "out"
    with pytest.raises(TransferError, match="does not match the stored MD5"):
        download_to_file(make_client(host, Generations(), []), "b", "k", str(dest), fetch=FETCH)
    assert list(tmp_path.iterdir()) == []


def test_empty_object_answering_416_to_a_range_is_fetched_whole(objects, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    host, state = objects
    state.data, state.etag = b"", hashlib.md5(b"").hexdigest()
    dest = tmp_path / "out"
    assert download_to_file(make_client(host, Generations(), []), "b", "k", str(dest), fetch=FETCH) == 0
    assert dest.read_bytes() == b""
    assert state.ranges == ["bytes=0-1048575", ""]


MULTIPART = "0123456789abcdef0123456789abcdef-4"


def attrs_with(md5: str) -> str:
    return f"atime:1/ctime:1/gid:0/gname:root/md5:{md5}/mode:33188/mtime:1/uid:0/uname:root"


def test_multipart_object_is_checked_against_the_attrs_md5_and_retried_once(objects, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    host, state = objects
    state.etag, state.attrs, state.corrupt_ranges = MULTIPART, attrs_with(hashlib.md5(DATA).hexdigest()), 1
    dest = tmp_path / "out"
    download_to_file(make_client(host, Generations(), []), "b", "k", str(dest), fetch=FETCH)
    assert dest.read_bytes() == DATA
    assert len(state.ranges) == 8  # two whole downloads of 4 ranges


def test_multipart_object_corrupted_twice_fails_with_nothing_left(objects, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    host, state = objects
    state.etag, state.attrs, state.corrupt_ranges = MULTIPART, attrs_with(hashlib.md5(DATA).hexdigest()), 2
    dest = tmp_path / "out"
    with pytest.raises(TransferError, match="in 2 tries; nothing was written"):
        download_to_file(make_client(host, Generations(), []), "b", "k", str(dest), fetch=FETCH)
    assert list(tmp_path.iterdir()) == []


def test_no_md5_anywhere_is_said_at_info_not_failed(objects, tmp_path: Path, caplog) -> None:  # type: ignore[no-untyped-def]
    host, state = objects
    state.etag = MULTIPART
    dest = tmp_path / "out"
    with caplog.at_level("INFO", logger="s3cmd"):
        download_to_file(make_client(host, Generations(), []), "b", "k", str(dest), fetch=FETCH)
    assert dest.read_bytes() == DATA
    assert "not verified" in caplog.text


def test_stream_mismatch_says_the_bytes_are_already_out(objects) -> None:  # type: ignore[no-untyped-def]
    host, state = objects
    state.etag, state.attrs = MULTIPART, attrs_with("f" * 32)
    out = io.BytesIO()
    with pytest.raises(TransferError, match="already written to stdout"):
        download_to_stream(make_client(host, Generations(), []), "b", "k", out, fetch=FETCH)


def test_parallel_ranges_are_hashed_as_they_land_not_read_back_afterwards(objects, tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from S3.transfer import download

    def no_second_pass(fd: int, size: int) -> str:
        raise AssertionError("the assembled file was hashed again after the download")

    monkeypatch.setattr(download, "_file_md5", no_second_pass)
    host, state = objects
    state.etag, state.attrs = MULTIPART, attrs_with(hashlib.md5(DATA).hexdigest())
    dest = tmp_path / "out"
    download_to_file(make_client(host, Generations(), []), "b", "k", str(dest), fetch=FETCH)
    assert dest.read_bytes() == DATA and len(state.ranges) == 4


def test_in_order_digest_takes_ranges_finished_out_of_order(tmp_path: Path) -> None:
    from S3.transfer.download import _At, _InOrderDigest

    data = os.urandom(10_000)
    spans = [(0, 2999), (3000, 5999), (6000, 9999)]
    with open(tmp_path / "f", "w+b") as handle:
        fd = handle.fileno()
        os.ftruncate(fd, len(data))
        digest = _InOrderDigest(fd, spans)
        for start, end in reversed(spans):  # the last range lands first
            writer = _At(fd, start, None, digest)
            for at in range(start, end + 1, 1000):
                writer.write(data[at:min(at + 1000, end + 1)])
        assert digest.hexdigest() == hashlib.md5(data).hexdigest()
        gap = _InOrderDigest(fd, spans)
        _At(fd, 0, None, gap).write(data[:3000])
        _At(fd, 6000, None, gap).write(data[6000:])
        assert gap.hexdigest() == hashlib.md5(data[:3000]).hexdigest()  # a range never written: no hang, no match


@pytest.mark.parametrize("length", ["-5", "abc", "+5000", "\u00b2"])
def test_a_content_length_that_is_no_number_is_read_to_the_end_and_checked(length: str, tmp_path: Path) -> None:
    """A broken or hostile server's Content-Length neither crashes the download nor shapes its reads:
    the body is read to the end and its MD5 checked against the ETag."""
    body = os.urandom(5000)

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_GET(self) -> None:  # noqa: N802
            self.send_response(200)
            self.send_header("ETag", f'"{hashlib.md5(body).hexdigest()}"')
            self.send_header("Content-Length", length)
            self.send_header("Connection", "close")
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        host = f"127.0.0.1:{server.server_address[1]}"
        dest = tmp_path / "out"
        assert download_to_file(make_client(host, Generations(), []), "b", "k", str(dest),
                                fetch=Fetch(workers=1)) == len(body)
        assert dest.read_bytes() == body
    finally:
        server.shutdown()
        server.server_close()
