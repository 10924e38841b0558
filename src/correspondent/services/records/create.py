"""Creating records: one through the API or ``record add``, checked against the actor's roles.

A record's values are validated here (fields of its type, addresses, referenced records that
exist and that the actor may read) before anything is stored.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
from typing import Any

from correspondent.domain.access import Actor
from correspondent.domain.errors import InvalidInput, NotFound
from correspondent.domain.records import (
    Record,
    RecordRef,
    record_kind,
    validate_address,
    validate_record_fields,
)
from correspondent.domain.users import User
from correspondent.services.access import authorize_create, describe, readable_refs
from correspondent.services.directory.entries import require_record, require_user
from correspondent.services.ports import UnitOfWork, UnitOfWorkFactory
from correspondent.services.records.views import RecordView, record_view

OwnerChoice = int | str | None
"""A user's id, their email address, or None for the acting user."""


def create_record(
    uow_factory: UnitOfWorkFactory,
    actor: Actor,
    type_name: str,
    values: Mapping[str, Any],
    owner: OwnerChoice = None,
) -> RecordView:
    """Add one record owned by ``owner``; the actor needs the right to create it for them."""
    record_kind(type_name)
    with uow_factory() as uow:
        owning = record_owner(uow, actor, owner)
        authorize_create(actor, type_name, owning)
        record = build_record(uow, type_name, values, owning)
        require_readable_references(uow, actor, [record])
        view = record_view(uow, uow.directory.add_record(record))
        uow.commit()
        return view


def record_owner(uow: UnitOfWork, actor: Actor, owner: OwnerChoice) -> User:
    """The active user ``owner`` names (the actor when None)."""
    if isinstance(owner, str):
        return require_user(uow, owner)
    user_id = actor.user_id if owner is None else owner
    found = uow.directory.user(user_id)
    if found is None or not found.active:
        raise NotFound(f"There is no active user with id {user_id}.")
    return found


def build_record(uow: UnitOfWork, type_name: str, values: Mapping[str, Any], owner: User) -> Record:
    """Validate one record's values (referenced records must exist) without storing it."""
    kind = record_kind(type_name)
    given = dict(values)
    emails = _addresses(given.pop("email", None), given.pop("emails", None))
    if emails and not kind.email_enabled:
        raise InvalidInput(f"A {kind.name} has no email addresses.")
    fields = validate_record_fields(kind, given)
    for ref in references_of(kind.name, fields):
        require_record(uow, ref)
    now = datetime.now(UTC)
    return Record(
        id=0,
        type=kind.name,
        owner_id=owner.id,
        business_unit_id=owner.business_unit_id,
        active=True,
        created_at=now,
        modified_at=now,
        fields=fields,
        emails=emails,
    )


def references_of(type_name: str, fields: Mapping[str, Any]) -> list[RecordRef]:
    kind = record_kind(type_name)
    return [RecordRef(t, fields[f]) for f, t in kind.references.items() if f in fields]


def require_readable_references(uow: UnitOfWork, actor: Actor, records: Iterable[Record]) -> None:
    """A record may only point at records the actor may read (NotFound, as if they were not)."""
    refs = {ref for record in records for ref in references_of(record.type, record.fields)}
    hidden = refs - readable_refs(uow, actor, refs)
    if hidden:
        raise NotFound(describe(sorted(hidden, key=str)[0]))


def _addresses(primary: Any, further: Any) -> list[str]:
    found: list[str] = []
    for text in [primary, *str(further or "").replace(";", ",").split(",")]:
        if text and str(text).strip():
            address = validate_address(str(text))
            if address not in found:
                found.append(address)
    return found
