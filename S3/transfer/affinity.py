"""Keep the threads of a many-object run on one CPU, so that handing the GIL over stays cheap.

CPython runs one thread's Python at a time. A transfer pool's threads release the GIL at every
system call and take it back after; when they sit on different CPUs, each handover is a futex
wake-up of a thread on another CPU (an inter-processor interrupt, a migration of cache lines),
which on two cores cost more than the Python work of a 4 KiB object: about a fifth of the CPU of
``sync`` of 2,000 small files went to ``futex`` wake-ups and context switches (``perf``; see
benchmarks/PROFILE.md, seventh pass). On one CPU the same handover is a plain context switch.

A ``Placement`` is made per run by the thread that hands out the jobs: a thread about to run a light
job (a small object) is pinned to the CPU the run started on, a thread about to run another (a large
object, hashed and copied outside the GIL, where the other CPUs help) gets the run's CPUs back.
Linux only (``sched_setaffinity`` sets the calling thread's mask); where the kernel has no such
call, refuses it, or the process may run on one CPU anyway, nothing changes. Reads
``/proc/thread-self/stat`` (the CPU the thread is on).

The price: a pinned thread stays on its CPU even when another process takes that CPU for a while;
the kernel cannot move it. It holds only for the light jobs of one run, on the CPU the scheduler
had chosen for the run, and where round trips dominate (a real endpoint) the pool mostly waits.
"""

from __future__ import annotations

import os
import threading

_STAT = "/proc/thread-self/stat"
_PROCESSOR_FIELD = 39  # proc(5): "processor", the CPU last run on (fields counted from 1)


def current_cpu(stat_path: str = _STAT) -> int | None:
    """The CPU the calling thread last ran on, or None when the kernel does not say."""
    try:
        with open(stat_path, "rb") as stat:
            text = stat.read()
        # the command name (field 2) is in parentheses and may hold spaces or ')': count after the last ')'
        after_name = text[text.rindex(b")") + 1 :].split()
        return int(after_name[_PROCESSOR_FIELD - 3])
    except (OSError, ValueError, IndexError):
        return None


def _mask() -> set[int] | None:
    try:
        return os.sched_getaffinity(0)
    except (AttributeError, OSError):  # not Linux, or not allowed
        return None


def _set(mask: set[int]) -> bool:
    try:
        os.sched_setaffinity(0, mask)
        return True
    except (AttributeError, OSError):
        return False


# Above this many bytes an object's CPU is mostly hashing and copying, which run outside the GIL and
# gain from the other CPUs: 40 uploads of 8 MiB took 20 % longer on one CPU, 400 of 256 KiB the same
# time, 2,000 of 4 KiB a third less (PROFILE.md, seventh pass).
LIGHT_BYTES = 256 * 1024


def is_light(size: int | None) -> bool:
    """A transfer of ``size`` bytes (None: not known) spends its CPU on Python, under the GIL."""
    return size is not None and size <= LIGHT_BYTES


class Placement:
    """Where one run's threads go: a thread about to do a light job (``place(True)``) on the CPU the
    run started on, any other thread on the CPUs the run started with. Each thread's mask changes
    only when its kind of job does."""

    def __init__(self, *, cpu: int | None, everywhere: set[int] | None) -> None:
        self._one = {cpu} if cpu is not None and everywhere is not None and cpu in everywhere else None
        self._everywhere = everywhere
        self._light = threading.local()

    @classmethod
    def here(cls) -> Placement:
        """From the calling thread: its CPU and its mask (no pinning when it may use one CPU only)."""
        mask = _mask()
        return cls(cpu=current_cpu() if mask is not None and len(mask) > 1 else None, everywhere=mask)

    def place(self, light: bool) -> None:
        if self._one is None or getattr(self._light, "now", None) == light:
            return
        if _set(self._one if light else self._everywhere):  # type: ignore[arg-type]
            self._light.now = light

    def restore(self) -> None:
        """The calling thread back on the CPUs the run started with."""
        if getattr(self._light, "now", None):
            self.place(False)
