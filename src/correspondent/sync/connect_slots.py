"""A cap on simultaneous IMAP connection attempts, so a worker's start-up does not stampede.

When a worker starts, every due mailbox is claimed in one scan, and each mailbox thread plus
its IDLE watchers opens a connection at once: with 200 mailboxes that is hundreds of TCP
connects, TLS handshakes and logins in the same second. Servers hand each new connection to a
login process and give it a greeting deadline (Dovecot: 15 s); when too many arrive together,
some miss it and only connect on their retry, after a back-off. Letting at most ``limit``
attempts run at a time (connect, greeting, TLS and login; the session is then used freely)
spreads the start-up over a few seconds and keeps every attempt fast. The same slots serve
reconnects after a server restart, where the same stampede happens.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")


class ConnectCancelled(Exception):
    """The runner stopped while this connection attempt waited for its turn."""


class ConnectSlots:
    def __init__(self, limit: int, stopping: threading.Event, poll: float = 0.25) -> None:
        if limit < 1:
            raise ValueError("at least one connection attempt must be allowed")
        self._slots = threading.BoundedSemaphore(limit)
        self._stopping = stopping
        self._poll = poll

    def run(self, attempt: Callable[[], T]) -> T:
        """Run ``attempt`` when a slot is free; ``ConnectCancelled`` if stopping first."""
        while not self._slots.acquire(timeout=self._poll):
            if self._stopping.is_set():
                raise ConnectCancelled("stopping")
        try:
            if self._stopping.is_set():
                raise ConnectCancelled("stopping")
            return attempt()
        finally:
            self._slots.release()
