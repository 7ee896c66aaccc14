"""The retry policy: an immutable value, ``increment()`` returns the next one.

Backoff is jittered (a random delay up to an exponentially growing cap), so that
many CronJobs failing at once do not retry in lock-step. ``floor`` is the part of
each cap that is always waited: 0 is "full jitter" (credential endpoints, which
answer again in a moment); S3 uses ``for_s3``, "equal jitter" with caps of
2, 4, 8, 16, 30 s, so that the default 5 retries wait 30–60 s in all and a 20 s
brownout (503 SlowDown on every request) is ridden out, as upstream's ~45 s is.
``budget`` bounds the total time waited whatever ``max_retries`` says.

Pure: the caller supplies the random number and does the sleeping.
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
    floor: float = 0.0  # fraction of the cap always waited (0: full jitter, 0.5: equal jitter)
    budget: float = float("inf")  # total seconds of waiting allowed
    waited: float = 0.0

    @classmethod
    def for_s3(cls, max_retries: int, *, scale: float = 1.0) -> RetryPolicy:
        """S3 requests: about a minute of patience by default; ``scale`` shrinks every delay (tests)."""
        return cls(max_retries=max_retries, base_delay=2.0 * scale, max_delay=30.0 * scale, floor=0.5,
                   budget=90.0 * scale)

    @property
    def exhausted(self) -> bool:
        return self.attempt >= self.max_retries or self.waited >= self.budget

    def increment(self, waited: float = 0.0) -> RetryPolicy:
        return replace(self, attempt=self.attempt + 1, waited=self.waited + waited)

    def delay(self, rand: float, *, retry_after: float | None = None) -> float:
        """Seconds to wait before attempt ``attempt + 1``; ``rand`` is uniform in [0, 1)."""
        ceiling = min(self.max_delay, self.base_delay * (2**self.attempt))
        wait = ceiling * (self.floor + (1.0 - self.floor) * rand)
        if retry_after is not None:
            wait = max(wait, min(retry_after, self.max_delay))
        return max(0.0, min(wait, self.budget - self.waited))


def is_retryable_answer(status: int, code: str) -> bool:
    return status in RETRYABLE_STATUS or code in RETRYABLE_CODES


def parse_retry_after(value: str | None) -> float | None:
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        return None
