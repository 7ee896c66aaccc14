"""The progress meter: on a terminal by default (``progress_meter``), off in logs."""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field
from typing import Any


@dataclass
class Meter:
    ctx: Any
    total: int | None
    active: bool
    done: int = 0
    started: float = field(default_factory=time.monotonic)
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _last: float = 0.0

    @classmethod
    def start(cls, ctx: Any, label: str, total: int | None) -> Meter:
        active = bool(ctx.config.progress_meter) and not ctx.quiet
        if active:
            ctx.stdout.write(label + "\n")
            ctx.stdout.flush()
        return cls(ctx, total, active)

    def update(self, amount: int) -> None:
        with self._lock:
            self.done += amount
            now = time.monotonic()
            if self.active and now - self._last > 0.2:
                self._last = now
                self._draw(now)

    def _draw(self, now: float) -> None:
        elapsed = max(now - self.started, 1e-6)
        from S3.output.formats import human_size

        speed, unit = human_size(self.done / elapsed, floating=True)
        total = self.total if self.total is not None else self.done
        percent = int(self.done * 100 / total) if total else 100
        self.ctx.stdout.write(f"\r {self.done} of {total}  {percent:3d}% in {int(elapsed):4d}s  {speed:7.2f} {unit}B/s")
        self.ctx.stdout.flush()

    def finish(self) -> None:
        if self.active:
            self._draw(time.monotonic())
            self.ctx.stdout.write("  done\n")
            self.ctx.stdout.flush()
