"""The retry policy: an immutable value, ``increment()`` returns the next one.

Backoff is "full jitter" (a random delay up to an exponentially growing cap), so
that many CronJobs failing at once do not retry in lock-step.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

RETRYABLE_STATUS = frozenset({429, 500, 502, 503, 504})
RETRYABLE_CODES = frozenset(
    {
        "RequestTimeout",
        "SlowDown",
        "InternalError",
        "ServiceUnavailable",
        "Throttling",
        "ThrottlingException",
        "RequestLimitExceeded",
        "OperationAborted",
        "TokenRefreshRequired",
        "IDPCommunicationError",
        "BadDigest",
    }
)


@dataclass(frozen=True)
class RetryPolicy:
    max_retries: int = 5
    attempt: int = 0
    base_delay: float = 0.5
    max_delay: float = 20.0

    @property
    def exhausted(self) -> bool:
        return self.attempt >= self.max_retries

    def increment(self) -> RetryPolicy:
        return replace(self, attempt=self.attempt + 1)

    def delay(self, rand: float, *, retry_after: float | None = None) -> float:
        """Seconds to wait before attempt ``attempt + 1``; ``rand`` is uniform in [0, 1)."""
        ceiling = min(self.max_delay, self.base_delay * (2**self.attempt))
        wait = rand * ceiling
        if retry_after is not None:
            wait = max(wait, min(retry_after, self.max_delay))
        return wait


def is_retryable_answer(status: int, code: str) -> bool:
    return status in RETRYABLE_STATUS or code in RETRYABLE_CODES


def parse_retry_after(value: str | None) -> float | None:
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        return None
