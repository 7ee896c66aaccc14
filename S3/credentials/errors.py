"""Credential errors: *not configured* (move on) versus *configured but broken* (stop).

``CredentialsNotLoaded`` is internal to the chain and never reaches the user.
Everything the user sees is a ``CredentialsError`` naming the source and the fix.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from S3 import ExitCodes
from S3.errors import S3cmdError


class CredentialsNotLoaded(Exception):
    """This source is not configured here; the chain should try the next one."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class CredentialsError(S3cmdError):
    """A configured source could not give credentials."""

    exit_code = ExitCodes.EX_CONFIG

    def __init__(self, source: str, message: str, *, exit_code: int | None = None) -> None:
        super().__init__(f"{source}: {message}" if source else message)
        self.source = source
        if exit_code is not None:
            self.exit_code = exit_code


class InvalidConfiguration(CredentialsError):
    """The source is configured, but wrongly (missing secret, bad ARN, unreadable file)."""


class ProviderFailed(CredentialsError):
    """The source is configured, but its service failed or refused."""

    exit_code = ExitCodes.EX_TEMPFAIL


@dataclass(frozen=True)
class Attempt:
    source: str
    reason: str


class NoCredentialsError(CredentialsError):
    """No source is configured at all."""

    def __init__(self, attempts: Sequence[Attempt]) -> None:
        tried = "; ".join(f"{a.source}: {a.reason}" for a in attempts)
        super().__init__(
            "",
            "No credentials found. Set access_key/secret_key in the config file "
            "(s3cmd --configure), AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, or a role "
            f"(AWS_ROLE_ARN + AWS_WEB_IDENTITY_TOKEN_FILE, AWS_PROFILE). Tried: {tried}",
        )
        self.attempts = tuple(attempts)
