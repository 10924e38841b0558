"""A sync pass whose mailbox was removed under it stops at its next commit with a LeaseLost that
says so (not "another worker"), and commits nothing (SQLite and PostgreSQL, no mail server)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from correspondent.bootstrap import Installation
from correspondent.domain.access import OPERATOR
from correspondent.domain.mailbox import TlsChoice
from correspondent.domain.mailbox_rules import SyncOptions
from correspondent.services.activities.track import MessageTracker
from correspondent.services.mailboxes.add import MailboxInput, add_mailbox
from correspondent.services.mailboxes.remove import remove_mailbox
from correspondent.services.mailboxes.secrets import SecretBox
from correspondent.sync.context import LeaseLost, SyncContext
from tests.builders import add_user


def _context(installation: Installation, mailbox_id: int, user_id: int, email: str) -> SyncContext:
    return SyncContext(
        uow_factory=installation.uow,
        tracker=MessageTracker(installation.uow, installation.blobs),
        mailbox_id=mailbox_id,
        user_id=user_id,
        user_email=email,
        options=SyncOptions(),
        now=lambda: datetime.now(UTC),
        lease_owner="worker-1",
        lease_for=timedelta(minutes=1),
    )


def test_renewing_the_lease_of_a_removed_mailbox_says_it_was_removed(
    installation: Installation,
) -> None:
    user = add_user(installation, "me@ourco.example")
    item = MailboxInput(user.email, "127.0.0.1", 1, TlsChoice.PLAIN, user.email, "pw")
    mailbox = add_mailbox(installation.uow, SecretBox.from_text("k"), OPERATOR, item)
    assert mailbox.id is not None
    now = datetime.now(UTC)
    with installation.uow() as uow:
        mailbox.enabled = True
        uow.mailboxes.save(mailbox)
        assert uow.mailboxes.claim(mailbox.id, "worker-1", now + timedelta(minutes=1), now)
        uow.commit()
    ctx = _context(installation, mailbox.id, user.id, user.email)
    with installation.uow() as uow:
        ctx.renew_lease(uow)  # ours: no error
    remove_mailbox(installation.uow, OPERATOR, mailbox.id)
    with installation.uow() as uow, pytest.raises(LeaseLost, match="was removed"):
        ctx.renew_lease(uow)
    other = add_mailbox(
        installation.uow,
        SecretBox.from_text("k"),
        OPERATOR,
        MailboxInput(user.email, "127.0.0.1", 1, TlsChoice.PLAIN, user.email, "pw"),
    )
    assert other.id is not None
    with installation.uow() as uow:
        other.enabled = True
        uow.mailboxes.save(other)
        assert uow.mailboxes.claim(other.id, "worker-2", now + timedelta(minutes=1), now)
        uow.commit()
    taken = _context(installation, other.id, user.id, user.email)
    with installation.uow() as uow, pytest.raises(LeaseLost, match="another worker"):
        taken.renew_lease(uow)
