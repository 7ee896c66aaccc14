"""Start-up imports only what the command needs: ``--version`` no configuration, credentials or
HTTP; a command's lookup only its own module; libmagic and dateutil not at all until needed."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.raw_http import RawServer, Step, answer

ROOT = Path(__file__).resolve().parents[2]
HEAVY = ("urllib3", "ssl", "requests", "magic", "ctypes", "dateutil", "S3.transport.http", "S3.Config")


def loaded_after(code: str, env: dict[str, str] | None = None) -> set[str]:
    probe = f"import io, json, sys, contextlib\nwith contextlib.redirect_stdout(io.StringIO()):\n    {code}\n" \
            "print(json.dumps(sorted(sys.modules)))"
    out = subprocess.run([sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True, check=True,
                         env={**(os.environ if env is None else env), "PYTHONPATH": str(ROOT)}, timeout=60).stdout
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


LISTING = (b'<?xml version="1.0" encoding="UTF-8"?><ListBucketResult><Name>bkt</Name><IsTruncated>false</IsTruncated>'
           b"<Contents><Key>k</Key><LastModified>2026-01-01T00:00:00.000Z</LastModified><ETag>\"e\"</ETag>"
           b"<Size>1</Size></Contents></ListBucketResult>")


def test_ls_over_plain_http_loads_no_tls_proxy_mail_sts_or_gpg_modules(tmp_path: Path) -> None:
    """TLS (~5 ms), urllib.request with http.client (~5 ms, for proxy variables that are not set),
    email.utils (~4 ms, for SigV2's date), the credential sources past the keys in .s3cfg with STS
    and the ~/.aws parser (~8 ms), gpg with subprocess and the idna codec load only when a run needs them;
    shutil (with bz2 and lzma, ~2 ms), which argparse loads to size its help, not at all."""
    server = RawServer(script=[Step(answer("200 OK", LISTING, "Content-Type: application/xml"))])
    config = tmp_path / "s3cfg"
    config.write_text("[default]\naccess_key = AKIDEXAMPLE\nsecret_key = secretexample\n"
                      f"host_base = 127.0.0.1:{server.port}\nhost_bucket = 127.0.0.1:{server.port}\nuse_https = False\n")
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_") and not k.lower().endswith("_proxy")}
    try:
        loaded = loaded_after(f"from S3.cli.main import raw_main; assert raw_main(['-c', {str(config)!r}, 'ls', "
                              "'s3://bkt']) == 0", env={**env, "HOME": str(tmp_path)})
    finally:
        server.stop()
    assert server.requests, "ls never reached the server"
    assert not {"ssl", "urllib3", "urllib.request", "http.client", "email.utils"} & loaded
    assert not {"S3.sts.client", "S3.credentials.profile", "S3.credentials.web_identity", "S3.credentials.container",
                "S3.credentials.imds", "configparser", "S3.transfer.gpg", "subprocess", "encodings.idna",
                "S3.sync.local", "shutil"} & loaded


def _frozen_after(owns_process: bool) -> int:
    code = ("import gc, io, sys\n"
            "from S3.cli.main import raw_main\nfrom S3.runtime import Runtime\n"
            "env = {'HOME': sys.argv[1], 'AWS_ACCESS_KEY_ID': 'AKIDEXAMPLE', 'AWS_SECRET_ACCESS_KEY': 'secret'}\n"
            f"rc = raw_main(['signurl', 's3://bkt/key', '+60'], runtime=Runtime(env=env, owns_process={owns_process},"
            " stdout=io.StringIO()))\n"
            "print(rc, gc.get_freeze_count())")
    home = Path(__file__).resolve().parent  # no .s3cfg there: keys from the environment, no request made
    out = subprocess.run([sys.executable, "-c", code, str(home)], cwd=ROOT, capture_output=True, text=True,
                         check=True, env={**os.environ, "PYTHONPATH": str(ROOT)}, timeout=60).stdout.split()
    assert out[0] == "0"
    return int(out[1])


def test_only_the_command_line_program_freezes_what_start_up_made_for_the_collector() -> None:
    """The process's own run skips re-walking start-up's objects in every full collection and at exit;
    an in-process caller (tests, embedding code) keeps a collector that frees what it makes."""
    assert _frozen_after(owns_process=False) == 0
    assert _frozen_after(owns_process=True) > 1000


@pytest.mark.parametrize(("columns", "width"), [("60", 58), ("0", 78), ("wide", 78), (None, 78)])
def test_help_is_as_wide_as_argparse_makes_it(monkeypatch: pytest.MonkeyPatch, columns: str | None,
                                              width: int) -> None:
    """COLUMNS, else the terminal (none here: 80), less 2, as shutil.get_terminal_size gives argparse."""
    from S3.cli import parser

    if columns is None:
        monkeypatch.delenv("COLUMNS", raising=False)
    else:
        monkeypatch.setenv("COLUMNS", columns)
    monkeypatch.setattr(parser.sys, "__stdout__", None)  # no terminal to ask
    parser._help_width.cache_clear()
    try:
        assert parser._help_width() == width
        assert parser._Formatter("s3cmd")._width == width
    finally:
        parser._help_width.cache_clear()
