"""When the sync tries a failed message again, and when it stops trying (BEHAVIOUR §2, §10).

A message fails when tracking it hits a problem on the CRM's side that may go away (the folder's
regarding record was deleted, the owner is deactivated, the database refused…); the message's
own faults go to the quarantine instead. Trying every few minutes forever wastes work on
problems that need a person, so the delay grows — ``first * factor**(n-1)`` after the n-th
failed attempt, at most ``cap`` — and after ``max_attempts`` the sync gives up. Giving up never
drops the message: it stays in the mailbox's failed list, shown as "gave up" with the last
reason, and Test & Enable puts it back on the schedule. With the defaults the waits are 5 min,
15 min, 45 min, 2 h 15, 6 h 45, then 12 h, and the eighth failure (about 1.5 days after the
first) gives up. This module is pure: callers pass ``now``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta


@dataclass(frozen=True)
class MessageRetryPolicy:
    max_attempts: int = 8
    first: timedelta = timedelta(minutes=5)
    factor: float = 3.0
    cap: timedelta = timedelta(hours=12)

    def delay(self, attempts: int) -> timedelta:
        """The wait after the ``attempts``-th failed attempt (1-based), before the cap."""
        seconds = self.first.total_seconds() * self.factor ** max(attempts - 1, 0)
        return min(timedelta(seconds=seconds), self.cap)

    def gives_up(self, attempts: int) -> bool:
        return attempts >= self.max_attempts

    def next_retry(self, attempts: int, now: datetime) -> datetime | None:
        """When to try again after ``attempts`` failed attempts; ``None``: give up."""
        if self.gives_up(attempts):
            return None
        return now + self.delay(attempts)
