"""What the use cases need to know about users, business units, records and settings."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Protocol

from correspondent.domain.records import Record, RecordRef
from correspondent.domain.resolution import Candidate
from correspondent.domain.users import BusinessUnit, User


class DirectoryRepository(Protocol):
    """Users, business units and CRM records with their email addresses."""

    def business_unit_by_name(self, name: str) -> BusinessUnit | None: ...

    def add_business_unit(self, name: str, parent_id: int | None) -> BusinessUnit: ...

    def business_units(self) -> list[BusinessUnit]: ...

    def add_user(self, user: User, password_hash: str | None = None) -> User: ...

    def user(self, user_id: int) -> User | None: ...

    def user_by_email(self, email: str) -> User | None: ...

    def list_users(self) -> list[User]: ...

    def update_user(self, user: User) -> None: ...

    def user_names(self, ids: Iterable[int]) -> dict[int, str]:
        """Each of these users' email address, by id (how users are named in answers)."""
        ...

    def add_record(self, record: Record) -> Record: ...

    def add_records_bulk(self, items: Sequence[Record]) -> None:
        """Insert many records at once (CSV import); ids are filled in."""

    def record(self, ref: RecordRef) -> Record | None: ...

    def records_by_ids(self, type_name: str, ids: Sequence[int]) -> list[Record]: ...

    def list_records(self, type_name: str, *, limit: int = 1000) -> list[Record]: ...

    def update_record(self, record: Record) -> None: ...

    def names(self, refs: Iterable[RecordRef]) -> dict[RecordRef, str]:
        """Display names for many records and users (a user's name, not their address)."""

    def candidates(self, addresses: Iterable[str]) -> dict[str, list[Candidate]]:
        """Every record or user carrying one of ``addresses`` (one indexed query)."""


class SettingsRepository(Protocol):
    """Organisation settings and personal options as stored text."""

    def org(self) -> dict[str, str]: ...

    def set_org(self, key: str, value: str) -> None: ...

    def personal(self, user_id: int) -> dict[str, str]: ...

    def set_personal(self, user_id: int, key: str, value: str) -> None: ...
