"""Many transfers at once with results in the order they were asked for; a listing read ahead.

Output lines (``[3 of 10]``) and exit codes stay exactly as a sequential run
would give them, while up to ``workers`` small transfers are on the wire. Jobs
marked ``inline`` (large multipart files that bring their own part-level
parallelism) run in the calling thread once everything before them is done.
``read_ahead`` fetches the next items of a slow iterable (a listing's pages) in a
thread of its own while the caller works on the ones it has.
"""

from __future__ import annotations

import queue
import threading
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Generic, TypeVar

from S3.transfer.affinity import Placement

T = TypeVar("T")
R = TypeVar("R")


def run_in_order(
    jobs: Iterable[T],
    work: Callable[[T], R],
    *,
    workers: int,
    inline: Callable[[T], bool] = lambda job: False,
    light: Callable[[T], bool] = lambda job: False,
) -> Iterator[tuple[T, R | Exception]]:
    """Yield ``(job, result or exception)`` in job order. Closing the iterator cancels what has not started.

    ``light`` jobs (small objects: Python under the GIL, no hashing to speak of) run on one CPU with
    the calling thread, so that the GIL goes from thread to thread without waking another CPU
    (``S3.transfer.affinity``); the others, and ``inline`` jobs, on every CPU the process has."""
    pending: deque[tuple[T, Future[R]]] = deque()
    pool = ThreadPoolExecutor(max_workers=max(1, workers), thread_name_prefix="transfer")

    def outcome(future: Future[R]) -> R | Exception:
        try:
            return future.result()
        except Exception as failed:  # handed to the caller, who decides what is fatal
            return failed

    placement = Placement.here()

    def placed(job: T, small: bool) -> R:
        placement.place(small)
        return work(job)

    interrupted = False
    try:
        for job in jobs:
            alone = inline(job)
            small = not alone and light(job)
            placement.place(small)
            if alone:
                while pending:
                    done_job, future = pending.popleft()
                    yield done_job, outcome(future)
                try:
                    result: R | Exception = work(job)
                except Exception as failed:
                    result = failed
                yield job, result
                continue
            pending.append((job, pool.submit(placed, job, small)))
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
        placement.restore()


_END = object()
_Slot = tuple[object, "BaseException | None"]


class read_ahead(Generic[T]):  # noqa: N801  (used like the generator function it stands for)
    """Iterate ``items`` while a thread fetches up to ``depth`` items ahead, from the moment this is
    made: a listing's first page is on its way while the caller walks the local tree, its next page
    while the caller compares this one. An exception of ``items`` is raised where its item would
    have come; ``close()``, or dropping the iterator, stops the thread at its next item.

    ``meanwhile(ready)``, when given, is called instead of waiting idle for an item that has not
    come yet, and should return once ``ready()`` says it has (or when it has nothing more to do)."""

    def __init__(self, items: Iterable[T], *, depth: int = 1,
                 meanwhile: Callable[[Callable[[], bool]], None] | None = None) -> None:
        self._queue: queue.Queue[_Slot] = queue.Queue(maxsize=depth)
        self._stop = threading.Event()
        self._done = False
        self._meanwhile = meanwhile
        # the thread holds the queue and the event, not this object: dropping it stops the thread
        threading.Thread(target=_produce, args=(items, self._queue, self._stop), daemon=True,
                         name="read-ahead").start()

    def __iter__(self) -> Iterator[T]:
        return self

    def __next__(self) -> T:
        if self._done:
            raise StopIteration
        if self._meanwhile is not None and self._queue.empty():
            self._meanwhile(self._ready)
        item, failed = self._queue.get()
        if item is _END:
            self.close()
            if failed is not None:
                raise failed
            raise StopIteration
        return item  # type: ignore[return-value]

    def _ready(self) -> bool:
        return not self._queue.empty()

    def close(self) -> None:
        self._done = True
        self._stop.set()

    def __del__(self) -> None:
        self._stop.set()


def _produce(items: Iterable[object], slots: queue.Queue[_Slot], stop: threading.Event) -> None:
    def put(slot: _Slot) -> bool:
        while not stop.is_set():
            try:
                slots.put(slot, timeout=0.1)
                return True
            except queue.Full:
                continue
        return False

    try:
        for item in items:
            if not put((item, None)):
                return
    except BaseException as failed:  # handed to the consumer, in its thread
        put((_END, failed))
        return
    put((_END, None))
