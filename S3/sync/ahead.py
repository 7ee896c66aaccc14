"""The local side of a sync, walked (and its files hashed) while the listing's next page is on its way.

The planner compares the two sides as sorted streams; each time it needs the listing's next page it
would wait for the server with nothing to do. ``LocalAhead`` lets that wait walk the local tree
further and read the MD5 of the files found, which the comparison asks for next when sizes match
(a no-op re-sync hashes every file): ``fill`` is handed to the listing's ``read_ahead`` as what to do
meanwhile. At most ``limit`` entries are held, so memory stays flat. Reads the files it hashes.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Iterable, Iterator
from typing import TypeVar

from S3.sync.entries import LocalEntry

T = TypeVar("T")

LIMIT = 4096


class LocalAhead(Iterator[T]):
    """``entries`` in their order, some of them taken (and ``prepare``d) ahead of time by ``fill``."""

    def __init__(self, entries: Iterable[T], *, prepare: Callable[[LocalEntry], object] | None,
                 limit: int = LIMIT) -> None:
        self._entries = iter(entries)
        self._prepare = prepare
        self._limit = limit
        self._held: deque[T] = deque()
        self._failed: BaseException | None = None  # raised where the walk raised it, after what came before
        self._ended = False

    def __next__(self) -> T:
        if self._held:
            return self._held.popleft()
        if self._failed is not None:
            failed, self._failed = self._failed, None
            self._ended = True
            raise failed
        if self._ended:
            raise StopIteration
        return next(self._entries)

    def fill(self, ready: Callable[[], bool]) -> None:
        """Take entries ahead until ``ready()`` (the awaited page has come) or ``limit`` are held."""
        while not self._ended and self._failed is None and len(self._held) < self._limit and not ready():
            try:
                entry = next(self._entries)
            except StopIteration:
                self._ended = True
                return
            except Exception as failed:  # noqa: BLE001  (the consumer gets it in its place)
                self._failed = failed
                return
            if self._prepare is not None and isinstance(entry, LocalEntry):
                self._prepare(entry)
            self._held.append(entry)
