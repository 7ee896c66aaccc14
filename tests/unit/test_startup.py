"""Start-up imports only what the command needs: ``--version`` no configuration, credentials or
HTTP; a command's lookup only its own module; libmagic and dateutil not at all until needed."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
HEAVY = ("urllib3", "ssl", "requests", "magic", "ctypes", "dateutil", "S3.transport.http", "S3.Config")


def loaded_after(code: str) -> set[str]:
    probe = f"import io, json, sys, contextlib\nwith contextlib.redirect_stdout(io.StringIO()):\n    {code}\n" \
            "print(json.dumps(sorted(sys.modules)))"
    out = subprocess.run([sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True, check=True,
                         env={**os.environ, "PYTHONPATH": str(ROOT)}, timeout=60).stdout
    return set(json.loads(out.splitlines()[-1]))


def test_version_loads_no_configuration_credentials_or_transport() -> None:
    loaded = loaded_after("from S3.cli.main import raw_main; raw_main(['--version'])")
    assert not [name for name in HEAVY if name in loaded]


@pytest.mark.parametrize(("command", "module"), [("ls", "listing"), ("put", "put"), ("whoami", "whoami")])
def test_a_command_lookup_imports_only_its_module(command: str, module: str) -> None:
    loaded = loaded_after(f"from S3.cli.commands import COMMANDS; COMMANDS[{command!r}]")
    from S3.cli.commands import _TABLE

    command_modules = {f"S3.cli.commands.{name}" for name, _ in _TABLE.values()}
    assert loaded & command_modules == {f"S3.cli.commands.{module}"}  # shared helpers (common, …) may load
    assert "magic" not in loaded and "dateutil" not in loaded
