"""Credential errors: *not configured* (move on) versus *configured but broken* (stop).

``CredentialsNotLoaded`` is internal to the chain and never reaches the user.
Everything the user sees is a ``CredentialsError`` naming the source and the fix.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from S3 import ExitCodes
from S3.identity.errors import CredentialsError


class CredentialsNotLoaded(Exception):
    """This source is not configured here; the chain should try the next one."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class InvalidConfiguration(CredentialsError):
    """The source is configured, but wrongly (missing secret, bad ARN, unreadable file)."""


class ProviderFailed(CredentialsError):
    """The source is configured, but its service failed or refused."""

    exit_code = ExitCodes.EX_TEMPFAIL


class StsFailed(CredentialsError):
    """The source asked STS for credentials and STS failed (``__cause__`` is the ``StsError``)."""


@dataclass(frozen=True)
class Attempt:
    provider: str
    reason: str


class NoCredentialsError(CredentialsError):
    """No source is configured at all."""

    def __init__(self, attempts: Sequence[Attempt]) -> None:
        tried = "; ".join(f"{a.provider}: {a.reason}" for a in attempts)
        super().__init__(
            "",
            "No credentials found. Set access_key/secret_key in the config file "
            "(s3cmd --configure), AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, or a role "
            f"(AWS_ROLE_ARN + AWS_WEB_IDENTITY_TOKEN_FILE, AWS_PROFILE). Tried: {tried}",
        )
        self.attempts = tuple(attempts)
