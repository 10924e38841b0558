"""Look-ups inside a unit of work that other use cases share: a user by address, a record."""

from __future__ import annotations

from correspondent.domain.errors import InvalidInput, NotFound
from correspondent.domain.records import Record, RecordRef, record_kind
from correspondent.domain.users import User
from correspondent.services.ports import UnitOfWork


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
