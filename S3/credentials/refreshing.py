"""The credentials holder every request signs from.

``snapshot()`` returns one frozen ``Credentials`` (key, secret and token that
belong together), refreshing first when temporary credentials near expiry:

* advisory window (15 min before expiry): one thread refreshes, the others keep
  signing with the current keys; a failed advisory refresh is only logged;
* mandatory window (10 min): every caller waits for the refresh, and a failure
  is raised.

Credentials without an expiry (static keys, even with a session token) are
loaded once and never refreshed.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from datetime import timedelta

from S3.credentials.base import CredentialsProvider
from S3.credentials.errors import ProviderFailed
from S3.identity.errors import CredentialsError
from S3.identity.model import Credentials
from S3.runtime import Clock, utc_now

log = logging.getLogger("s3cmd.credentials")

ADVISORY_REFRESH = timedelta(minutes=15)
MANDATORY_REFRESH = timedelta(minutes=10)


class RefreshingCredentials:
    """Lazily loads from a provider and keeps the result fresh; thread-safe."""

    def __init__(
        self,
        provider: CredentialsProvider,
        *,
        clock: Clock = utc_now,
        advisory: timedelta = ADVISORY_REFRESH,
        mandatory: timedelta = MANDATORY_REFRESH,
        on_new: Callable[[Credentials], None] | None = None,
        on_rejected: Callable[[], None] | None = None,
    ) -> None:
        self._on_new = on_new
        self._on_rejected = on_rejected
        self._provider = provider
        self._clock = clock
        self._advisory = advisory
        self._mandatory = mandatory
        self._current: Credentials | None = None
        self._lock = threading.Lock()

    def _remaining(self, creds: Credentials) -> timedelta | None:
        if creds.expiry is None:
            return None
        return creds.expiry - self._clock()

    def _needs(self, creds: Credentials | None, window: timedelta) -> bool:
        if creds is None:
            return True
        remaining = self._remaining(creds)
        return remaining is not None and remaining < window

    def snapshot(self) -> Credentials:
        current = self._current
        if not self._needs(current, self._advisory):
            assert current is not None
            return current
        if current is not None and not self._needs(current, self._mandatory):
            # Advisory: refresh if nobody else is, otherwise keep signing.
            if self._lock.acquire(blocking=False):
                try:
                    self._refresh(mandatory=False)
                finally:
                    self._lock.release()
            return self._current or current
        with self._lock:
            if self._needs(self._current, self._mandatory):
                self._refresh(mandatory=True)
            assert self._current is not None
            return self._current

    def force_refresh(self, stale: Credentials) -> Credentials:
        """S3 said the token expired: refresh once, unless another thread already did.

        Static credentials (no expiry) have nothing to refresh to and come back as they are.
        """
        with self._lock:
            if self._current is stale and stale.expiry is not None:
                if self._on_rejected is not None:
                    self._on_rejected()  # e.g. stop trusting the on-disk cache that handed these out
                self._refresh(mandatory=True)
            return self._current or stale

    def _refresh(self, *, mandatory: bool) -> None:
        try:
            fresh = self._provider.load()
        except CredentialsError as failed:
            if mandatory or self._current is None:
                raise
            log.warning("Could not refresh credentials from %s (will retry): %s", self._provider.name, failed)
            return
        remaining = self._remaining(fresh)
        if remaining is not None and remaining <= timedelta(0):
            raise ProviderFailed(self._provider.name, "returned credentials that have already expired")
        if self._on_new is not None:
            self._on_new(fresh)
        self._current = fresh
