"""Use cases for users, business units and CRM records."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from correspondent.domain.errors import Conflict, InvalidInput, NotFound
from correspondent.domain.records import (
    Record,
    RecordRef,
    record_kind,
    validate_address,
    validate_record_fields,
)
from correspondent.domain.users import User
from correspondent.services.ports import UnitOfWork, UnitOfWorkFactory

DEFAULT_BUSINESS_UNIT = "Head office"


def _business_unit_id(uow: UnitOfWork, name: str | None) -> int:
    wanted = name or DEFAULT_BUSINESS_UNIT
    unit = uow.directory.business_unit_by_name(wanted)
    if unit is None:
        if name and uow.directory.business_units():
            # A named unit other than the default must be created under the root one.
            root = uow.directory.business_units()[0]
            unit = uow.directory.add_business_unit(wanted, root.id)
        else:
            unit = uow.directory.add_business_unit(wanted, None)
    return unit.id


def add_user(
    uow_factory: UnitOfWorkFactory,
    email: str,
    name: str,
    *,
    roles: Iterable[str] = (),
    business_unit: str | None = None,
    email_approved: bool = True,
    password_hash: str | None = None,
) -> User:
    address = validate_address(email)
    if not name.strip():
        raise InvalidInput("A user needs a name (--name).")
    with uow_factory() as uow:
        if uow.directory.user_by_email(address) is not None:
            raise Conflict(f"A user with the email address {address} already exists.")
        unit_id = _business_unit_id(uow, business_unit)
        user = uow.directory.add_user(
            User(
                id=0,
                email=address,
                name=name.strip(),
                business_unit_id=unit_id,
                roles=sorted(set(roles)) or ["salesperson"],
                email_approved=email_approved,
            ),
            password_hash,
        )
        uow.commit()
        return user


def require_user(uow: UnitOfWork, email: str) -> User:
    user = uow.directory.user_by_email(email.strip().lower())
    if user is None:
        raise NotFound(
            f"No user has the email address {email!r}; add one with 'correspondent user add'."
        )
    if not user.active:
        raise InvalidInput(f"The user {user.email} is deactivated.")
    return user


def require_record(uow: UnitOfWork, ref: RecordRef) -> Record:
    record_kind(ref.type)
    record = uow.directory.record(ref)
    if record is None:
        raise NotFound(f"There is no {ref.type} with id {ref.id}.")
    return record


@dataclass(frozen=True)
class RecordInput:
    type: str
    values: Mapping[str, Any]
    owner_email: str


def build_record(uow: UnitOfWork, item: RecordInput) -> Record:
    """Validate one record's values (including referenced records) without storing it."""
    kind = record_kind(item.type)
    values = dict(item.values)
    emails = _addresses(values.pop("email", None), values.pop("emails", None))
    if emails and not kind.email_enabled:
        raise InvalidInput(f"A {kind.name} has no email addresses.")
    fields = validate_record_fields(kind, values)
    for field_name, target_type in kind.references.items():
        if field_name in fields:
            require_record(uow, RecordRef(target_type, fields[field_name]))
    owner = require_user(uow, item.owner_email)
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


def _addresses(primary: Any, further: Any) -> list[str]:
    found: list[str] = []
    for text in [primary, *str(further or "").replace(";", ",").split(",")]:
        if text and str(text).strip():
            address = validate_address(str(text))
            if address not in found:
                found.append(address)
    return found


def add_record(uow_factory: UnitOfWorkFactory, item: RecordInput) -> Record:
    with uow_factory() as uow:
        record = uow.directory.add_record(build_record(uow, item))
        uow.commit()
        return record


def get_record(uow_factory: UnitOfWorkFactory, ref: RecordRef) -> Record:
    with uow_factory() as uow:
        return require_record(uow, ref)


def list_users(uow_factory: UnitOfWorkFactory) -> list[User]:
    with uow_factory() as uow:
        return uow.directory.list_users()
