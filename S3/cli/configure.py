"""``s3cmd --configure``: ask for the essentials, optionally test them, write the file 0600."""

from __future__ import annotations

import argparse
import getpass
import sys

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


def _ask(prompt: str, current: str, secret: bool) -> str:
    shown = "" if secret and current else current
    text = f"{prompt} [{shown}]: " if not (secret and current) else f"{prompt} [keep current]: "
    if secret and sys.stdin.isatty():
        answer = getpass.getpass(text)
    else:
        sys.stdout.write(text)
        sys.stdout.flush()
        answer = sys.stdin.readline()
        if not answer:
            raise EOFError
    return answer.strip()


def run_configure(config: Config, options: argparse.Namespace, runtime: Runtime) -> int:
    path = options.config or default_config_path(runtime.env)
    print("Enter new values or accept defaults in brackets with Enter.")
    print("Leave the keys empty to use IRSA, a profile or environment credentials instead.\n")
    try:
        for name, prompt, secret in _QUESTIONS:
            answer = _ask(prompt, str(getattr(config, name)), secret)
            if answer:
                config.update_option(name, answer)
        test = _ask("Test access with supplied credentials? [Y/n]", "", False).lower()
    except EOFError:
        log.error("Input ended before configuration was complete; nothing was written")
        return ExitCodes.EX_USAGE
    if test in ("", "y", "yes"):
        from S3.cli.context import Context

        ctx = Context(config=config, runtime=runtime, options=options, settings=config.settings())
        try:
            ctx.client().list_buckets()
            print("Success. Your access key and secret key worked fine :-)")
        except S3cmdError as failed:
            print(f"Test failed: {failed}")
        finally:
            ctx.close()
    save = _ask("Save settings? [y/N]", "", False).lower()
    if save in ("y", "yes"):
        config.write_config_file(path)
        print(f"Configuration saved to '{path}'")
    return ExitCodes.EX_OK
