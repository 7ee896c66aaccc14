"""Ctrl-C and SIGTERM during a transfer end s3cmd promptly, leave no partial file and
abort an open multipart upload (a small trickling server keeps the transfer running)."""

from __future__ import annotations

import os
import signal
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.conftest import assert_run_shows_no_secret, default_sigint, s3cmd_executable
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


@dataclass(frozen=True)
class _Run:
    proc: subprocess.Popen[bytes]
    args: tuple[str, ...]
    env: dict[str, str]
    config: Path


def _start(tmp_path: Path, config: Path, *args: str) -> _Run:
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    env.update({"HOME": str(tmp_path), "AWS_EC2_METADATA_DISABLED": "true"})
    args = ("--no-progress", *args)
    proc = subprocess.Popen([*s3cmd_executable(), "-c", str(config), *args], cwd=tmp_path,
                            env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, preexec_fn=default_sigint)
    return _Run(proc, args, env, config)


def _wait_for(condition, run: _Run) -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + 20
    while not condition():
        assert run.proc.poll() is None, run.proc.communicate()
        assert time.monotonic() < deadline, "the transfer never started"
        time.sleep(0.05)


def _interrupt(run: _Run, signum: signal.Signals) -> None:
    """Signals the running transfer; it must end with the signal's exit code within 2 s, with one
    ERROR line, no traceback and no secret."""
    time.sleep(0.3)  # well into the body
    sent = time.monotonic()
    run.proc.send_signal(signum)
    try:
        out, err = run.proc.communicate(timeout=10)
    except subprocess.TimeoutExpired:
        run.proc.kill()
        run.proc.communicate()
        pytest.fail(f"s3cmd still running 10 s after {signum.name}")
    took = time.monotonic() - sent
    result = assert_run_shows_no_secret(out, err, args=run.args, env=run.env, configs=[run.config],
                                        rc=run.proc.returncode)
    assert result.rc == EXIT[signum], result.stderr
    assert took < 2.0, f"{signum.name} took {took:.1f}s to take effect"
    assert "Traceback" not in result.stderr and result.stderr.count("ERROR:") == 1, result.stderr


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM])
@pytest.mark.parametrize("trickle", ["0123456789abcdef0123456789abcdef", "0123456789abcdef0123456789abcdef-8"],
                         indirect=True, ids=["single", "multipart"])
def test_get_interrupted(tmp_path: Path, trickle: TrickleServer, signum: signal.Signals) -> None:
    work = tmp_path / "work"
    work.mkdir()
    run = _start(work, _config(tmp_path, trickle, "multipart_chunk_size_mb = 8"), "get", "s3://bkt/big", "out")
    _wait_for(lambda: any(p.stat().st_size > 0 for p in work.iterdir()), run)
    _interrupt(run, signum)
    assert list(work.iterdir()) == [], "a partial file was left behind"


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM])
@pytest.mark.parametrize("trickle", ["unused"], indirect=True)
def test_multipart_put_interrupted(tmp_path: Path, trickle: TrickleServer, signum: signal.Signals) -> None:
    source = tmp_path / "big"
    with open(source, "wb") as handle:
        handle.truncate(SIZE // 4)
    run = _start(tmp_path, _config(tmp_path, trickle, "multipart_chunk_size_mb = 5"), "put", str(source),
                 "s3://bkt/big")
    _wait_for(lambda: trickle.calls.get("PUT", 0) > 0, run)
    _interrupt(run, signum)
    assert trickle.calls.get("abort", 0) >= 1, "the multipart upload was left open"


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM])
@pytest.mark.parametrize("trickle", ["0123456789abcdef0123456789abcdef", "0123456789abcdef0123456789abcdef-8"],
                         indirect=True, ids=["single", "multipart"])
@pytest.mark.parametrize("chunk_mb", [8, 100], ids=["inline", "worker"])  # 100: the object goes to a pool worker
def test_sync_down_interrupted(tmp_path: Path, trickle: TrickleServer, signum: signal.Signals, chunk_mb: int) -> None:
    work = tmp_path / "work"
    (work / "dn").mkdir(parents=True)
    run = _start(work, _config(tmp_path, trickle, f"multipart_chunk_size_mb = {chunk_mb}"), "sync", "s3://bkt/",
                 "dn/")
    _wait_for(lambda: any(p.stat().st_size > 0 for p in (work / "dn").iterdir()), run)
    _interrupt(run, signum)
    assert list((work / "dn").iterdir()) == [], "a partial file was left behind"


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM])
@pytest.mark.parametrize("trickle", ["unused"], indirect=True)
def test_sync_up_interrupted_aborts_the_multipart_upload(tmp_path: Path, trickle: TrickleServer,
                                                          signum: signal.Signals) -> None:
    source = tmp_path / "src"
    source.mkdir()
    with open(source / "big", "wb") as handle:
        handle.truncate(SIZE // 4)
    run = _start(tmp_path, _config(tmp_path, trickle, "multipart_chunk_size_mb = 5"), "sync", "src/",
                 "s3://bkt/up/")
    _wait_for(lambda: trickle.calls.get("PUT", 0) > 0, run)
    _interrupt(run, signum)
    assert trickle.calls.get("abort", 0) >= 1, "the multipart upload was left open"


def test_a_stopping_upload_does_not_wait_minutes_for_its_abort(tmp_path: Path) -> None:
    """SIGTERM while the network is dead: the abort of the multipart upload gets a few seconds, not the
    read timeout times the retries (Kubernetes kills 30 s after SIGTERM); the user is told how to
    remove the upload left open."""
    trickle = TrickleServer(size=SIZE, etag="unused", abort_stalls=True)
    try:
        source = tmp_path / "big"
        with open(source, "wb") as handle:
            handle.truncate(SIZE // 4)
        run = _start(tmp_path, _config(tmp_path, trickle, "multipart_chunk_size_mb = 5", "socket_timeout = 300"),
                     "put", str(source), "s3://bkt/big")
        _wait_for(lambda: trickle.calls.get("PUT", 0) > 0, run)
        time.sleep(0.3)
        run.proc.send_signal(signal.SIGTERM)
        try:
            _, err = run.proc.communicate(timeout=25)
        except subprocess.TimeoutExpired:
            run.proc.kill()
            run.proc.communicate()
            pytest.fail("s3cmd still running 25 s after SIGTERM: it waited for the abort's timeouts")
        assert run.proc.returncode == 143, err
        assert trickle.calls.get("abort", 0) == 1
        assert b"s3cmd abortmp s3://bkt/big up1" in err and b"Traceback" not in err, err
    finally:
        trickle.stop()
