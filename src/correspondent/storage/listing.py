"""Access-filtered pages of records and activities, with keyset ("cursor") pagination.

Every query here takes a ``Scope`` and adds ``scope_clause`` to its WHERE clause, and pages by
keyset (the last row's sort value and id) rather than OFFSET, so page 1,000 costs what page 1
does and rows the user may not read are never loaded, counted or returned.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection
from sqlalchemy.sql.elements import ColumnElement

from correspondent.domain.access import Scope
from correspondent.domain.records import RecordRef
from correspondent.storage.access_repository import scope_clause
from correspondent.storage.tables import activities, activity_parties, email_addresses, records

RECORD_SORTS = {"id": records.c.id, "name": records.c.name, "modified_at": records.c.modified_at}


@dataclass(frozen=True)
class ActivitySummary:
    id: int
    subject: str
    direction: str
    sent_at: datetime | None
    status: str
    owner_id: int
    regarding: RecordRef | None
    raw_size: int


def _keyset(
    column: sa.Column[Any], descending: bool, after: tuple[Any, int]
) -> ColumnElement[bool]:
    value, last_id = after
    id_col: sa.Column[int] = records.c.id
    if column is id_col:
        return id_col < last_id if descending else id_col > last_id
    if descending:
        return sa.or_(column < value, sa.and_(column == value, id_col < last_id))
    return sa.or_(column > value, sa.and_(column == value, id_col > last_id))


class ListingRepository:
    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    def record_page(
        self,
        type_name: str,
        scope: Scope,
        *,
        text: str | None = None,
        owner_id: int | None = None,
        active: bool | None = None,
        sort: str = "id",
        descending: bool = False,
        after: tuple[Any, int] | None = None,
        limit: int = 50,
    ) -> list[tuple[int, Any]]:
        """Ids of one page of records, each with its sort value (for the next cursor)."""
        column = RECORD_SORTS[sort]
        query = sa.select(records.c.id, column.label("sort_value")).where(
            records.c.type == type_name, scope_clause(type_name, scope)
        )
        if text:
            query = query.where(self._matches(text))
        if owner_id is not None:
            query = query.where(records.c.owner_id == owner_id)
        if active is not None:
            query = query.where(records.c.active == active)
        if after is not None:
            query = query.where(_keyset(column, descending, after))
        order = [column.desc(), records.c.id.desc()] if descending else [column, records.c.id]
        rows = self.conn.execute(query.order_by(*order).limit(limit))
        return [(r.id, r.sort_value) for r in rows]

    def _matches(self, text: str) -> ColumnElement[bool]:
        needle = text.strip().lower()
        return sa.or_(
            sa.func.lower(records.c.name).contains(needle, autoescape=True),
            records.c.id.in_(
                sa.select(email_addresses.c.record_id).where(
                    email_addresses.c.address.startswith(needle, autoescape=True)
                )
            ),
        )

    def search_contacts(self, scope: Scope, text: str, limit: int) -> list[int]:
        query = (
            sa.select(records.c.id)
            .where(
                records.c.type == "contact",
                records.c.active.is_(True),
                scope_clause("contact", scope),
                self._matches(text),
            )
            .order_by(records.c.name, records.c.id)
            .limit(limit)
        )
        return list(self.conn.execute(query).scalars())

    def contacts_of_account(self, account_id: int) -> list[int]:
        return list(self.conn.execute(self._contacts_of(account_id)).scalars())

    def _contacts_of(self, account_id: int) -> sa.Select[int]:
        return sa.select(records.c.id).where(
            records.c.type == "contact", self._parent_account_is(account_id)
        )

    def _parent_account_is(self, account_id: int) -> ColumnElement[bool]:
        """``fields["account"] == account_id``, spelled as index ix_records_type_account is.

        The key is a literal, not a bound parameter: neither database matches an expression
        index against an expression whose parts are only known at execution.
        """
        if self.conn.dialect.name == "postgresql":
            text = records.c.fields.op("->>", return_type=sa.Text)(sa.literal_column("'account'"))
            return text == str(account_id)
        value = sa.func.json_extract(records.c.fields, sa.literal_column("'$.account'"))
        return value == account_id

    def activity_page(
        self,
        scope: Scope,
        *,
        related: Sequence[RecordRef] = (),
        contacts_of: int | None = None,
        regarding: RecordRef | None = None,
        party: RecordRef | None = None,
        owner_id: int | None = None,
        sent_after: datetime | None = None,
        sent_before: datetime | None = None,
        before_id: int | None = None,
        limit: int = 50,
    ) -> list[ActivitySummary]:
        """Newest first (by id); ``related``: regarding or party is any of these records, or
        (``contacts_of``) any contact of that account."""
        source: sa.FromClause = activities
        if related or contacts_of is not None:
            # Drive the query from the (indexed, usually small) set of related ids instead of
            # letting the planner walk the whole primary key backwards and filter every row.
            contacts = None if contacts_of is None else self._contacts_of(contacts_of)
            candidates = _related_ids(related, contacts)
            source = activities.join(candidates, candidates.c.id == activities.c.id)
        query = (
            sa.select(
                activities.c.id,
                activities.c.subject,
                activities.c.direction,
                activities.c.sent_at,
                activities.c.status,
                activities.c.owner_id,
                activities.c.regarding_type,
                activities.c.regarding_id,
                activities.c.raw_size,
            )
            .select_from(source)
            .where(scope_clause("activity", scope))
        )
        if regarding is not None:
            query = query.where(
                activities.c.regarding_type == regarding.type,
                activities.c.regarding_id == regarding.id,
            )
        if party is not None:
            query = query.where(_party_in([party]))
        if owner_id is not None:
            query = query.where(activities.c.owner_id == owner_id)
        if sent_after is not None:
            query = query.where(activities.c.sent_at >= sent_after)
        if sent_before is not None:
            query = query.where(activities.c.sent_at < sent_before)
        if before_id is not None:
            query = query.where(activities.c.id < before_id)
        rows = self.conn.execute(query.order_by(activities.c.id.desc()).limit(limit))
        return [
            ActivitySummary(
                r.id,
                r.subject,
                r.direction,
                r.sent_at,
                r.status,
                r.owner_id,
                RecordRef(r.regarding_type, r.regarding_id)
                if r.regarding_type and r.regarding_id is not None
                else None,
                r.raw_size,
            )
            for r in rows
        ]


def _by_type(refs: Sequence[RecordRef]) -> dict[str, list[int]]:
    grouped: dict[str, list[int]] = {}
    for ref in refs:
        grouped.setdefault(ref.type, []).append(ref.id)
    return grouped


def _party_in(refs: Sequence[RecordRef]) -> ColumnElement[bool]:
    return activities.c.id.in_(
        sa.select(activity_parties.c.activity_id).where(
            sa.or_(
                *(
                    sa.and_(
                        activity_parties.c.record_type == type_name,
                        activity_parties.c.record_id.in_(ids),
                    )
                    for type_name, ids in _by_type(refs).items()
                )
            )
        )
    )


def _related_ids(refs: Sequence[RecordRef], contacts: sa.Select[int] | None) -> sa.Subquery:
    """Ids of activities regarding any of ``refs`` or ``contacts`` or having one as a party.

    One UNION branch per record type and per link, each a plain lookup in
    ix_activities_regarding or ix_activity_parties_record: OR-ed conditions become filters on a
    hashed subplan instead. The contacts come as a join on their own query, not as literal ids:
    ids that are also common user ids made PostgreSQL expect thousands of party rows per contact
    (record_id's statistics hold no type), so it walked the whole primary key backwards.
    """
    links = (
        (activities.c.id, activities.c.regarding_type, activities.c.regarding_id),
        (
            activity_parties.c.activity_id,
            activity_parties.c.record_type,
            activity_parties.c.record_id,
        ),
    )
    branches: list[sa.Select[int]] = []
    for activity_id, type_col, id_col in links:
        for type_name, ids in _by_type(refs).items():
            match = id_col == ids[0] if len(ids) == 1 else id_col.in_(ids)
            branches.append(sa.select(activity_id.label("id")).where(type_col == type_name, match))
        if contacts is not None:
            found = contacts.subquery()
            branches.append(
                sa.select(activity_id.label("id"))
                .join(found, found.c.id == id_col)
                .where(type_col == "contact")
            )
    return sa.union(*branches).subquery("related")
