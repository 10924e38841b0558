"""Removing a mailbox: the sync forgets it, the CRM keeps what was tracked from it.

The mailbox row goes with its watched folders, alerts, UID map and failure list; its activities,
their trackers and attachments stay (nothing in them refers to the mailbox), as deleting mail
never deletes activities (BEHAVIOUR §1). A worker syncing it at that moment finds its lease gone
at its next commit, or the mailbox gone at its next wake-up, and stops (``sync.mailbox_worker``).
The ``$Tracked`` keywords already written stay on the server's messages.
"""

from __future__ import annotations

from correspondent.domain.access import Actor
from correspondent.domain.mailbox import Mailbox
from correspondent.services.mailboxes.ownership import require_mailbox
from correspondent.services.ports import UnitOfWorkFactory


def remove_mailbox(uow_factory: UnitOfWorkFactory, actor: Actor, mailbox_id: int) -> Mailbox:
    """Remove the mailbox (owner or administrator); returns what was removed."""
    with uow_factory() as uow:
        mailbox = require_mailbox(uow, actor, mailbox_id)
        uow.mailboxes.remove(mailbox_id)
        uow.commit()
        return mailbox
