"""Access-filtered pages of records and activities, with keyset ("cursor") pagination.

Every query here takes a ``Scope`` and adds ``scope_clause`` to its WHERE clause, and pages by
keyset (the last row's sort value and id) rather than OFFSET, so page 1,000 costs what page 1
does and rows the user may not read are never loaded, counted or returned.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection
from sqlalchemy.sql.elements import ColumnElement

from correspondent.domain.access import Scope
from correspondent.domain.activity import ActivitySummary
from correspondent.domain.records import RecordRef
from correspondent.storage import search
from correspondent.storage.access_repository import (
    ScopeShape,
    scope_clause,
    scope_condition,
    scope_params,
)
from correspondent.storage.activity_rows import SUMMARY_COLUMNS, summary_of
from correspondent.storage.tables import activities, activity_parties, email_addresses, records

RECORD_SORTS = {"id": records.c.id, "name": records.c.name, "modified_at": records.c.modified_at}


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
        account = _account_key(self.conn.dialect.name, account_id)
        return _contacts_of(self.conn.dialect.name, sa.bindparam(None, account, unique=True))

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
        direction: str | None = None,
        limit: int = 50,
    ) -> list[ActivitySummary]:
        """Newest first (by id); ``related``: regarding or party is any of these records, or
        (``contacts_of``) any contact of that account."""
        dialect = self.conn.dialect.name
        related_ids = _by_type(related)
        shape = _PageShape(
            dialect,
            ScopeShape.of(scope),
            tuple((t, len(ids) > 1) for t, ids in related_ids.items()),
            contacts_of is not None,
            regarding is not None,
            party.type if party is not None else None,
            owner_id is not None,
            sent_after is not None,
            sent_before is not None,
            before_id is not None,
            direction is not None,
        )
        params: dict[str, Any] = {
            **scope_params(scope, "scope_"),
            "page_limit": limit,
            "owner_id": owner_id,
            "sent_after": sent_after,
            "sent_before": sent_before,
            "before_id": before_id,
            "direction": direction,
        }
        for type_name, ids in related_ids.items():
            params[f"related_{type_name}"] = ids if len(ids) > 1 else ids[0]
        if contacts_of is not None:
            params["account"] = _account_key(dialect, contacts_of)
        if regarding is not None:
            params.update(regarding_type=regarding.type, regarding_id=regarding.id)
        if party is not None:
            params["party_id"] = party.id
        rows = self.conn.execute(_activity_page_query(shape), params)
        return [summary_of(r) for r in rows]

    def search_records(
        self, scopes: dict[str, Scope], words: Sequence[str], limit: int
    ) -> list[RecordRef]:
        """Records of the scoped types whose name or an address contains every word, by name."""
        return search.records_matching(self.conn, scopes, words, limit)

    def search_activities(
        self, scope: Scope, words: Sequence[str], limit: int
    ) -> list[ActivitySummary]:
        """Activities whose subject, body or a participant contains every word, newest first."""
        return search.activities_matching(self.conn, scope, words, limit)


def _account_key(dialect: str, account_id: int) -> object:
    # PostgreSQL's ->> yields text; SQLite's json_extract yields the stored integer.
    return str(account_id) if dialect == "postgresql" else account_id


def _contacts_of(dialect: str, account: Any) -> sa.Select[int]:
    """Contacts whose ``fields["account"]`` is ``account``, spelled as ix_records_type_account is.

    The key is a literal, not a bound parameter: neither database matches an expression index
    against an expression whose parts are only known at execution.
    """
    if dialect == "postgresql":
        key: Any = records.c.fields.op("->>", return_type=sa.Text)(sa.literal_column("'account'"))
    else:
        key = sa.func.json_extract(records.c.fields, sa.literal_column("'$.account'"))
    return sa.select(records.c.id).where(records.c.type == "contact", key == account)


@dataclass(frozen=True)
class _PageShape:
    """Which filters an activity page has, not their values: its statement's cache key."""

    dialect: str
    scope: ScopeShape
    related: tuple[tuple[str, bool], ...]
    """(record type, several ids?) per type of the ``related`` records."""
    contacts: bool
    regarding: bool
    party_type: str | None
    owner: bool
    sent_after: bool
    sent_before: bool
    before_id: bool
    direction: bool = False


@lru_cache(maxsize=256)
def _activity_page_query(shape: _PageShape) -> sa.Select[Any]:
    """The page's statement, built once per shape: building one costs more than running it.

    Parameters: ``scope_*`` (``scope_params``), ``related_{type}``, ``account``,
    ``regarding_type``/``regarding_id``, ``party_id``, ``owner_id``, ``sent_after``,
    ``sent_before``, ``before_id``, ``direction`` and ``page_limit``.
    """
    source: sa.FromClause = activities
    if shape.related or shape.contacts:
        # Drive the query from the (indexed, usually small) set of related ids instead of
        # letting the planner walk the whole primary key backwards and filter every row.
        contacts = _contacts_of(shape.dialect, sa.bindparam("account")) if shape.contacts else None
        candidates = _related_ids(shape.related, contacts)
        source = activities.join(candidates, candidates.c.id == activities.c.id)
    query = (
        sa.select(*SUMMARY_COLUMNS)
        .select_from(source)
        .where(scope_condition("activity", shape.scope, prefix="scope_"))
    )
    if shape.regarding:
        query = query.where(
            activities.c.regarding_type == sa.bindparam("regarding_type"),
            activities.c.regarding_id == sa.bindparam("regarding_id"),
        )
    if shape.party_type is not None:
        query = query.where(
            activities.c.id.in_(
                sa.select(activity_parties.c.activity_id).where(
                    activity_parties.c.record_type == shape.party_type,
                    activity_parties.c.record_id == sa.bindparam("party_id"),
                )
            )
        )
    if shape.owner:
        query = query.where(activities.c.owner_id == sa.bindparam("owner_id"))
    if shape.sent_after:
        query = query.where(activities.c.sent_at >= sa.bindparam("sent_after"))
    if shape.sent_before:
        query = query.where(activities.c.sent_at < sa.bindparam("sent_before"))
    if shape.before_id:
        query = query.where(activities.c.id < sa.bindparam("before_id"))
    if shape.direction:
        query = query.where(activities.c.direction == sa.bindparam("direction"))
    return query.order_by(activities.c.id.desc()).limit(sa.bindparam("page_limit"))


def _by_type(refs: Sequence[RecordRef]) -> dict[str, list[int]]:
    grouped: dict[str, list[int]] = {}
    for ref in refs:
        grouped.setdefault(ref.type, []).append(ref.id)
    return grouped


def _related_ids(
    related: tuple[tuple[str, bool], ...], contacts: sa.Select[int] | None
) -> sa.Subquery:
    """Ids of activities regarding any ``related_{type}`` record or a contact, or having one as
    a party.

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
        for type_name, several in related:
            ids: Any = sa.bindparam(f"related_{type_name}", expanding=several)
            match = id_col.in_(ids) if several else id_col == ids
            branches.append(sa.select(activity_id.label("id")).where(type_col == type_name, match))
        if contacts is not None:
            found = contacts.subquery()
            branches.append(
                sa.select(activity_id.label("id"))
                .join(found, found.c.id == id_col)
                .where(type_col == "contact")
            )
    return sa.union(*branches).subquery("related")
