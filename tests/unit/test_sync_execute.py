"""The executor reports results in job order with one exit code; the spool gives back what it got;
restoring s3cmd-attrs never applies a mode that is not a regular file's."""

from __future__ import annotations

import os
import stat
import threading
import time
from pathlib import Path

import pytest

from S3 import ExitCodes
from S3.errors import LocalFileError
from S3.s3 import attrs
from S3.sync.execute import Executor, Job
from S3.sync.spool import Spool
from S3.transfer.objects import Result, restore_attrs


def test_results_come_in_job_order_while_jobs_overlap() -> None:
    running = 0
    most = 0
    lock = threading.Lock()
    reported: list[int] = []

    def work(number: int) -> Result:
        nonlocal running, most
        with lock:
            running += 1
            most = max(most, running)
        time.sleep(0.02 * (5 - number % 5))  # later jobs finish first
        with lock:
            running -= 1
        if number == 3:
            return Result(error=LocalFileError("three"))
        return Result(bytes=number)

    executor = Executor(workers=4, report=lambda job, result: reported.append(job.subject))
    executor.run(Job(run=lambda n=n: work(n), subject=n) for n in range(10))
    assert reported == list(range(10))
    assert most > 1
    assert executor.bytes == sum(range(10)) - 3
    assert executor.failures == 1
    assert executor.score.rc() == ExitCodes.EX_PARTIAL


def test_all_failed_gives_the_first_failures_code() -> None:
    executor = Executor(workers=2, report=lambda job, result: None)
    executor.run(Job(run=lambda: Result(error=LocalFileError("x")), subject=None) for _ in range(3))
    assert executor.score.rc() == LocalFileError.exit_code


@pytest.mark.parametrize("in_memory", [0, 1, 10])
def test_spool_round_trip_keeps_odd_records(in_memory: int) -> None:
    keys = ["a\nb", "é", "x" * 5000]
    with Spool[tuple[str, str]](in_memory=in_memory) as spool:
        for key in keys:
            spool.add(("k", key))
        assert list(spool) == [("k", key) for key in keys]
        spool.add(("k", "later"))
        assert spool.count == 4 and list(spool)[-1] == ("k", "later")


def test_restore_attrs_applies_mtime_and_sane_modes_only(tmp_path: Path) -> None:
    target = tmp_path / "f"
    target.write_bytes(b"1")
    os.chmod(target, 0o644)
    restore_attrs(str(target), {attrs.HEADER: f"mtime:1500000000/mode:{stat.S_IFREG | 0o4755}"})
    assert os.stat(target).st_mtime == 1_500_000_000
    assert stat.S_IMODE(os.stat(target).st_mode) == 0o755  # setuid dropped
    restore_attrs(str(target), {attrs.HEADER: f"mode:{stat.S_IFDIR | 0o700}"})  # not a file's mode
    assert stat.S_IMODE(os.stat(target).st_mode) == 0o755
    restore_attrs(str(target), {attrs.HEADER: f"mode:{stat.S_IFREG | 0o044}"})  # owner could not read it
    assert stat.S_IMODE(os.stat(target).st_mode) == 0o755
