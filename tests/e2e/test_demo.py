"""``make demo`` keeps working: it runs the IRSA path against local servers and checks each exit code
and, with the suite's secret guard, that no run printed a secret (it exits 1 if one did)."""

import subprocess
import sys
from pathlib import Path

from demo.run_demo import TOKEN

ROOT = Path(__file__).resolve().parents[2]


def test_demo_runs() -> None:
    done = subprocess.run([sys.executable, str(ROOT / "demo" / "run_demo.py")], capture_output=True, text=True,
                          timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr
    assert TOKEN not in done.stdout + done.stderr
    assert "assumed-role/s3cmd-backup/" in done.stdout
    assert "AssumeRoleWithWebIdentity calls: 1 for 8 s3cmd runs" in done.stdout
