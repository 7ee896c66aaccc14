"""stderr logging in s3cmd's shape (``ERROR: …``, ``WARNING: …``), with secrets redacted.

Every secret the process learns (secret keys, session tokens, web identity
tokens) is registered here, and every log record is scrubbed of them before it
is written, ``--debug`` included.
"""

from __future__ import annotations

import logging
import sys
import threading
from typing import IO

_secrets: set[str] = set()
_lock = threading.Lock()
REDACTED = "** redacted **"


def register_secret(*values: str) -> None:
    with _lock:
        _secrets.update(v for v in values if v and len(v) >= 4)


def redact(text: str) -> str:
    with _lock:
        secrets = sorted(_secrets, key=len, reverse=True)
    for secret in secrets:
        if secret in text:
            text = text.replace(secret, REDACTED)
    return text


class _Formatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        return redact(f"{record.levelname}: {record.getMessage()}")


def setup(level: str, stream: IO[str] | None = None) -> None:
    root = logging.getLogger("s3cmd")
    for handler in list(root.handlers):
        root.removeHandler(handler)
    handler = logging.StreamHandler(stream or sys.stderr)
    handler.setFormatter(_Formatter())
    root.addHandler(handler)
    root.setLevel(getattr(logging, level, logging.WARNING))
    root.propagate = False


def error(message: str) -> None:
    logging.getLogger("s3cmd").error(message)


def warning(message: str) -> None:
    logging.getLogger("s3cmd").warning(message)


def info(message: str) -> None:
    logging.getLogger("s3cmd").info(message)
