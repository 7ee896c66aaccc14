"""The one retry loop: policy, classification, jittered backoff, Retry-After, a deadline.

Every retry loop (S3 requests, STS, container and instance-metadata credentials, a
download resumed mid-body) is ``run(attempt, policy=…, pacer=…)``: ``attempt(n)``
returns a result, or ``Again`` saying why it should be tried again; a retryable
``TransportError`` it raises counts as ``Again``. The ``Retrying failed request`` /
``Waiting N sec...`` lines are logged here and nowhere else.

The policy is an immutable value, ``increment()`` returns the next one. Backoff is
jittered (a random delay up to an exponentially growing cap), so that many CronJobs
failing at once do not retry in lock-step. ``floor`` is the part of each cap that is
always waited: 0 is "full jitter" (credential endpoints, which answer again in a
moment); S3 uses ``for_s3``, "equal jitter" with caps of 2, 4, 8, 16, 30 s, so that
the default 5 retries wait 30–60 s in all and a 20 s brownout (503 SlowDown on every
request) is ridden out, as upstream's ~45 s is. ``budget`` bounds the total time
waited whatever ``max_retries`` says; ``deadline`` bounds the whole call (waits and
attempts), measured on the injected monotonic clock. Sleep, clock and randomness are
injected (``Pacer``: ``S3.runtime.Runtime`` is one).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from typing import Protocol, TypeVar

from S3.transport.errors import TransportError

log = logging.getLogger("s3cmd.retry")
T = TypeVar("T")

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
    deadline: float = float("inf")  # total seconds for the whole call, attempts included
    announce: int = logging.WARNING  # the level of the Retrying / Waiting lines
    waited: float = 0.0

    @classmethod
    def for_s3(cls, max_retries: int, *, scale: float = 1.0) -> RetryPolicy:
        """S3 requests: about a minute of patience by default; ``scale`` shrinks every delay (tests)."""
        return cls(max_retries=max_retries, base_delay=2.0 * scale, max_delay=30.0 * scale, floor=0.5,
                   budget=90.0 * scale)

    @classmethod
    def for_sts(cls, max_retries: int) -> RetryPolicy:
        """STS: a few seconds of full-jitter backoff, at most 30 s in all; retries logged at INFO (a retry
        that succeeds is not the user's problem; one that does not ends in one ERROR line)."""
        return cls(max_retries=max_retries, base_delay=0.5, max_delay=10.0, deadline=30.0, announce=logging.INFO)

    @classmethod
    def for_container(cls) -> RetryPolicy:
        """The ECS / Pod Identity agent on the node: it answers again in a moment, or not at all."""
        return cls(max_retries=2, base_delay=0.5, max_delay=2.0, deadline=10.0, announce=logging.INFO)

    @classmethod
    def for_imds(cls, attempts: int) -> RetryPolicy:
        """Instance metadata, the chain's last source: ``attempts`` tries (AWS_METADATA_SERVICE_NUM_ATTEMPTS)
        close together, so that a machine without it is not held up long."""
        return cls(max_retries=max(0, attempts - 1), base_delay=0.1, max_delay=1.0, deadline=5.0,
                   announce=logging.DEBUG)

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


def s3_policy(max_retries: int, env: Mapping[str, str]) -> RetryPolicy:
    """S3's budget (``for_s3``), with waits scaled by ``S3CMD_RETRY_DELAY_SCALE`` (0..1, tests only:
    a brownout test rides out a shorter outage with proportionally shorter waits)."""
    try:
        scale = min(1.0, max(0.0, float(env.get("S3CMD_RETRY_DELAY_SCALE", "1"))))
    except ValueError:
        scale = 1.0
    return RetryPolicy.for_s3(max_retries, scale=scale)


class Pacer(Protocol):
    """What the loop needs from the world: ``S3.runtime.Runtime`` is one; tests pass fakes."""

    sleep: Callable[[float], None]
    random: Callable[[], float]
    monotonic: Callable[[], float]


@dataclass(frozen=True)
class Again:
    """An attempt's verdict: not done. ``error`` is raised if no retry is left.

    ``free``: try again at once, without waiting or spending a retry (credentials refreshed,
    region corrected); the attempt bounds how often it asks for that.
    """

    error: Exception
    why: str
    retry_after: float | None = None
    free: bool = False


def _seconds(delay: float) -> str:
    return f"{delay:.0f}" if delay >= 1 else f"{delay:.1f}"


def run(attempt: Callable[[int], T | Again], *, policy: RetryPolicy, pacer: Pacer) -> T:
    """Call ``attempt(1)``, ``attempt(2)``, … until it returns a result or the policy runs out.

    A ``TransportError`` the attempt raises is retried when ``retryable``; anything else
    it raises goes straight to the caller.
    """
    start = pacer.monotonic()
    number = 0
    while True:
        number += 1
        try:
            outcome = attempt(number)
        except TransportError as failed:
            if not failed.retryable:
                raise
            outcome = Again(failed, str(failed))
        if not isinstance(outcome, Again):
            return outcome
        if outcome.free:
            continue
        if policy.exhausted:
            raise outcome.error
        delay = policy.delay(pacer.random(), retry_after=outcome.retry_after)
        if pacer.monotonic() - start + delay > policy.deadline:
            raise outcome.error
        log.log(policy.announce, "Retrying failed request: %s", outcome.why)
        log.log(policy.announce, "Waiting %s sec...", _seconds(delay))
        pacer.sleep(delay)
        policy = policy.increment(delay)
