"""Whose mailbox it is: the owner and administrators manage a mailbox, nobody else sees it.

Another user's mailbox answers ``NotFound``, exactly like one that does not exist, so ids do not
reveal whose mailboxes exist. The CLI passes ``OPERATOR``, an administrator, and so reaches every
mailbox. Each use case calls :func:`require_mailbox` in the unit of work that makes its change.
"""

from __future__ import annotations

from correspondent.domain.access import Actor
from correspondent.domain.errors import NotFound
from correspondent.domain.mailbox import Mailbox
from correspondent.services.ports import UnitOfWork


def may_manage(actor: Actor, mailbox: Mailbox) -> bool:
    return actor.is_administrator or mailbox.user_id == actor.user_id


def require_mailbox(uow: UnitOfWork, actor: Actor, mailbox_id: int) -> Mailbox:
    """The mailbox, if ``actor`` may manage it; otherwise the same NotFound as a missing one."""
    mailbox = uow.mailboxes.get(mailbox_id)
    if mailbox is None or not may_manage(actor, mailbox):
        raise NotFound(f"There is no mailbox with id {mailbox_id}.")
    return mailbox
