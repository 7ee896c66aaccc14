"""stderr logging in s3cmd's shape (``ERROR: …``, ``WARNING: …``), with secrets redacted.

Every secret the process learns (secret keys, session tokens, web identity
tokens) is registered here, and every log record is scrubbed of them before it
is written, ``--debug`` included.
"""

from __future__ import annotations

import logging
import re
import threading
from collections.abc import Iterable, Mapping
from typing import IO
from urllib.parse import unquote

from S3.output.formats import shown

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


# Query parameters and headers whose values are credentials or prove them (lower case).
_SECRET_PARAMS = frozenset({"x-amz-signature", "x-amz-security-token", "signature", "x-amz-credential-token"})
_SECRET_HEADERS = frozenset({
    "x-amz-security-token",  # the session token
    "x-aws-ec2-metadata-token",  # IMDSv2 session token
    "cookie", "set-cookie", "proxy-authorization",
})
_SIGNATURE = re.compile(r"(Signature=)[^,\s]+")
_V2_SIGNATURE = re.compile(r"^(AWS [^:\s]+:).+$")


def redact_url(url: str) -> str:
    """The URL with the values of secret query parameters (presigned signature, session token) redacted;
    everything else is kept as sent."""
    base, sep, query = url.partition("?")
    if not sep:
        return redact(url)
    pieces = []
    for piece in query.split("&"):
        name, eq, _value = piece.partition("=")
        pieces.append(f"{name}={REDACTED}" if eq and unquote(name).lower() in _SECRET_PARAMS else piece)
    return redact(f"{base}?{'&'.join(pieces)}")


def redact_headers(headers: Mapping[str, str] | Iterable[tuple[str, str]]) -> dict[str, str]:
    """Headers fit for a debug log: ``Authorization`` keeps its algorithm, key id and signed
    headers but never the signature; tokens are redacted."""
    items = headers.items() if isinstance(headers, Mapping) else headers
    shown: dict[str, str] = {}
    for name, value in items:
        lower = name.lower()
        if lower == "authorization":
            value = _authorization(value)
        elif lower in _SECRET_HEADERS:
            value = REDACTED
        shown[name] = redact(value)
    return shown


def _authorization(value: str) -> str:
    if value.startswith("AWS4-"):
        return _SIGNATURE.sub(rf"\1{REDACTED}", value)
    if _V2_SIGNATURE.match(value):
        return _V2_SIGNATURE.sub(rf"\1{REDACTED}", value)
    return REDACTED  # a bearer token (container credentials) or something we cannot take apart


class _Formatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        message = record.getMessage()
        if record.levelno >= logging.INFO:  # one line each (--debug's dumps keep theirs), names escaped
            message = shown(message)
        return redact(f"{record.levelname}: {message}")


def setup(level: str, stream: IO[str]) -> None:
    """Log at ``level`` and above to ``stream``: the run's stderr (``Runtime.stderr``), so that an
    in-process run (tests) captures what a user would see."""
    root = logging.getLogger("s3cmd")
    for handler in list(root.handlers):
        root.removeHandler(handler)
    handler = logging.StreamHandler(stream)
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
