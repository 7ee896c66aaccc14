"""The credentials value: key, secret, optional session token and expiry, never printed."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

REDACTED = "** redacted **"


@dataclass(frozen=True)
class Credentials:
    """One consistent set of keys; sign a request with exactly one of these.

    ``origin`` names where the keys came from, as text (for ``whoami`` and errors);
    ``expiry`` is set for temporary credentials that can be refreshed.
    """

    access_key: str
    secret_key: str
    session_token: str = ""
    expiry: datetime | None = None
    origin: str = ""

    def __repr__(self) -> str:
        token = REDACTED if self.session_token else "''"
        return (
            f"Credentials(access_key={self.access_key!r}, secret_key={REDACTED!r}, "
            f"session_token={token}, expiry={self.expiry!r}, origin={self.origin!r})"
        )

    __str__ = __repr__

    def secrets(self) -> tuple[str, ...]:
        """The values that must never reach output (for log redaction)."""
        return tuple(s for s in (self.secret_key, self.session_token) if s)


def mask(value: str) -> str:
    """A recognisable but harmless form of a key for diagnostics: ``AKIA…MPLE``."""
    if len(value) <= 8:
        return "*" * len(value)
    return f"{value[:4]}…{value[-4:]}"
