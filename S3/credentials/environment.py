"""Keys from the environment.

Reads ``AWS_ACCESS_KEY_ID`` (legacy ``AWS_ACCESS_KEY``), ``AWS_SECRET_ACCESS_KEY``
(legacy ``AWS_SECRET_KEY``) and ``AWS_SESSION_TOKEN`` (legacy ``AWS_SECURITY_TOKEN``),
the standard names first. An access key without a secret is an error, not a
reason to look elsewhere.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from S3.credentials.errors import CredentialsNotLoaded
from S3.credentials.static import StaticProvider
from S3.identity.model import Credentials

NAME = "environment"


def _first(env: Mapping[str, str], *names: str) -> str:
    for name in names:
        value = env.get(name, "").strip()
        if value:
            return value
    return ""


@dataclass(frozen=True)
class EnvironmentProvider:
    env: Mapping[str, str]
    name: str = NAME

    def load(self) -> Credentials:
        access_key = _first(self.env, "AWS_ACCESS_KEY_ID", "AWS_ACCESS_KEY")
        if not access_key:
            raise CredentialsNotLoaded("AWS_ACCESS_KEY_ID is not set")
        return StaticProvider(
            name=self.name,
            access_key=access_key,
            secret_key=_first(self.env, "AWS_SECRET_ACCESS_KEY", "AWS_SECRET_KEY"),
            session_token=_first(self.env, "AWS_SESSION_TOKEN", "AWS_SECURITY_TOKEN"),
            secret_hint="AWS_SECRET_ACCESS_KEY",
        ).load()

    def __repr__(self) -> str:
        return "EnvironmentProvider()"
