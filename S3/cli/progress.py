"""The progress meter: on a terminal by default (``progress_meter``), off in logs.

A transfer prints a label line (``upload: 'f' -> 's3://b/f'  [1 of 1]``), then a
meter line redrawn in place with ``\\r`` (`` 65536 of 300000    21% in    0s    15.32 MB/s``),
ended by ``  done``: the shape s3cmd 2.4.0 prints. A multipart upload prints one
such block per part, in part order (see COMPATIBILITY.md).
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field, replace
from typing import IO, TYPE_CHECKING, Protocol

from S3.output.formats import human_size
from S3.settings.model import Settings

if TYPE_CHECKING:
    from S3.transfer.upload import UploadPlan


class Output(Protocol):
    """What a meter needs of the run (``S3.cli.context.Context`` is one): its settings and stdout."""

    @property
    def settings(self) -> Settings: ...

    @property
    def stdout(self) -> IO[str]: ...

_REDRAW_EVERY = 0.2  # seconds between redraws; the first update and the finish always draw


@dataclass
class Meter:
    ctx: Output
    total: int | None
    active: bool
    done: int = 0
    started: float = field(default_factory=time.monotonic)
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _last: float | None = None

    @classmethod
    def start(cls, ctx: Output, label: str, total: int | None) -> Meter:
        active = progress_meter_on(ctx)
        if active:
            ctx.stdout.write(label + "\n")
            ctx.stdout.flush()
        return cls(ctx, total, active)

    def set_total(self, total: int) -> None:
        """The size, once known (a download learns it from the first answer)."""
        with self._lock:
            self.total = total

    def update(self, amount: int) -> None:
        with self._lock:
            self.done += amount
            now = time.monotonic()
            if self.active and (self._last is None or now - self._last > _REDRAW_EVERY):
                self._draw(now)

    def _draw(self, now: float) -> None:
        self._last = now
        self.ctx.stdout.write("\r" + meter_text(self.done, self.total, now - self.started))
        self.ctx.stdout.flush()

    def finish(self) -> None:
        if not self.active:
            return
        with self._lock:
            now = time.monotonic()
            if self._last is None:
                self._draw(now)
            self._draw(now)
            self.ctx.stdout.write("  done\n")
            self.ctx.stdout.flush()


def progress_meter_on(ctx: Output) -> bool:
    return ctx.settings.progress_meter and not ctx.settings.quiet


def meter_text(done: int, total: int | None, elapsed: float) -> str:
    """`` 65536 of 300000    21% in    0s    15.32 MB/s``: the count is as wide as the total."""
    total = done if total is None else total
    percent = done * 100 // total if total else 0
    speed, unit = human_size(done / elapsed if elapsed > 0 else 0, floating=True)
    width = len(str(total))
    return f" {done:>{width}d} of {total}   {percent:3d}% in {int(elapsed):4d}s  {speed:7.2f} {unit}B/s"


def part_label(label: str, number: int, count: int, size: int, counter: str) -> str:
    """``upload: 'f' -> 's3://b/f'  [part 2 of 3, 5MB] [1 of 1]``."""
    value, unit = human_size(size)
    return f"{label}  [part {number} of {count}, {value}{unit}B] {counter}"


class PartBlocks:
    """One meter block per multipart part, printed in part order as the parts complete.

    Parts are sent in parallel, so they finish out of order; a block is printed when
    its part and every part before it are done, each with that part's own time.
    """

    def __init__(self, ctx: Output, label: str, *, count: int, counter: str) -> None:
        self._ctx = ctx
        self._label = label
        self._count = count
        self._counter = counter
        self._lock = threading.Lock()
        self._finished: dict[int, tuple[int, float]] = {}
        self._next = 1

    def part_done(self, number: int, size: int, seconds: float) -> None:
        with self._lock:
            self._finished[number] = (size, seconds)
            while self._next in self._finished:
                size_, seconds_ = self._finished.pop(self._next)
                self._print(self._next, size_, seconds_)
                self._next += 1

    def _print(self, number: int, size: int, seconds: float) -> None:
        out = self._ctx.stdout
        out.write(part_label(self._label, number, self._count, size, self._counter) + "\n")
        text = meter_text(size, size, seconds)
        out.write(f"\r{text}\r{text}  done\n")
        out.flush()


def upload_meter(ctx: Output, plan: UploadPlan, *, label: str, counter: str, size: int) -> tuple[UploadPlan, Meter | None]:
    """s3cmd's progress for one upload: in parts, a block per part (told by the plan's ``on_part``, when
    the meter is on); in one PUT, a meter to feed the bytes sent (drawing nothing when it is off)."""
    if plan.multipart and size > plan.part_size:
        if not progress_meter_on(ctx):
            return plan, None
        blocks = PartBlocks(ctx, label, count=-(-size // plan.part_size), counter=counter)
        return replace(plan, on_part=blocks.part_done), None
    return plan, Meter.start(ctx, f"{label}  {counter}", size)
