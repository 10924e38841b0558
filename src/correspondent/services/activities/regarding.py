"""Changing an activity's regarding record (its content stays immutable, BEHAVIOUR §1)."""

from __future__ import annotations

from correspondent.domain.access import ACTIVITY_TYPE, Actor, Operation
from correspondent.domain.errors import NotFound
from correspondent.domain.records import RecordRef
from correspondent.services.access import authorize, describe, readable_refs
from correspondent.services.directory.entries import require_record, require_user
from correspondent.services.ports import UnitOfWorkFactory


def set_regarding(
    uow_factory: UnitOfWorkFactory,
    actor: Actor,
    activity_id: int,
    regarding: RecordRef | None,
    user_email: str,
) -> None:
    """Link the activity to ``regarding`` (or unlink it): the actor must write the activity and
    read the record, checked in the transaction that makes the change."""
    with uow_factory() as uow:
        require_user(uow, user_email)
        authorize(uow, actor, RecordRef(ACTIVITY_TYPE, activity_id), Operation.WRITE)
        if regarding is not None:
            require_record(uow, regarding)
            if regarding not in readable_refs(uow, actor, [regarding]):
                raise NotFound(describe(regarding))
        if uow.activities.get(activity_id) is None:
            raise NotFound(describe(RecordRef(ACTIVITY_TYPE, activity_id)))
        uow.activities.set_regarding(activity_id, regarding)
        uow.commit()
