"""The base of every credentials failure the user sees (credential sources and STS)."""

from __future__ import annotations

from S3 import ExitCodes
from S3.errors import S3cmdError


class CredentialsError(S3cmdError):
    """Credentials could not be obtained; ``provider`` names the source that failed ("" when none)."""

    exit_code = ExitCodes.EX_CONFIG

    def __init__(self, provider: str, message: str, *, exit_code: int | None = None) -> None:
        super().__init__(f"{provider}: {message}" if provider else message)
        self.provider = provider
        if exit_code is not None:
            self.exit_code = exit_code
