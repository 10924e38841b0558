"""Repository for users, business units, CRM records and the address index."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Row

from correspondent.domain.records import (
    RECORD_KINDS,
    USER_FROM_PRECEDENCE,
    USER_TYPE,
    Record,
    RecordRef,
    record_kind,
)
from correspondent.domain.resolution import Candidate
from correspondent.domain.users import BusinessUnit, User
from correspondent.storage.tables import business_units, email_addresses, records, users


def user_from_row(row: Row[Any]) -> User:
    return User(
        id=row.id,
        email=row.email,
        name=row.name,
        business_unit_id=row.business_unit_id,
        roles=list(row.roles),
        active=row.active,
        email_approved=row.email_approved,
    )


class DirectoryRepository:
    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    # -- business units ---------------------------------------------------------------------
    def business_unit_by_name(self, name: str) -> BusinessUnit | None:
        row = self.conn.execute(
            sa.select(business_units).where(business_units.c.name == name)
        ).first()
        return BusinessUnit(row.id, row.name, row.parent_id) if row else None

    def add_business_unit(self, name: str, parent_id: int | None) -> BusinessUnit:
        new_id = self.conn.execute(
            sa.insert(business_units)
            .values(name=name, parent_id=parent_id)
            .returning(business_units.c.id)
        ).scalar_one()
        return BusinessUnit(new_id, name, parent_id)

    def business_units(self) -> list[BusinessUnit]:
        rows = self.conn.execute(sa.select(business_units).order_by(business_units.c.id))
        return [BusinessUnit(r.id, r.name, r.parent_id) for r in rows]

    # -- users ------------------------------------------------------------------------------
    def add_user(self, user: User, password_hash: str | None = None) -> User:
        now = datetime.now(UTC)
        user.id = self.conn.execute(
            sa.insert(users)
            .values(
                email=user.email,
                name=user.name,
                business_unit_id=user.business_unit_id,
                roles=user.roles,
                active=user.active,
                email_approved=user.email_approved,
                password_hash=password_hash,
                created_at=now,
                modified_at=now,
            )
            .returning(users.c.id)
        ).scalar_one()
        self.conn.execute(
            sa.insert(email_addresses).values(address=user.email, user_id=user.id, position=0)
        )
        return user

    def user(self, user_id: int) -> User | None:
        row = self.conn.execute(sa.select(users).where(users.c.id == user_id)).first()
        return user_from_row(row) if row else None

    def user_by_email(self, email: str) -> User | None:
        row = self.conn.execute(sa.select(users).where(users.c.email == email)).first()
        return user_from_row(row) if row else None

    def list_users(self) -> list[User]:
        return [user_from_row(r) for r in self.conn.execute(sa.select(users).order_by(users.c.id))]

    def update_user(self, user: User) -> None:
        self.conn.execute(
            sa.update(users)
            .where(users.c.id == user.id)
            .values(
                name=user.name,
                roles=user.roles,
                active=user.active,
                email_approved=user.email_approved,
                business_unit_id=user.business_unit_id,
                modified_at=datetime.now(UTC),
            )
        )

    def user_names(self, ids: Iterable[int]) -> dict[int, str]:
        wanted = set(ids)
        if not wanted:
            return {}
        rows = self.conn.execute(sa.select(users.c.id, users.c.email).where(users.c.id.in_(wanted)))
        return {r.id: r.email for r in rows}

    # -- records ----------------------------------------------------------------------------
    def add_record(self, record: Record) -> Record:
        record.id = self.conn.execute(
            sa.insert(records)
            .values(
                type=record.type,
                name=record.name[:400],
                owner_id=record.owner_id,
                business_unit_id=record.business_unit_id,
                active=record.active,
                fields=record.fields,
                created_at=record.created_at,
                modified_at=record.modified_at,
            )
            .returning(records.c.id)
        ).scalar_one()
        self._write_addresses(record.id, record.emails)
        return record

    def add_records_bulk(self, items: Sequence[Record]) -> None:
        """Insert many records at once (CSV import); ids are filled in."""
        for record in items:
            self.add_record(record)

    def _write_addresses(self, record_id: int, emails: Sequence[str]) -> None:
        self.conn.execute(
            sa.delete(email_addresses).where(email_addresses.c.record_id == record_id)
        )
        if emails:
            self.conn.execute(
                sa.insert(email_addresses),
                [
                    {"address": address, "record_id": record_id, "position": i}
                    for i, address in enumerate(emails)
                ],
            )

    def record(self, ref: RecordRef) -> Record | None:
        found = self.records_by_ids(ref.type, [ref.id])
        return found[0] if found else None

    def records_by_ids(self, type_name: str, ids: Sequence[int]) -> list[Record]:
        rows = list(
            self.conn.execute(
                sa.select(records)
                .where(records.c.type == type_name, records.c.id.in_(ids))
                .order_by(records.c.id)
            )
        )
        return self._with_addresses(rows)

    def list_records(self, type_name: str, *, limit: int = 1000) -> list[Record]:
        rows = list(
            self.conn.execute(
                sa.select(records)
                .where(records.c.type == type_name)
                .order_by(records.c.id)
                .limit(limit)
            )
        )
        return self._with_addresses(rows)

    def _with_addresses(self, rows: list[Row[Any]]) -> list[Record]:
        by_record: dict[int, list[str]] = defaultdict(list)
        if rows:
            addr_rows = self.conn.execute(
                sa.select(email_addresses.c.record_id, email_addresses.c.address)
                .where(email_addresses.c.record_id.in_([r.id for r in rows]))
                .order_by(email_addresses.c.position)
            )
            for a in addr_rows:
                by_record[a.record_id].append(a.address)
        return [
            Record(
                id=r.id,
                type=r.type,
                owner_id=r.owner_id,
                business_unit_id=r.business_unit_id,
                active=r.active,
                created_at=r.created_at,
                modified_at=r.modified_at,
                fields=dict(r.fields),
                emails=by_record[r.id],
            )
            for r in rows
        ]

    def update_record(self, record: Record) -> None:
        self.conn.execute(
            sa.update(records)
            .where(records.c.id == record.id)
            .values(
                name=record.name[:400],
                owner_id=record.owner_id,
                active=record.active,
                fields=record.fields,
                modified_at=datetime.now(UTC),
            )
        )
        self._write_addresses(record.id, record.emails)

    def names(self, refs: Iterable[RecordRef]) -> dict[RecordRef, str]:
        """Display names for many records and users (a user's name, not their address) in two
        queries; ``user_names`` gives users' email addresses."""
        wanted = set(refs)
        result: dict[RecordRef, str] = {}
        record_ids = [r.id for r in wanted if r.type != USER_TYPE]
        if record_ids:
            rows = self.conn.execute(
                sa.select(records.c.id, records.c.type, records.c.name).where(
                    records.c.id.in_(record_ids)
                )
            )
            for row in rows:
                result[RecordRef(row.type, row.id)] = row.name
        user_ids = [r.id for r in wanted if r.type == USER_TYPE]
        if user_ids:
            rows = self.conn.execute(
                sa.select(users.c.id, users.c.name).where(users.c.id.in_(user_ids))
            )
            for row in rows:
                result[RecordRef(USER_TYPE, row.id)] = row.name
        return {ref: name for ref, name in result.items() if ref in wanted}

    def candidates(self, addresses: Iterable[str]) -> dict[str, list[Candidate]]:
        """Every record or user carrying one of ``addresses`` (one indexed query)."""
        wanted = sorted(set(addresses))
        found: dict[str, list[Candidate]] = defaultdict(list)
        if not wanted:
            return found
        query = (
            sa.select(
                email_addresses.c.address,
                email_addresses.c.record_id,
                email_addresses.c.user_id,
                records.c.type,
                records.c.owner_id,
                records.c.active.label("record_active"),
                users.c.active.label("user_active"),
            )
            .select_from(email_addresses)
            .outerjoin(records, records.c.id == email_addresses.c.record_id)
            .outerjoin(users, users.c.id == email_addresses.c.user_id)
            .where(email_addresses.c.address.in_(wanted))
        )
        for row in self.conn.execute(query):
            if row.user_id is not None:
                found[row.address].append(
                    Candidate(
                        RecordRef(USER_TYPE, row.user_id),
                        None,
                        row.user_active,
                        USER_FROM_PRECEDENCE,
                    )
                )
            else:
                kind = RECORD_KINDS.get(row.type) or record_kind(row.type)
                found[row.address].append(
                    Candidate(
                        RecordRef(row.type, row.record_id),
                        row.owner_id,
                        row.record_active,
                        kind.from_precedence,
                    )
                )
        return found
