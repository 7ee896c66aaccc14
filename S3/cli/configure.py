"""``s3cmd --configure``: ask for the essentials, optionally test them, write the file 0600.

Questions and answers go through the ``Runtime``'s streams (a secret typed on a terminal
through ``getpass``, which reads the terminal itself).
"""

from __future__ import annotations

import argparse
import getpass

from S3 import ExitCodes
from S3.Config import Config, default_config_path
from S3.errors import S3cmdError
from S3.output import log
from S3.runtime import Runtime

_QUESTIONS = [
    ("access_key", "Access Key", False),
    ("secret_key", "Secret Key", True),
    ("bucket_location", "Default Region", False),
    ("host_base", "S3 Endpoint", False),
    ("host_bucket", "DNS-style bucket+hostname:port template for accessing a bucket", False),
    ("use_https", "Use HTTPS protocol", False),
    ("proxy_host", "HTTP Proxy server name", False),
]


def _ask(runtime: Runtime, prompt: str, current: str, secret: bool) -> str:
    shown = "" if secret and current else current
    text = f"{prompt} [{shown}]: " if not (secret and current) else f"{prompt} [keep current]: "
    if secret and runtime.stdin.isatty():
        answer = getpass.getpass(text)
    else:
        runtime.stdout.write(text)
        runtime.stdout.flush()
        line = runtime.stdin.readline()
        if not line:
            raise EOFError
        answer = line.decode("utf-8", "replace")
    return answer.strip()


def _say(runtime: Runtime, line: str) -> None:
    runtime.stdout.write(line + "\n")
    runtime.stdout.flush()


def run_configure(config: Config, options: argparse.Namespace, runtime: Runtime) -> int:
    path = options.config or default_config_path(runtime.env)
    _say(runtime, "Enter new values or accept defaults in brackets with Enter.")
    _say(runtime, "Leave the keys empty to use IRSA, a profile or environment credentials instead.\n")
    try:
        for name, prompt, secret in _QUESTIONS:
            answer = _ask(runtime, prompt, str(getattr(config, name)), secret)
            if answer:
                config.update_option(name, answer)
        test = _ask(runtime, "Test access with supplied credentials? [Y/n]", "", False).lower()
    except EOFError:
        log.error("Input ended before configuration was complete; nothing was written")
        return ExitCodes.EX_USAGE
    if test in ("", "y", "yes"):
        from S3.cli.context import Context
        from S3.cli.main import cli_only

        settings = config.settings(cli=cli_only(options))  # the answers, and --access_key & co. if given
        ctx = Context(runtime=runtime, settings=settings)
        try:
            ctx.client().list_buckets()
            _say(runtime, "Success. Your access key and secret key worked fine :-)")
        except S3cmdError as failed:
            _say(runtime, f"Test failed: {failed}")
        finally:
            ctx.close()
    save = _ask(runtime, "Save settings? [y/N]", "", False).lower()
    if save in ("y", "yes"):
        config.write_config_file(path)
        _say(runtime, f"Configuration saved to '{path}'")
    return ExitCodes.EX_OK
