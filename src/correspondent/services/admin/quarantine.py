"""The quarantine as administrators see it: messages that could not be tracked, newest first."""

from __future__ import annotations

from correspondent.domain.access import Actor
from correspondent.domain.quarantine import QuarantinedMessage
from correspondent.services.access import require_administrator
from correspondent.services.ports import UnitOfWorkFactory

DEFAULT_LIMIT = 1000


def list_quarantine(
    uow_factory: UnitOfWorkFactory, actor: Actor, limit: int = DEFAULT_LIMIT
) -> list[QuarantinedMessage]:
    require_administrator(actor)
    with uow_factory() as uow:
        return uow.quarantine.list(limit)
