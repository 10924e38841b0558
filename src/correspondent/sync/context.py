"""What one pass over a mailbox needs (``SyncContext``), and the signal to stop (``LeaseLost``)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from correspondent.domain.mailbox_rules import SyncOptions
from correspondent.domain.message_retry import MessageRetryPolicy
from correspondent.services.activities.track import MessageTracker
from correspondent.services.ports import UnitOfWork, UnitOfWorkFactory


class LeaseLost(Exception):
    """Another worker holds this mailbox now, or it was removed; stop syncing it at once."""


@dataclass
class SyncContext:
    """What a pass over one mailbox needs; built by the runner for each pass."""

    uow_factory: UnitOfWorkFactory
    tracker: MessageTracker
    mailbox_id: int
    user_id: int
    user_email: str
    options: SyncOptions
    now: Callable[[], datetime]
    lease_owner: str | None = None
    lease_for: timedelta = timedelta(minutes=2)
    header_batch: int = 200
    message_retry: MessageRetryPolicy = field(default_factory=MessageRetryPolicy)
    stop_requested: Callable[[], bool] = field(default=lambda: False)
    regarding_key: bytes | None = None
    """Verifies Set Regarding headers in the Sent folder; None: they are not honoured."""

    def renew_lease(self, uow: UnitOfWork) -> None:
        """Called inside every committing transaction of the sync: no lease, no commit."""
        if self.lease_owner is None:
            return
        if not uow.mailboxes.renew(self.mailbox_id, self.lease_owner, self.now() + self.lease_for):
            if uow.mailboxes.get(self.mailbox_id) is None:
                raise LeaseLost(f"mailbox {self.mailbox_id} was removed; its sync stops")
            raise LeaseLost(f"mailbox {self.mailbox_id} is now synced by another worker")
