"""Light jobs run on one CPU, the others on the CPUs the run started with, and the caller gets its
mask back (``S3.transfer.affinity``, as ``run_in_order`` uses it)."""

from __future__ import annotations

import os
import threading
from pathlib import Path

import pytest

from S3.transfer.affinity import LIGHT_BYTES, Placement, current_cpu, is_light
from S3.transfer.parallel import run_in_order

several_cpus = pytest.mark.skipif(
    not hasattr(os, "sched_getaffinity") or len(os.sched_getaffinity(0)) < 2, reason="needs two CPUs or more"
)


def test_the_cpu_is_read_after_a_command_name_with_spaces_and_parentheses(tmp_path: Path) -> None:
    fields = ["R"] + ["0"] * 35 + ["3"] + ["0"] * 13  # field 39 (the 37th after the name) is the CPU
    stat = tmp_path / "stat"
    stat.write_bytes(b"4242 (s3cmd (x) y) " + " ".join(fields).encode())
    assert current_cpu(str(stat)) == 3


@pytest.mark.parametrize("content", [b"", b"4242 (s3cmd) R 1 2", b"no parenthesis at all", b"1 (x) " + b"z " * 40])
def test_a_stat_that_says_nothing_usable_gives_no_cpu(tmp_path: Path, content: bytes) -> None:
    stat = tmp_path / "stat"
    stat.write_bytes(content)
    assert current_cpu(str(stat)) is None
    assert current_cpu(str(tmp_path / "missing")) is None


def test_light_means_small_and_known() -> None:
    assert is_light(0) and is_light(4096) and is_light(LIGHT_BYTES)
    assert not is_light(LIGHT_BYTES + 1) and not is_light(None)


def _masks(jobs: list[bool], *, workers: int = 4) -> list[set[int]]:
    """The mask each job ran with, in job order."""
    def work(_light: bool) -> set[int]:
        return os.sched_getaffinity(0)

    return [mask for _, mask in run_in_order(jobs, work, workers=workers, light=lambda light: light)]  # type: ignore[misc]


@several_cpus
def test_light_jobs_share_one_cpu_and_the_others_have_every_cpu_and_the_caller_gets_its_mask_back() -> None:
    before = os.sched_getaffinity(0)
    masks = _masks([True] * 20 + [False] * 5 + [True] * 5)
    assert all(len(mask) == 1 and mask <= before for mask in masks[:20] + masks[25:])
    assert len({frozenset(mask) for mask in masks[:20] + masks[25:]}) == 1  # the same CPU for all of them
    assert masks[20:25] == [before] * 5
    assert os.sched_getaffinity(0) == before


@several_cpus
def test_an_inline_job_runs_on_every_cpu_in_the_calling_thread() -> None:
    before = os.sched_getaffinity(0)
    seen: list[tuple[str, set[int]]] = []

    def work(job: str) -> None:
        seen.append((threading.current_thread().name, os.sched_getaffinity(0)))

    list(run_in_order(["small", "large"], work, workers=2, inline=lambda job: job == "large",
                      light=lambda job: job == "small"))
    assert seen[1] == (threading.current_thread().name, before)
    assert len(seen[0][1]) == 1


@several_cpus
def test_the_caller_gets_its_mask_back_when_a_job_fails_or_the_results_are_abandoned() -> None:
    before = os.sched_getaffinity(0)

    def work(job: int) -> int:
        if job == 3:
            raise RuntimeError("boom")
        return job

    results = run_in_order(range(10), work, workers=2, light=lambda job: True)
    next(results)
    assert len(os.sched_getaffinity(0)) == 1  # pinned while the run is under way
    results.close()
    assert os.sched_getaffinity(0) == before
    assert any(isinstance(r, RuntimeError) for _, r in run_in_order(range(5), work, workers=2, light=lambda j: True))
    assert os.sched_getaffinity(0) == before


def test_no_cpu_known_or_one_outside_the_mask_pins_nothing() -> None:
    if not hasattr(os, "sched_getaffinity"):
        pytest.skip("no CPU masks here")
    before = os.sched_getaffinity(0)
    for placement in (Placement(cpu=None, everywhere=before), Placement(cpu=max(before) + 1, everywhere=before),
                      Placement(cpu=min(before), everywhere=None)):
        placement.place(True)
        assert os.sched_getaffinity(0) == before
        placement.restore()
