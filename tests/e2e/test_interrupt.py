"""Ctrl-C and SIGTERM during a transfer end s3cmd promptly, leave no partial file and
abort an open multipart upload (a small trickling server keeps the transfer running)."""

from __future__ import annotations

import os
import signal
import subprocess
import time
from pathlib import Path

import pytest

from tests.conftest import s3cmd_executable
from tests.trickle import TrickleServer

SIZE = 64 * 1024 * 1024  # at the trickle's pace, minutes: the transfer is always running when signalled
EXIT = {signal.SIGINT: 130, signal.SIGTERM: 143}


@pytest.fixture
def trickle(request: pytest.FixtureRequest):
    server = TrickleServer(size=SIZE, etag=request.param)
    yield server
    server.stop()


def _config(tmp_path: Path, server: TrickleServer, *extra: str) -> Path:
    host = server.url.split("//", 1)[1]
    path = tmp_path / "s3cfg"
    path.write_text("\n".join(["[default]", "access_key = AKIAEXAMPLE", "secret_key = notasecret0123456789",
                               f"host_base = {host}", f"host_bucket = {host}", "use_https = False",
                               "bucket_location = us-east-1", *extra]) + "\n")
    return path


def _start(tmp_path: Path, config: Path, *args: str) -> subprocess.Popen[bytes]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    env.update({"HOME": str(tmp_path), "AWS_EC2_METADATA_DISABLED": "true"})
    return subprocess.Popen([*s3cmd_executable(), "-c", str(config), "--no-progress", *args], cwd=tmp_path,
                            env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)


def _wait_for(condition, proc: subprocess.Popen[bytes]) -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + 20
    while not condition():
        assert proc.poll() is None, proc.communicate()
        assert time.monotonic() < deadline, "the transfer never started"
        time.sleep(0.05)


def _interrupt(proc: subprocess.Popen[bytes], signum: signal.Signals) -> tuple[int, float, str]:
    time.sleep(0.3)  # well into the body
    sent = time.monotonic()
    proc.send_signal(signum)
    try:
        _, err = proc.communicate(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.communicate()
        pytest.fail(f"s3cmd still running 10 s after {signum.name}")
    return proc.returncode, time.monotonic() - sent, err.decode()


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM])
@pytest.mark.parametrize("trickle", ["0123456789abcdef0123456789abcdef", "0123456789abcdef0123456789abcdef-8"],
                         indirect=True, ids=["single", "multipart"])
def test_get_interrupted(tmp_path: Path, trickle: TrickleServer, signum: signal.Signals) -> None:
    work = tmp_path / "work"
    work.mkdir()
    proc = _start(work, _config(tmp_path, trickle, "multipart_chunk_size_mb = 8"), "get", "s3://bkt/big", "out")
    _wait_for(lambda: any(p.stat().st_size > 0 for p in work.iterdir()), proc)
    rc, took, err = _interrupt(proc, signum)
    assert rc == EXIT[signum], err
    assert took < 2.0, f"{signum.name} took {took:.1f}s to take effect"
    assert list(work.iterdir()) == [], "a partial file was left behind"
    assert "Traceback" not in err and err.count("ERROR:") == 1, err


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM])
@pytest.mark.parametrize("trickle", ["unused"], indirect=True)
def test_multipart_put_interrupted(tmp_path: Path, trickle: TrickleServer, signum: signal.Signals) -> None:
    source = tmp_path / "big"
    with open(source, "wb") as handle:
        handle.truncate(SIZE // 4)
    proc = _start(tmp_path, _config(tmp_path, trickle, "multipart_chunk_size_mb = 5"), "put", str(source),
                  "s3://bkt/big")
    _wait_for(lambda: trickle.calls.get("PUT", 0) > 0, proc)
    rc, took, err = _interrupt(proc, signum)
    assert rc == EXIT[signum], err
    assert took < 2.0, f"{signum.name} took {took:.1f}s to take effect"
    assert trickle.calls.get("abort", 0) >= 1, "the multipart upload was left open"
    assert "Traceback" not in err and err.count("ERROR:") == 1, err


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM])
@pytest.mark.parametrize("trickle", ["0123456789abcdef0123456789abcdef", "0123456789abcdef0123456789abcdef-8"],
                         indirect=True, ids=["single", "multipart"])
@pytest.mark.parametrize("chunk_mb", [8, 100], ids=["inline", "worker"])  # 100: the object goes to a pool worker
def test_sync_down_interrupted(tmp_path: Path, trickle: TrickleServer, signum: signal.Signals, chunk_mb: int) -> None:
    work = tmp_path / "work"
    (work / "dn").mkdir(parents=True)
    proc = _start(work, _config(tmp_path, trickle, f"multipart_chunk_size_mb = {chunk_mb}"), "sync", "s3://bkt/",
                  "dn/")
    _wait_for(lambda: any(p.stat().st_size > 0 for p in (work / "dn").iterdir()), proc)
    rc, took, err = _interrupt(proc, signum)
    assert rc == EXIT[signum], err
    assert took < 2.0, f"{signum.name} took {took:.1f}s to take effect"
    assert list((work / "dn").iterdir()) == [], "a partial file was left behind"
    assert "Traceback" not in err and err.count("ERROR:") == 1, err


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM])
@pytest.mark.parametrize("trickle", ["unused"], indirect=True)
def test_sync_up_interrupted_aborts_the_multipart_upload(tmp_path: Path, trickle: TrickleServer,
                                                          signum: signal.Signals) -> None:
    source = tmp_path / "src"
    source.mkdir()
    with open(source / "big", "wb") as handle:
        handle.truncate(SIZE // 4)
    proc = _start(tmp_path, _config(tmp_path, trickle, "multipart_chunk_size_mb = 5"), "sync", "src/",
                  "s3://bkt/up/")
    _wait_for(lambda: trickle.calls.get("PUT", 0) > 0, proc)
    rc, took, err = _interrupt(proc, signum)
    assert rc == EXIT[signum], err
    assert took < 2.0, f"{signum.name} took {took:.1f}s to take effect"
    assert trickle.calls.get("abort", 0) >= 1, "the multipart upload was left open"
    assert "Traceback" not in err and err.count("ERROR:") == 1, err
