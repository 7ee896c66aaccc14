"""Explicit keys: from the command line (``--access_key``/``--secret_key``/``--access_token``)
or from the s3cmd config file (``access_key``/``secret_key``/``access_token``).

Static keys are never refreshed, even when they carry a session token: unlike
upstream s3cmd, a token written in ``.s3cfg`` never triggers metadata probes.
"""

from __future__ import annotations

from dataclasses import dataclass

from S3.credentials.errors import CredentialsNotLoaded, InvalidConfiguration
from S3.identity.model import Credentials


@dataclass(frozen=True)
class StaticProvider:
    name: str
    access_key: str
    secret_key: str
    session_token: str = ""
    secret_hint: str = "secret_key"

    def load(self) -> Credentials:
        if not self.access_key:
            raise CredentialsNotLoaded("no access key set")
        if not self.secret_key:
            raise InvalidConfiguration(
                self.name, f"an access key is set but no secret key; set {self.secret_hint} as well"
            )
        return Credentials(
            access_key=self.access_key.strip(),
            secret_key=self.secret_key.strip(),
            session_token=self.session_token.strip(),
            origin=self.name,
        )

    def __repr__(self) -> str:
        return f"StaticProvider(name={self.name!r})"
