"""Keys held back until the transfers are done (``--delete-after``), in bounded memory.

Up to ``in_memory`` keys are kept in a list; beyond that they go to an unnamed temporary file
(one JSON string a line, so keys with newlines survive), which disappears when the spool is closed
or the process dies. Reads nothing; writes only its temporary file (in ``$TMPDIR``).
"""

from __future__ import annotations

import json
import tempfile
from collections.abc import Iterator
from typing import IO


class KeySpool:
    def __init__(self, *, in_memory: int = 10_000) -> None:
        self._limit = in_memory
        self._keys: list[str] = []
        self._file: IO[str] | None = None
        self._count = 0

    def __enter__(self) -> KeySpool:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    def __len__(self) -> int:
        return self._count

    def add(self, key: str) -> None:
        self._count += 1
        if len(self._keys) < self._limit:
            self._keys.append(key)
            return
        if self._file is None:
            self._file = tempfile.TemporaryFile("w+", encoding="utf-8")
        self._file.write(json.dumps(key) + "\n")

    def __iter__(self) -> Iterator[str]:
        """The keys in the order added."""
        yield from self._keys
        if self._file is not None:
            self._file.flush()
            self._file.seek(0)
            for line in self._file:
                yield json.loads(line)
            self._file.seek(0, 2)  # keep appending at the end

    def close(self) -> None:
        if self._file is not None:
            self._file.close()
            self._file = None
        self._keys = []
