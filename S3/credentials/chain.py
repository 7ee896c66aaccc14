"""The credential chain: the first *configured* source wins.

A source that raises ``CredentialsNotLoaded`` is skipped and remembered; any
other error stops the chain at once, so a broken IRSA setup is reported as
such instead of silently falling through to the node's instance role.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from S3.credentials.base import CredentialsProvider
from S3.credentials.errors import Attempt, CredentialsNotLoaded, NoCredentialsError
from S3.identity.model import Credentials


@dataclass(frozen=True)
class ProviderChain:
    providers: Sequence[CredentialsProvider]
    name: str = "chain"

    def load(self) -> Credentials:
        attempts: list[Attempt] = []
        for provider in self.providers:
            try:
                return provider.load()
            except CredentialsNotLoaded as skipped:
                attempts.append(Attempt(provider.name, skipped.reason))
        raise NoCredentialsError(attempts)
