"""The mailbox alerts that concern a user, newest first (the home page).

BEHAVIOUR §2: a mailbox's alerts are for its owner and the administrators. A user sees every
alert of their own mailboxes; an administrator also sees the errors and warnings of everybody
else's (another user's information notes are that user's business, and would bury the rest).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from correspondent.domain.access import Actor
from correspondent.domain.mailbox import AlertLevel
from correspondent.services.paging import check_limit
from correspondent.services.ports import UnitOfWorkFactory

ALL_LEVELS = frozenset(AlertLevel)
TROUBLE = frozenset({AlertLevel.ERROR, AlertLevel.WARNING})


@dataclass(frozen=True)
class MailboxAlertView:
    mailbox_id: int
    address: str
    """The mailbox's address."""
    mine: bool
    """The mailbox is the viewer's own."""
    level: str
    text: str
    at: datetime


def alerts_for_me(
    uow_factory: UnitOfWorkFactory, actor: Actor, *, limit: int = 10
) -> list[MailboxAlertView]:
    check_limit(limit)
    with uow_factory() as uow:
        visible = uow.mailboxes.all(None if actor.is_administrator else actor.user_id)
        addresses = {m.id: m.address for m in visible if m.id is not None}
        own = {m.id for m in visible if m.user_id == actor.user_id and m.id is not None}
        found = uow.mailboxes.recent_alerts(own, ALL_LEVELS, limit)
        found += uow.mailboxes.recent_alerts(addresses.keys() - own, TROUBLE, limit)
    found.sort(key=lambda item: (item[1].created_at, item[1].id or 0), reverse=True)
    return [
        MailboxAlertView(
            mailbox_id,
            addresses[mailbox_id],
            mailbox_id in own,
            a.level.value,
            a.text,
            a.created_at,
        )
        for mailbox_id, a in found[:limit]
    ]
