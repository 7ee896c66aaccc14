"""Run many per-object jobs (``S3.transfer.objects``) on a bounded pool, report them in order, keep the score.

``Executor.run(jobs)`` sends each job's ``Result`` to ``report`` in the order the jobs were given
(``run_in_order``: output lines and ``[i of N]`` stay as a sequential run prints them) and tallies
one ``ExitScoreboard``. A job marked ``inline`` (a large multipart file bringing its own part-level
parallelism) runs alone; one marked ``light`` shares one CPU with the others (``S3.transfer.affinity``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from S3.errors import S3cmdError
from S3.ExitCodes import ExitScoreboard
from S3.transfer.objects import Result
from S3.transfer.parallel import run_in_order


@dataclass(frozen=True)
class Job:
    """One object's work: ``run`` does it (in a worker thread); ``subject`` is what the caller
    needs to report it (its line, its key)."""

    run: Callable[[], Result]
    subject: Any
    inline: bool = False
    light: bool = False  # a small object, a delete: little work outside the GIL (S3.transfer.affinity)


Report = Callable[[Job, Result], None]


class Executor:
    def __init__(
        self, *, workers: int, report: Report, score: ExitScoreboard | None = None, stop_on_error: bool = False
    ) -> None:
        self.workers = max(1, workers)
        self.stop_on_error = stop_on_error
        self.report = report
        self.score = score or ExitScoreboard()
        self.failures = 0
        self.bytes = 0

    def run(self, jobs: Iterable[Job]) -> None:
        for job, outcome in run_in_order(jobs, lambda job: job.run(), workers=self.workers,
                                        inline=lambda job: job.inline, light=lambda job: job.light):
            if isinstance(outcome, S3cmdError):
                outcome = Result(error=outcome)
            elif isinstance(outcome, Exception):
                raise outcome  # a bug, not an object's failure: main() reports it
            self.record(job, outcome)

    def record(self, job: Job, result: Result) -> None:
        if result.ok:
            self.score.success()
            self.bytes += result.bytes
        else:
            self.failures += 1
            self.score.failure(result.exit_code)
            if self.stop_on_error:
                raise result.error  # --stop-on-error: main() prints it; jobs not yet started are cancelled
        self.report(job, result)

    def fail(self, code: int) -> None:
        """A failure outside any job (a skipped hostile key, an unreadable file)."""
        self.failures += 1
        self.score.failure(code)
