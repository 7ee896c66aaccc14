"""make demo: a local S3 (moto, enforcing IAM signatures) on 127.0.0.1 and the everyday
s3cmd commands run through the real executable. Loopback only; cleans up after itself."""

from __future__ import annotations

import os
import shlex
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.servers import ADMIN_POLICY, MotoServer  # noqa: E402


def main() -> int:
    server = MotoServer()
    try:
        server.enforce(False)
        user = server.create_user("demo", ADMIN_POLICY)
        server.enforce(True)
        with tempfile.TemporaryDirectory(prefix="s3cmd-demo-") as home:
            host = server.url.split("//", 1)[1]
            Path(home, ".s3cfg").write_text(
                f"[default]\naccess_key = {user.access_key}\nsecret_key = {user.secret_key}\n"
                f"host_base = {host}\nhost_bucket = {host}\nuse_https = False\nbucket_location = us-east-1\n"
            )
            Path(home, "report.txt").write_text("nightly backup report\n")
            env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
            env.update(HOME=home, AWS_EC2_METADATA_DISABLED="true")
            s3cmd = [sys.executable, str(ROOT / "s3cmd")]
            steps = [
                ["mb", "s3://demo-backups"],
                ["put", "report.txt", "s3://demo-backups/2026/report.txt"],
                ["ls", "-r", "s3://demo-backups"],
                ["du", "s3://demo-backups"],
                ["get", "s3://demo-backups/2026/report.txt", "restored.txt"],
                ["del", "s3://demo-backups/2026/report.txt"],
                ["rb", "s3://demo-backups"],
            ]
            print(f"local S3 server (moto, IAM enforcement on) at {server.url}\n")
            for args in steps:
                print(f"$ s3cmd {shlex.join(args)}")
                done = subprocess.run([*s3cmd, *args], env=env, cwd=home, text=True, capture_output=True)
                sys.stdout.write(done.stdout + done.stderr)
                print(f"  (exit {done.returncode})\n")
                if done.returncode != 0:
                    return done.returncode
            print("restored.txt:", Path(home, "restored.txt").read_text().strip())
    finally:
        server.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
