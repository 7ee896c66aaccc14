"""Records held between a sync's planning pass and its transfers, in bounded memory.

The planner's actions (transfers, deletions, deletions held back by ``--delete-after``) must all be
known before the first line is printed: upstream's ``[i of N]`` and its summary counts come first.
Up to ``in_memory`` records stay in a list, which is all a sync of ordinary size needs (pickling
2,000 actions out and back cost ~50 ms of a 1 s sync); the rest are pickled to an unnamed temporary
file (ours, written by this process and read back by it: never a file anyone else wrote), which
disappears when the spool is closed or the process dies. Reads nothing; writes only that file (in
``$TMPDIR``).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import IO, Generic, TypeVar

T = TypeVar("T")

IN_MEMORY = 10_000


class Spool(Generic[T]):
    def __init__(self, *, in_memory: int = IN_MEMORY) -> None:
        self._limit = in_memory
        self._held: list[T] = []
        self._file: IO[bytes] | None = None
        self.count = 0

    def __enter__(self) -> Spool[T]:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.clear()

    def __len__(self) -> int:
        return self.count

    def add(self, record: T) -> None:
        self.count += 1
        if len(self._held) < self._limit:
            self._held.append(record)
            return
        import pickle  # only for a spool that outgrows its memory

        if self._file is None:
            import tempfile

            self._file = tempfile.TemporaryFile()
        pickle.dump(record, self._file, protocol=pickle.HIGHEST_PROTOCOL)

    def __iter__(self) -> Iterator[T]:
        """The records in the order added."""
        yield from self._held
        if self._file is None:
            return
        import pickle

        self._file.flush()
        self._file.seek(0)
        for _ in range(self.count - len(self._held)):
            yield pickle.load(self._file)
        self._file.seek(0, 2)  # later records go on at the end

    def clear(self) -> None:
        """Forget every record (the file goes with them)."""
        if self._file is not None:
            self._file.close()
            self._file = None
        self._held = []
        self.count = 0
