"""The retry schedule of failed messages: growing waits, a cap, then giving up."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from correspondent.domain.message_retry import MessageRetryPolicy

NOW = datetime(2024, 5, 1, 12, 0, tzinfo=UTC)


def test_default_schedule_grows_to_the_cap_then_gives_up() -> None:
    policy = MessageRetryPolicy()
    waits = [policy.next_retry(n, NOW) for n in range(1, 9)]
    minutes = [(w - NOW) / timedelta(minutes=1) for w in waits if w is not None]
    assert minutes == [5, 15, 45, 135, 405, 720, 720]
    assert waits[-1] is None  # the eighth failure gives up
    assert policy.gives_up(8) and not policy.gives_up(7)


def test_custom_policy() -> None:
    policy = MessageRetryPolicy(max_attempts=3, first=timedelta(seconds=10), factor=2.0,
                                cap=timedelta(seconds=15))  # fmt: skip
    assert policy.next_retry(1, NOW) == NOW + timedelta(seconds=10)
    assert policy.next_retry(2, NOW) == NOW + timedelta(seconds=15)
    assert policy.next_retry(3, NOW) is None
    assert policy.delay(0) == timedelta(seconds=10)
