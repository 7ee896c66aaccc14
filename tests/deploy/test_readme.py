"""The README's commands run as written: every ```sh runnable``` block is executed with bash
from the repository root (a fresh clone in CI) and must succeed."""

from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path

import pytest

from tests.conftest import assert_run_shows_no_secret

ROOT = Path(__file__).resolve().parents[2]
BLOCK = re.compile(r"^```sh runnable\n(.*?)^```", re.M | re.S)


def runnable_blocks() -> list[str]:
    return BLOCK.findall((ROOT / "README.md").read_text())


def test_readme_marks_the_two_commands_and_more() -> None:
    blocks = runnable_blocks()
    assert any("make demo" in block for block in blocks)
    assert "make test" in (ROOT / "README.md").read_text()
    assert len(blocks) >= 3


@pytest.mark.parametrize("block", runnable_blocks(), ids=lambda b: b.strip().splitlines()[0][:40])
def test_runnable_block(block: str, tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    env["HOME"] = str(tmp_path)
    done = subprocess.run(["bash", "-euo", "pipefail", "-c", block], cwd=ROOT, env=env, capture_output=True,
                          text=True, timeout=600)
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    assert_run_shows_no_secret(done.stdout, done.stderr, args=block.split(), env=env,
                               configs=[tmp_path / ".s3cfg"])
