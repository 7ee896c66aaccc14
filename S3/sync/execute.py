"""Run many per-object jobs (``S3.transfer.objects``) on a bounded pool, report them in order, keep the score.

``Executor.run(jobs)`` sends each job's ``Result`` to ``report`` in the order the jobs were given
(``run_in_order``: output lines and ``[i of N]`` stay as a sequential run prints them) and tallies
one ``ExitScoreboard``. A job marked ``inline`` (a large multipart file bringing its own part-level
parallelism) runs alone. ``ActionSpool`` holds planned actions on disk between the planning pass and
the transfers, so that the counts upstream prints up front are known without holding the plan in
memory. Writes only its unnamed temporary file.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import IO, Any

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
    light: bool = False  # little CPU outside the GIL (a small object, a delete): run on one CPU, see S3.transfer.affinity


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


class ActionSpool:
    """Records in the order added, pickled to an unnamed temporary file (ours, written by this
    process and read back by it: never a file anyone else wrote). The file, and pickle, come with
    the first record: most spools of a no-op sync stay empty."""

    def __init__(self) -> None:
        self._file: IO[bytes] | None = None
        self.count = 0

    def __enter__(self) -> ActionSpool:
        return self

    def __exit__(self, *_exc: object) -> None:
        if self._file is not None:
            self._file.close()

    def clear(self) -> None:
        """Forget every record (its file goes with them)."""
        if self._file is not None:
            self._file.close()
            self._file = None
        self.count = 0

    def add(self, record: object) -> None:
        import pickle

        if self._file is None:
            import tempfile

            self._file = tempfile.TemporaryFile()
        pickle.dump(record, self._file, protocol=pickle.HIGHEST_PROTOCOL)
        self.count += 1

    def __iter__(self) -> Iterator[Any]:
        if self._file is None:
            return
        import pickle

        self._file.flush()
        self._file.seek(0)
        for _ in range(self.count):
            yield pickle.load(self._file)
        self._file.seek(0, 2)
