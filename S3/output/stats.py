"""``--stats``: the totals s3cmd prints after ``del -r`` and ``sync`` (its ``StatsInfo``).

Each total given is one ``Stats: …`` line, after an empty line, as s3cmd prints them
(with its trailing space). Reads nothing.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Stats:
    files: int | None = None
    size: int | None = None
    files_transferred: int = 0
    size_transferred: int | None = None
    files_copied: int = 0
    size_copied: int | None = None
    files_deleted: int = 0
    size_deleted: int | None = None

    def text(self) -> str:
        """What s3cmd prints: ``\\nStats: Number of files …: N (B bytes) `` per total; '' with none."""
        rows = [("Number of files", self.files or 0, self.size, self.files is not None),
                ("Number of files transferred", self.files_transferred, self.size_transferred, bool(self.files_transferred)),
                ("Number of files copied", self.files_copied, self.size_copied, bool(self.files_copied)),
                ("Number of files deleted", self.files_deleted, self.size_deleted, bool(self.files_deleted))]
        out = ""
        for label, count, size, shown in rows:
            if shown:
                out += f"\nStats: {label}: {count}" + (f" ({size} bytes) " if size is not None else "")
        return out
