"""Applying the access model: who the actor is, and checks that every use case runs.

``authorize`` answers 404 (``NotFound``) when the actor may not even read the record, so the
answer never confirms that a hidden record exists, and 403 (``PermissionDenied``) when they may
read it but not do what they asked.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from correspondent.domain.access import (
    ACTIVITY_TYPE,
    BUILTIN_ROLES,
    SECURED_TYPES,
    Actor,
    Operation,
    RecordFacts,
    Role,
    Scope,
    may,
    merge_privileges,
    scope,
    secured_type,
)
from correspondent.domain.errors import NotFound, PermissionDenied
from correspondent.domain.records import RecordRef
from correspondent.domain.users import User
from correspondent.services.ports import UnitOfWork


def role_catalogue(uow: UnitOfWork) -> dict[str, Role]:
    """Built-in roles, replaced or extended by the roles an administrator saved."""
    return {**BUILTIN_ROLES, **uow.access.stored_roles()}


def actor_for(uow: UnitOfWork, user: User) -> Actor:
    return actor_of(user, uow.access.stored_roles())


def actor_of(user: User, stored_roles: Mapping[str, Role]) -> Actor:
    """``user`` as an actor, given (at least) the stored roles among theirs."""
    catalogue = {**BUILTIN_ROLES, **stored_roles}
    privileges = merge_privileges(catalogue[name] for name in user.roles if name in catalogue)
    return Actor(user.id, user.business_unit_id, privileges, frozenset(user.roles), user.active)


def describe(ref: RecordRef) -> str:
    noun = "activity" if ref.type == ACTIVITY_TYPE else ref.type
    return f"There is no {noun} with id {ref.id}."


def authorize(uow: UnitOfWork, actor: Actor, ref: RecordRef, operation: Operation) -> RecordFacts:
    """Facts of ``ref`` if ``actor`` may do ``operation``; else NotFound or PermissionDenied."""
    secured_type(ref.type)
    facts = uow.access.facts(ref, actor.user_id)
    if facts is None or not may(actor, ref.type, Operation.READ, facts):
        raise NotFound(describe(ref))
    if operation is not Operation.READ and not may(actor, ref.type, operation, facts):
        raise PermissionDenied(
            f"Your roles do not allow you to {operation.value} this {ref.type} ({ref.id})."
        )
    return facts


def authorize_create(actor: Actor, type_name: str, owner: User) -> None:
    facts = RecordFacts(owner.id, owner.business_unit_id)
    if not may(actor, type_name, Operation.CREATE, facts):
        whose = "your own" if owner.id == actor.user_id else f"{owner.email}'s"
        raise PermissionDenied(f"Your roles do not allow you to create {whose} {type_name}s.")


def authorize_assign(
    uow: UnitOfWork, actor: Actor, ref: RecordRef, new_owner_id: int
) -> tuple[RecordFacts, User]:
    facts = authorize(uow, actor, ref, Operation.ASSIGN)
    owner = uow.directory.user(new_owner_id)
    if owner is None or not owner.active:
        raise NotFound(f"There is no active user with id {new_owner_id}.")
    return facts, owner


def read_scopes(actor: Actor, types: Iterable[str] = SECURED_TYPES) -> dict[str, Scope]:
    return {t: scope(actor, t) for t in types}


def readable_refs(uow: UnitOfWork, actor: Actor, refs: Iterable[RecordRef]) -> set[RecordRef]:
    wanted = {r for r in refs if r.type in SECURED_TYPES}
    return uow.access.readable(wanted, read_scopes(actor, {r.type for r in wanted}))


def readable_names(
    uow: UnitOfWork, actor: Actor, refs: Iterable[RecordRef], user_ids: Iterable[int]
) -> dict[RecordRef, str]:
    """Names of those ``refs`` the actor may read, and the users' emails, in one query."""
    wanted = {r for r in refs if r.type in SECURED_TYPES and r.type != ACTIVITY_TYPE}
    scopes = read_scopes(actor, {r.type for r in wanted})
    return uow.access.readable_names(wanted, scopes, user_ids)


def require_administrator(actor: Actor) -> None:
    if not actor.is_administrator:
        raise PermissionDenied("Only an administrator may do this.")
