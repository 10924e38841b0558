"""Assigning records and activities to another owner, and sharing one record with one user."""

from __future__ import annotations

from dataclasses import dataclass

from correspondent.domain.access import Actor, Operation, ShareAccess
from correspondent.domain.errors import InvalidInput, NotFound
from correspondent.domain.records import RecordRef
from correspondent.services.access import authorize, authorize_assign
from correspondent.services.ports import UnitOfWorkFactory


def assign(uow_factory: UnitOfWorkFactory, actor: Actor, ref: RecordRef, owner_id: int) -> None:
    with uow_factory() as uow:
        _facts, owner = authorize_assign(uow, actor, ref, owner_id)
        uow.access.assign(ref, owner.id, owner.business_unit_id)
        uow.commit()


def share(
    uow_factory: UnitOfWorkFactory,
    actor: Actor,
    ref: RecordRef,
    user_id: int,
    access: ShareAccess,
) -> None:
    with uow_factory() as uow:
        facts = authorize(uow, actor, ref, Operation.SHARE)
        grantee = uow.directory.user(user_id)
        if grantee is None or not grantee.active:
            raise NotFound(f"There is no active user with id {user_id}.")
        if grantee.id == facts.owner_id:
            raise InvalidInput("The owner of a record always has access; share with someone else.")
        uow.access.share(ref, grantee.id, access, actor.user_id)
        uow.commit()


def unshare(uow_factory: UnitOfWorkFactory, actor: Actor, ref: RecordRef, user_id: int) -> None:
    with uow_factory() as uow:
        authorize(uow, actor, ref, Operation.SHARE)
        if not uow.access.unshare(ref, user_id):
            raise NotFound(f"This {ref.type} is not shared with user {user_id}.")
        uow.commit()


@dataclass(frozen=True)
class Share:
    user_id: int
    user: str
    """The user's email address."""
    access: ShareAccess


def list_shares(uow_factory: UnitOfWorkFactory, actor: Actor, ref: RecordRef) -> list[Share]:
    with uow_factory() as uow:
        authorize(uow, actor, ref, Operation.READ)
        shares = uow.access.shares(ref)
        names = uow.directory.user_names(uid for uid, _ in shares)
        return [Share(uid, names.get(uid, ""), access) for uid, access in shares]
