"""The real ``s3cmd get`` against answers framed every way HTTP/1.1 allows, and broken in the ways
our HTTP client must catch (tests/raw_http.py on 127.0.0.1): a right answer lands whole and
verified; a broken one is retried, then one ``ERROR:`` line, a fitting exit code, no file."""

from __future__ import annotations

import hashlib
import os
import re
import subprocess
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from S3 import ExitCodes
from S3.transfer.download import CHUNK
from tests.conftest import Result, s3cmd_executable
from tests.raw_http import RawServer, Step

BODY = bytes(range(256)) * 40 + b"tail"
ETAG = f'"{hashlib.md5(BODY).hexdigest()}"'


@pytest.fixture
def raw() -> Iterator[RawServer]:
    server = RawServer()
    yield server
    server.stop()


def get(raw: RawServer, tmp_path: Path, *, extra: str = "") -> Result:
    return s3cmd(raw, tmp_path, "get", "s3://bkt/obj", str(tmp_path / "out"), extra=extra)


def s3cmd(raw: RawServer, tmp_path: Path, *args: str, extra: str = "") -> Result:
    config = tmp_path / "s3cfg"
    host = f"127.0.0.1:{raw.port}"
    config.write_text("[default]\naccess_key = AKIDEXAMPLE\nsecret_key = secretexample\n"
                      f"host_base = {host}\nhost_bucket = {host}\nuse_https = False\nmax_retries = 1\n{extra}")
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_") and k != "S3CMD_CONFIG"}
    env.update({"HOME": str(tmp_path), "AWS_EC2_METADATA_DISABLED": "true"})
    proc = subprocess.run([*s3cmd_executable(), "-c", str(config), *args], env=env, capture_output=True, timeout=60)
    return Result(proc.returncode, proc.stdout.decode("utf-8", "replace"), proc.stderr.decode("utf-8", "replace"))


def head(*lines: str) -> bytes:
    return ("\r\n".join(["HTTP/1.1 200 OK", f"ETag: {ETAG}", *lines]) + "\r\n\r\n").encode()


def chunked(body: bytes, size: int) -> bytes:
    pieces = [b"%x;ext=1\r\n%b\r\n" % (len(body[i:i + size]), body[i:i + size]) for i in range(0, len(body), size)]
    return b"".join(pieces) + b"0\r\nX-Trailer: t\r\n\r\n"


def leftovers(tmp_path: Path) -> list[str]:
    return [p.name for p in tmp_path.iterdir() if p.name.startswith(".out")]


@pytest.mark.parametrize("framing", ["length", "chunked", "to-the-close"])
def test_a_body_framed_any_way_lands_whole_and_verified(raw: RawServer, tmp_path: Path, framing: str) -> None:
    answers = {
        "length": Step(head(f"Content-Length: {len(BODY)}") + BODY),
        "chunked": Step(head("Transfer-Encoding: chunked") + chunked(BODY, 1000)),
        "to-the-close": Step(head("Connection: close") + BODY, close=True),
    }
    raw.script = [answers[framing]]
    result = get(raw, tmp_path)
    assert result.rc == 0, result.output
    assert (tmp_path / "out").read_bytes() == BODY and leftovers(tmp_path) == []


@pytest.mark.parametrize(
    ("broken", "complaint"),
    [
        (head("Transfer-Encoding: chunked") + b"zz\r\n" + BODY, "malformed chunk"),
        (head("Transfer-Encoding: chunked") + chunked(BODY, 1000)[:5000], "ended inside a chunk"),
        (head(f"Content-Length: {len(BODY)}") + BODY[:3000], "ended after 3000 of"),
        (b"HTTP/1.1 200 OK\r\nETag: " + b"x" * 70_000 + b"\r\n\r\n", "longer than 64 KiB"),
        (b"garbage that is no HTTP\r\n\r\n", "not an HTTP/1.1 answer"),
    ],
)
def test_a_broken_answer_is_retried_then_one_error_and_no_file(raw: RawServer, tmp_path: Path, broken: bytes,
                                                               complaint: str) -> None:
    raw.script = [Step(broken, close=True) for _ in range(10)]
    result = get(raw, tmp_path)
    errors = [line for line in result.output.splitlines() if line.startswith("ERROR:")]
    # the complaint comes with the retry (a cut body's retry asks from where it stopped, and the
    # script's answer from byte 0 is then refused: the one ERROR line says so)
    assert len(errors) == 1 and complaint in result.output, result.output
    assert "Traceback" not in result.output
    assert result.rc in (ExitCodes.EX_TEMPFAIL, ExitCodes.EX_SERVERERROR, ExitCodes.EX_IOERR), result.output
    assert not (tmp_path / "out").exists() and leftovers(tmp_path) == []
    assert len(raw.requests) >= 2  # it was tried again before giving up


def test_a_chunked_body_that_differs_from_its_etag_is_not_kept(raw: RawServer, tmp_path: Path) -> None:
    damaged = BODY[:100] + b"X" + BODY[101:]
    raw.script = [Step(head("Transfer-Encoding: chunked") + chunked(damaged, 4096)) for _ in range(5)]
    result = get(raw, tmp_path)
    assert result.rc != 0 and "does not match" in result.output, result.output
    assert not (tmp_path / "out").exists() and leftovers(tmp_path) == []


BIG = os.urandom(3 * CHUNK)
BIG_ETAG = f'"{hashlib.md5(BIG).hexdigest()}"'


def partial(first: int, body: bytes = BIG) -> bytes:
    return (f"HTTP/1.1 206 Partial Content\r\nETag: {BIG_ETAG}\r\nContent-Range: bytes {first}-{len(body) - 1}/"
            f"{len(body)}\r\nContent-Length: {len(body) - first}\r\n\r\n").encode() + body[first:]


def stalled() -> Step:
    """The whole object announced, half of it sent, then silence (the connection stays open)."""
    announced = f"HTTP/1.1 200 OK\r\nETag: {BIG_ETAG}\r\nContent-Length: {len(BIG)}\r\n\r\n".encode()
    return Step(announced + BIG[: len(BIG) // 2], stall=True)


def test_a_server_that_stalls_mid_body_is_timed_out_and_the_rest_fetched_from_there(raw: RawServer,
                                                                                   tmp_path: Path) -> None:
    raw.script = [stalled(), Step(partial(CHUNK))]  # the first whole chunk was written before the stall
    result = get(raw, tmp_path, extra="socket_timeout = 1\n")
    assert result.rc == 0, result.output
    assert "timed out (ReadTimeout)" in result.output and f"at byte {CHUNK}" in result.output
    assert f"range: bytes={CHUNK}-".encode() in raw.requests[1].head.lower()
    assert (tmp_path / "out").read_bytes() == BIG and leftovers(tmp_path) == []


def test_a_resumed_answer_from_another_byte_is_never_written(raw: RawServer, tmp_path: Path) -> None:
    """Asked from byte 1 MiB, the server answers from 1 MiB + 1: those bytes belong elsewhere."""
    raw.script = [stalled()] + [Step(partial(CHUNK + 1)) for _ in range(5)]
    result = get(raw, tmp_path, extra="socket_timeout = 1\n")
    errors = [line for line in result.output.splitlines() if line.startswith("ERROR:")]
    assert errors == [f"ERROR: Download of s3://bkt/obj: the server answered from byte {CHUNK + 1} when asked "
                      f"from byte {CHUNK}"], result.output
    assert result.rc == ExitCodes.EX_TEMPFAIL or result.rc != 0
    assert not (tmp_path / "out").exists() and leftovers(tmp_path) == []


MIB = 1024 * 1024
PARTS = os.urandom(11 * MIB)  # fetched in three ranges of 5 MiB; its ETag (…-3) states no MD5


def ranges_with(first_answer_of: dict[int, tuple[int, ...]]) -> Callable[[bytes], Step]:
    """Each Range asked is answered exactly, except the first time a range starting at a byte in
    ``first_answer_of``: then that (first, last) span is sent instead, with a Content-Range that says
    so, or says (first, claimed_last) when a third number is given. What was sent is taken out of
    ``first_answer_of``, and a wrong answer sent is noted there under -1."""
    wrong = first_answer_of

    def respond(head: bytes) -> Step:
        asked = re.search(rb"(?i)range: bytes=(\d+)-(\d*)", head)
        first = int(asked.group(1)) if asked else 0
        last = int(asked.group(2)) if asked and asked.group(2) else len(PARTS) - 1
        right = (first, min(last, len(PARTS) - 1))
        first, last, *claimed = wrong.pop(first, right)
        said = claimed[0] if claimed else last
        if (first, last, said) != (*right, right[1]):
            wrong[-1] = (first, last)  # noted: a wrong answer went out
        return Step((f"HTTP/1.1 206 Partial Content\r\nETag: \"0123456789abcdef0123456789abcdef-3\"\r\n"
                     f"Content-Range: bytes {first}-{said}/{len(PARTS)}\r\nContent-Length: {last - first + 1}"
                     "\r\n\r\n").encode() + PARTS[first:last + 1])

    return respond


@pytest.mark.parametrize("parallel", [8, 1])
@pytest.mark.parametrize("wrong", [
    {5 * MIB: (5 * MIB, 6 * MIB - 1)},  # short: the rest of the range is fetched from 6 MiB
    {5 * MIB: (5 * MIB, 6 * MIB - 1, 11 * MIB - 1)},  # short of what its own Content-Range says
    {5 * MIB: (5 * MIB, 11 * MIB - 1)},  # past the range asked for: refused, asked again
    {10 * MIB: (10 * MIB + 1, 11 * MIB - 1)},  # from another byte: refused, asked again
])
def test_a_range_answered_short_long_or_shifted_never_leaves_a_hole(raw: RawServer, tmp_path: Path,
                                                                      wrong: dict[int, tuple[int, ...]],
                                                                      parallel: int) -> None:
    """Ranges of an object with no MD5 to check it against, in parallel or one after the other: a
    range answered wrongly must not leave a hole or misplaced bytes behind an exit 0."""
    wrong = dict(wrong)  # the parameter's own dict is shared by the runs
    raw.responder = ranges_with(wrong)
    result = get(raw, tmp_path, extra=f"multipart_chunk_size_mb = 5\nparallel_transfers = {parallel}\n")
    assert result.rc == 0, result.output
    assert (tmp_path / "out").read_bytes() == PARTS and leftovers(tmp_path) == []
    if -1 in wrong:  # it went out (one range after the other, no range starts at 10 MiB: it may not)
        assert "Retrying failed request" in result.output  # and was noticed


@pytest.mark.parametrize("value", ["b\rc", "b\nX-Injected: 1"])  # (a NUL cannot be passed in argv)
def test_a_header_http_cannot_carry_is_one_error_and_nothing_sent(raw: RawServer, tmp_path: Path, value: str) -> None:
    """Upstream retries it for 45 s and exits 2 (COMPATIBILITY.md); a line break would end the header
    early, and let the value inject headers of its own."""
    (tmp_path / "f.txt").write_bytes(b"data")
    result = s3cmd(raw, tmp_path, "put", f"--add-header=x-amz-meta-a:{value}", str(tmp_path / "f.txt"), "s3://bkt/f")
    errors = [line for line in result.output.splitlines() if line.startswith("ERROR:")]
    assert errors == ["ERROR: Cannot send the header 'x-amz-meta-a': a line break or control character in it; "
                      "check --add-header and the metadata given"], result.output
    assert result.rc == ExitCodes.EX_USAGE and "Retrying" not in result.output
    assert raw.requests == []


def test_a_body_cut_short_without_its_length_is_not_taken_to_stdout_whole(raw: RawServer, tmp_path: Path) -> None:
    """An object uploaded in parts by another tool has no MD5 to check it by; an answer framed by the
    connection's end says nothing of its length: its size is checked against a HEAD, and bytes missing
    are an error, not exit 0 with half an object on stdout."""
    multipart = '"0123456789abcdef0123456789abcdef-2"'
    cut = ("\r\n".join(["HTTP/1.1 200 OK", f"ETag: {multipart}", "Connection: close"]) + "\r\n\r\n").encode()
    whole = ("\r\n".join(["HTTP/1.1 200 OK", f"ETag: {multipart}", f"Content-Length: {len(BODY)}"])
             + "\r\n\r\n").encode()
    raw.script = [Step(cut + BODY[:3000], close=True), Step(whole, read_body=False)]
    result = s3cmd(raw, tmp_path, "get", "s3://bkt/obj", "-")
    assert result.rc != 0 and f"is {len(BODY)} bytes, and 3000 were received" in result.stderr, result.output
    assert "Traceback" not in result.stderr
