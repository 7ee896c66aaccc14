"""CPU profile of one s3cmd command, every thread included, summarised per phase.

cProfile sees only the thread that enabled it, and our transfers run on pools; so this
wraps ``threading.Thread.run`` to give each thread its own profiler, timed with
``time.thread_time`` (CPU of that thread: on a busy machine wall time would mostly measure
the neighbours), and merges them. Every function's own time (tottime) is then put in one
phase: reading, MD5, SHA-256, other hashing, signing, socket, HTTP library, XML, imports, …

    .venv/bin/python benchmarks/cpu_profile.py --out put.prof -- -c s3cfg put big.bin s3://b/k
    .venv/bin/python benchmarks/cpu_profile.py --s3cmd /tmp/upstream/bin/s3cmd -- -c s3cfg ls

Reads nothing from the environment beyond what the profiled s3cmd reads.
"""

from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import resource
import runpy
import sys
import threading
import time
from collections import defaultdict
from collections.abc import Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# (phase, test on "file:function") — first match wins; order matters.
PHASES: list[tuple[str, tuple[str, ...]]] = [
    # module loading, and what modules do when loaded: compile regexes, generate dataclass methods
    ("imports (start-up)", ("<frozen importlib", "marshal", "builtins.compile", "builtins.__import__",
                            "builtins.exec", "builtins.__build_class__", "_imp.", "zipimport", "re/_parser.py",
                            "re/_compiler.py", "re/_casefix", "dataclasses.py", "sre_")),
    ("MD5", ("openssl_md5",)),
    ("SHA-256 / HMAC", ("openssl_sha256", "hmac.py", "_hashlib.hmac", "openssl_sha1")),
    ("hash update (MD5 on get)", ("'update' of '_hashlib.HASH'",)),
    ("reading the file", ("posix.pread", "'read' of '_io.", "'readinto' of '_io.", "posix.read>")),
    ("writing the file", ("posix.pwrite", "'write' of '_io.", "posix.write>", "posix.fsync", "posix.rename",
                          "posix.replace")),
    ("socket send/recv", ("'sendall' of '_socket", "'send' of '_socket", "'recv_into' of '_socket",
                          "'recv' of '_socket", "'connect' of '_socket", "socket.py:")),
    ("byte copies (join, slices)", ("'join' of 'bytes'", "'tobytes' of", "'copy' of")),
    ("signing (S3/signing)", ("S3/signing/",)),
    ("HTTP: requests", ("/requests/",)),
    ("HTTP: urllib3", ("/urllib3/",)),
    ("HTTP: http.client/email", ("http/client.py", "/email/")),
    ("XML", ("xml/", "pyexpat", "S3/s3/xml.py")),
    ("thread pool / locks", ("concurrent/futures", "threading.py", "queue.py", "'acquire' of", "_thread.")),
    ("argparse/config", ("argparse.py", "configparser.py", "S3/settings/", "S3/Config.py", "S3/cli/parser.py")),
    ("our code (S3/)", ("S3/",)),
    ("s3cmd (upstream)", ("/S3/", "bin/s3cmd")),
]


# Cumulative CPU under a few entry points (inclusive of everything they call), to attribute the
# interpreter-level work (isinstance, str.lower, dict updates) that tottime leaves in "other".
ENTRY_POINTS: list[tuple[str, str, str]] = [
    ("S3 requests, all (S3Client.request)", "S3/s3/client.py", "request"),
    ("  signing (S3Client._sign)", "S3/s3/client.py", "_sign"),
    ("  HTTP library (requests Session.request, socket included)", "requests/sessions.py", "request"),
    ("    requests: prepare_request", "requests/sessions.py", "prepare_request"),
    ("    urllib3: urlopen", "urllib3/connectionpool.py", "urlopen"),
    ("    http.client: parse_headers", "http/client.py", "parse_headers"),
    ("upload one file (transfer.upload_file)", "S3/transfer/upload.py", "upload_file"),
    ("download one object (transfer.download)", "S3/transfer/download.py", "download"),
    ("listing (S3Client.list_objects*)", "S3/s3/client.py", "list_objects"),
    ("imports (_find_and_load)", "importlib._bootstrap", "_find_and_load"),
]


def entry_points(raw: dict) -> list[str]:  # type: ignore[type-arg]
    out = ["| entry point | cumulative CPU s |", "|---|---:|"]
    for title, file_part, name in ENTRY_POINTS:
        found = [v[3] for f, v in raw.items() if file_part in f[0] and f[2].startswith(name)]
        if found:
            out.append(f"| {title} | {max(found):.3f} |")
    return out


def phase_of(where: str) -> str:
    for phase, needles in PHASES:
        if any(n in where for n in needles):
            return phase
    return "other (stdlib, interpreter)"


def label(func: tuple[str, int, str]) -> str:
    filename, line, name = func
    return f"{filename}:{name}" if filename != "~" else name


def summarise(stats: pstats.Stats, *, top: int) -> str:
    per_phase: dict[str, float] = defaultdict(float)
    rows = []
    raw = stats.stats  # type: ignore[attr-defined]  # {func: (cc, nc, tottime, cumtime, callers)}
    for func, (_cc, calls, tottime, _cum, _callers) in raw.items():
        where = label(func)
        per_phase[phase_of(where)] += tottime
        rows.append((tottime, calls, where))
    total = sum(per_phase.values()) or 1.0
    # cProfile counts a recursive function's cumulative time once, at its outermost call
    imports = max((v[3] for f, v in raw.items() if f[2] == "_find_and_load"), default=0.0)
    out = ["| phase | CPU s | share |", "|---|---:|---:|"]
    for phase, seconds in sorted(per_phase.items(), key=lambda kv: -kv[1]):
        out.append(f"| {phase} | {seconds:.3f} | {100 * seconds / total:.0f}% |")
    out.append(f"| **total (profiled)** | **{total:.3f}** | |")
    out.append(f"| imports, cumulative (cross-check) | {imports:.3f} | {100 * imports / total:.0f}% |")
    out += ["", *entry_points(raw)]
    out += ["", "| own CPU s | calls | function |", "|---:|---:|---|"]
    for tottime, calls, where in sorted(rows, reverse=True)[:top]:
        short = where.replace(str(ROOT) + "/", "").split("site-packages/")[-1].split("lib/python3.11/")[-1]
        out.append(f"| {tottime:.3f} | {calls} | `{short}` |")
    return "\n".join(out)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--s3cmd", default=str(ROOT / "s3cmd"), help="the s3cmd script to run (default: ours)")
    parser.add_argument("--out", default="", help="write the merged profile here (pstats format)")
    parser.add_argument("--top", type=int, default=25)
    parser.add_argument("--load", default="", help="summarise a profile written earlier with --out, run nothing")
    parser.add_argument("args", nargs=argparse.REMAINDER, help="-- then the s3cmd arguments")
    opts = parser.parse_args(argv)
    args = opts.args[1:] if opts.args[:1] == ["--"] else opts.args
    if opts.load:
        print(summarise(pstats.Stats(opts.load), top=opts.top))
        return 0

    profiles: list[cProfile.Profile] = []
    lock = threading.Lock()
    original_run = threading.Thread.run

    def profiled_run(self: threading.Thread) -> None:
        prof = cProfile.Profile(time.thread_time)
        with lock:
            profiles.append(prof)
        prof.enable()
        try:
            original_run(self)
        finally:
            prof.disable()

    threading.Thread.run = profiled_run  # type: ignore[method-assign]
    main_prof = cProfile.Profile(time.thread_time)
    profiles.append(main_prof)
    sys.argv = [opts.s3cmd, *args]
    sys.path.insert(0, os.path.dirname(os.path.realpath(opts.s3cmd)))
    code: object = 0
    started, cpu_started = time.perf_counter(), time.process_time()
    stdout = sys.stdout
    main_prof.enable()
    try:
        runpy.run_path(opts.s3cmd, run_name="__main__")
    except SystemExit as stop:
        code = stop.code
    finally:
        main_prof.disable()
    wall, cpu = time.perf_counter() - started, time.process_time() - cpu_started
    sys.stdout = stdout
    for thread in threading.enumerate():  # daemon threads still running would lose their profile
        if thread is not threading.current_thread() and not thread.daemon:
            thread.join()
    stats = pstats.Stats(main_prof)
    for prof in profiles[1:]:
        try:
            stats.add(prof)
        except TypeError:  # a thread that never ran any Python
            pass
    if opts.out:
        stats.dump_stats(opts.out)
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1000
    print(f"\nexit {code}; wall {wall:.2f} s, process CPU {cpu:.2f} s (profiler overhead included), "
          f"{len(profiles)} thread(s), peak RSS {rss:.0f} MB\n", file=sys.stderr)
    print(summarise(stats, top=opts.top), file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
