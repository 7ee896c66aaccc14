"""The one retry loop (S3.transport.retry.run) with a fake pacer: backoff, Retry-After,
the deadline, free retries, transport errors classified, and the announce lines."""

from __future__ import annotations

import logging

import pytest

from S3.transport.errors import ConnectionFailed, NameNotResolved
from S3.transport.retry import Again, RetryPolicy, run


class Pacer:
    """A clock that advances only when the loop sleeps (or when a test says so)."""

    def __init__(self, rand: float = 0.5) -> None:
        self.now = 100.0
        self.sleeps: list[float] = []
        self.rand = rand

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds

    def random(self) -> float:
        return self.rand

    def monotonic(self) -> float:
        return self.now


def failing(times: int, *, error: Exception | None = None, retry_after: float | None = None):  # type: ignore[no-untyped-def]
    calls: list[int] = []

    def attempt(number: int) -> str | Again:
        calls.append(number)
        if len(calls) <= times:
            return Again(error or RuntimeError(f"failure {number}"), f"try {number}", retry_after=retry_after)
        return "done"

    return attempt, calls


def test_retries_with_growing_jittered_backoff_then_succeeds() -> None:
    pacer = Pacer()
    attempt, calls = failing(3)
    assert run(attempt, policy=RetryPolicy(max_retries=5, base_delay=1.0, max_delay=30.0), pacer=pacer) == "done"
    assert calls == [1, 2, 3, 4] and pacer.sleeps == [0.5, 1.0, 2.0]  # full jitter, rand 0.5


def test_gives_up_with_the_last_error_after_max_retries() -> None:
    pacer = Pacer()
    attempt, calls = failing(10)
    with pytest.raises(RuntimeError, match="failure 3"):
        run(attempt, policy=RetryPolicy(max_retries=2), pacer=pacer)
    assert calls == [1, 2, 3] and len(pacer.sleeps) == 2


def test_retry_after_is_waited_up_to_the_cap() -> None:
    pacer = Pacer(rand=0.0)
    attempt, _ = failing(1, retry_after=7.0)
    run(attempt, policy=RetryPolicy(max_retries=3, max_delay=20.0), pacer=pacer)
    assert pacer.sleeps == [7.0]


def test_the_deadline_bounds_the_whole_call_attempts_included() -> None:
    pacer = Pacer()
    calls: list[int] = []

    def slow(number: int) -> Again:
        calls.append(number)
        pacer.now += 4.0  # each attempt takes 4 s (a read timeout, say)
        return Again(TimeoutError(f"timeout {number}"), "slow")

    with pytest.raises(TimeoutError):
        run(slow, policy=RetryPolicy(max_retries=100, base_delay=0.1, max_delay=0.1, deadline=10.0), pacer=pacer)
    assert len(calls) == 3 and pacer.now - 100.0 <= 12.5


def test_free_retries_neither_wait_nor_spend_the_budget() -> None:
    pacer = Pacer()
    seen: list[int] = []

    def attempt(number: int) -> str | Again:
        seen.append(number)
        return Again(RuntimeError("refresh"), "refreshed", free=True) if number == 1 else "done"

    assert run(attempt, policy=RetryPolicy(max_retries=0), pacer=pacer) == "done"
    assert seen == [1, 2] and pacer.sleeps == []


def test_retryable_transport_errors_are_retried_and_others_raised_at_once() -> None:
    pacer = Pacer()
    raised: list[int] = []

    def flaky(number: int) -> str:
        raised.append(number)
        if number == 1:
            raise ConnectionFailed("reset by peer")
        return "done"

    assert run(flaky, policy=RetryPolicy(max_retries=1), pacer=pacer) == "done" and raised == [1, 2]

    def unresolvable(number: int) -> str:
        raise NameNotResolved("nowhere.invalid")

    with pytest.raises(NameNotResolved):
        run(unresolvable, policy=RetryPolicy(max_retries=5), pacer=pacer)
    assert len(pacer.sleeps) == 1


def test_the_retry_lines_are_announced_at_the_policy_level(caplog) -> None:  # type: ignore[no-untyped-def]
    attempt, _ = failing(1)
    with caplog.at_level(logging.DEBUG, logger="s3cmd"):
        run(attempt, policy=RetryPolicy.for_s3(5), pacer=Pacer(rand=0.0))
        run(failing(1)[0], policy=RetryPolicy.for_sts(4), pacer=Pacer())
    lines = [(r.levelno, r.getMessage()) for r in caplog.records]
    assert lines == [(logging.WARNING, "Retrying failed request: try 1"), (logging.WARNING, "Waiting 1 sec..."),
                     (logging.INFO, "Retrying failed request: try 1"), (logging.INFO, "Waiting 0.2 sec...")]
