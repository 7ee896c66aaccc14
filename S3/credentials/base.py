"""The one interface every credential source implements."""

from __future__ import annotations

from typing import Protocol

from S3.identity.model import Credentials


class CredentialsProvider(Protocol):
    """A source of credentials.

    ``load()`` returns credentials, raises ``CredentialsNotLoaded`` when the
    source is not configured, or ``CredentialsError`` when it is configured
    but fails.
    """

    name: str

    def load(self) -> Credentials: ...
