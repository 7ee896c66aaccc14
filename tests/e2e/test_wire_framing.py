"""The real ``s3cmd get`` against answers framed every way HTTP/1.1 allows, and broken in the ways
our HTTP client must catch (tests/raw_http.py on 127.0.0.1): a right answer lands whole and
verified; a broken one is retried, then one ``ERROR:`` line, a fitting exit code, no file."""

from __future__ import annotations

import hashlib
import os
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from S3 import ExitCodes
from tests.conftest import Result, s3cmd_executable
from tests.raw_http import RawServer, Step

BODY = bytes(range(256)) * 40 + b"tail"
ETAG = f'"{hashlib.md5(BODY).hexdigest()}"'


@pytest.fixture
def raw() -> Iterator[RawServer]:
    server = RawServer()
    yield server
    server.stop()


def get(raw: RawServer, tmp_path: Path) -> Result:
    config = tmp_path / "s3cfg"
    host = f"127.0.0.1:{raw.port}"
    config.write_text("[default]\naccess_key = AKIDEXAMPLE\nsecret_key = secretexample\n"
                      f"host_base = {host}\nhost_bucket = {host}\nuse_https = False\nmax_retries = 1\n")
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_") and k != "S3CMD_CONFIG"}
    env.update({"HOME": str(tmp_path), "AWS_EC2_METADATA_DISABLED": "true"})
    proc = subprocess.run([*s3cmd_executable(), "-c", str(config), "get", "s3://bkt/obj", str(tmp_path / "out")],
                          env=env, capture_output=True, timeout=60)
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
    assert len(errors) == 1 and complaint in errors[0], result.output
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
