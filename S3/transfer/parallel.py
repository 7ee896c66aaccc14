"""Many transfers at once with results in the order they were asked for.

Output lines (``[3 of 10]``) and exit codes stay exactly as a sequential run
would give them, while up to ``workers`` small transfers are on the wire. Jobs
marked ``inline`` (large multipart files that bring their own part-level
parallelism) run in the calling thread once everything before them is done.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from typing import TypeVar

T = TypeVar("T")
R = TypeVar("R")


def run_in_order(
    jobs: Iterable[T],
    work: Callable[[T], R],
    *,
    workers: int,
    inline: Callable[[T], bool] = lambda job: False,
) -> Iterator[tuple[T, R | Exception]]:
    """Yield ``(job, result or exception)`` in job order. Closing the iterator cancels what has not started."""
    pending: deque[tuple[T, Future[R]]] = deque()
    pool = ThreadPoolExecutor(max_workers=max(1, workers), thread_name_prefix="transfer")

    def outcome(future: Future[R]) -> R | Exception:
        try:
            return future.result()
        except Exception as failed:  # handed to the caller, who decides what is fatal
            return failed

    interrupted = False
    try:
        for job in jobs:
            if inline(job):
                while pending:
                    done_job, future = pending.popleft()
                    yield done_job, outcome(future)
                try:
                    result: R | Exception = work(job)
                except Exception as failed:
                    result = failed
                yield job, result
                continue
            pending.append((job, pool.submit(work, job)))
            while len(pending) > 2 * workers or (pending and pending[0][1].done()):
                done_job, future = pending.popleft()
                yield done_job, outcome(future)
        while pending:
            done_job, future = pending.popleft()
            yield done_job, outcome(future)
    except BaseException as failed:
        # Ctrl-C / SIGTERM (or the caller abandoning the results): do not wait for the transfers on
        # the wire; their temporary files are removed by S3.atomic.remove_unfinished before the exit.
        interrupted = not isinstance(failed, Exception)
        raise
    finally:
        for _, future in pending:
            future.cancel()
        pool.shutdown(wait=not interrupted, cancel_futures=True)
