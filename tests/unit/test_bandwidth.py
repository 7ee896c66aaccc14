from S3.transfer.bandwidth import RateLimiter


class FakeTime:
    def __init__(self) -> None:
        self.now = 0.0
        self.slept: list[float] = []

    def clock(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += seconds


def test_limits_to_the_rate_after_a_one_second_burst() -> None:
    fake = FakeTime()
    limiter = RateLimiter(1000, clock=fake.clock, sleep=fake.sleep)
    for _ in range(5):
        limiter.consume(1000)
    # 5,000 bytes at 1,000 B/s with 1,000 bytes of burst: 4 seconds of waiting
    assert abs(sum(fake.slept) - 4.0) < 1e-9


def test_zero_rate_means_unlimited() -> None:
    fake = FakeTime()
    RateLimiter(0, clock=fake.clock, sleep=fake.sleep).consume(10**9)
    assert fake.slept == []
