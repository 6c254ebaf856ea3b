"""Failed authentications per address: blocked after the limit, until the window ends."""

from __future__ import annotations

from app.auth.limiter import FailureLimiter


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_an_address_is_blocked_after_the_limit_until_its_window_ends() -> None:
    clock = Clock()
    limiter = FailureLimiter(limit=3, window=60, clock=clock)
    for _ in range(2):
        limiter.failed("10.0.0.1")
        assert limiter.retry_after("10.0.0.1") is None
    clock.now += 10
    limiter.failed("10.0.0.1")
    # the window runs from the first failure: 60 s, of which 10 have passed
    assert limiter.retry_after("10.0.0.1") == 50
    assert limiter.retry_after("10.0.0.2") is None, "other addresses are not affected"
    clock.now += 49.5
    assert limiter.retry_after("10.0.0.1") == 1
    clock.now += 0.5
    assert limiter.retry_after("10.0.0.1") is None, "the window has ended"
    limiter.failed("10.0.0.1")
    assert limiter.retry_after("10.0.0.1") is None, "a new window starts from one failure"


def test_failures_spread_over_windows_are_never_blocked() -> None:
    clock = Clock()
    limiter = FailureLimiter(limit=2, window=5, clock=clock)
    for _ in range(20):
        limiter.failed("::1")
        assert limiter.retry_after("::1") is None
        clock.now += 5
