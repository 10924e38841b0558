"""Repository for roles, shares and the facts access decisions need, plus SQL access filters.

``scope_clause`` is how an access ``Scope`` becomes SQL: listing queries add it to their WHERE
clause, so a user's list, count and search never touch rows they may not read. An activity's
business unit is its owner's: a subquery on ``users`` (indexed by business unit) rather than a
copied column, so moving a user to another unit moves their activities with them.

The statements every API request runs (a credential, a record's access facts, names) are built
once per shape and cached, their values passed as named parameters: building a SQLAlchemy
statement and its cache key costs more Python time than executing it.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import lru_cache
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection
from sqlalchemy.sql.elements import ColumnElement

from correspondent.domain.access import (
    ACTIVITY_TYPE,
    RecordFacts,
    Role,
    Scope,
    ShareAccess,
    format_privileges,
    parse_privileges,
)
from correspondent.domain.records import USER_TYPE, RecordRef
from correspondent.storage.access_tables import record_shares, roles
from correspondent.storage.tables import activities, activity_parties, records, users


def _table(type_name: str) -> sa.Table:
    return activities if type_name == ACTIVITY_TYPE else records


@dataclass(frozen=True)
class ScopeShape:
    """Which conditions a ``Scope``'s SQL has, without their values: a statement cache key."""

    everything: bool
    nothing: bool
    owner: bool
    units: bool
    shares: bool

    @classmethod
    def of(cls, scope: Scope) -> ScopeShape:
        return cls(
            scope.everything,
            scope.nothing,
            scope.owner_id is not None,
            bool(scope.business_unit_ids),
            scope.shares,
        )


def scope_clause(type_name: str, scope: Scope) -> ColumnElement[bool]:
    """WHERE condition selecting the rows of ``type_name`` that ``scope`` lets through."""
    return scope_condition(type_name, ScopeShape.of(scope), values=scope_params(scope, ""))


def scope_condition(
    type_name: str, shape: ScopeShape, *, prefix: str = "", values: dict[str, Any] | None = None
) -> ColumnElement[bool]:
    """``scope_clause`` for a cached statement: named parameters ``scope_params(scope, prefix)``.

    With ``values`` the parameters carry them instead (anonymous, for a one-off statement).
    """

    def parameter(name: str, expanding: bool = False) -> Any:
        if values is not None:
            return sa.bindparam(None, values[name], expanding=expanding, unique=True)
        return sa.bindparam(prefix + name, expanding=expanding)

    if shape.everything:
        return sa.true()
    if shape.nothing:
        return sa.false()
    table = _table(type_name)
    conditions: list[ColumnElement[bool]] = []
    if shape.owner:
        conditions.append(table.c.owner_id == parameter("owner"))
    if shape.units:
        units = parameter("units", expanding=True)
        if table is activities:
            conditions.append(
                activities.c.owner_id.in_(
                    sa.select(users.c.id).where(users.c.business_unit_id.in_(units))
                )
            )
        else:
            conditions.append(records.c.business_unit_id.in_(units))
    if shape.shares:
        conditions.append(
            table.c.id.in_(
                sa.select(record_shares.c.record_id).where(
                    record_shares.c.user_id == parameter("user"),
                    record_shares.c.record_type == type_name,
                )
            )
        )
    return sa.or_(*conditions)


def scope_params(scope: Scope, prefix: str) -> dict[str, Any]:
    """The values of ``scope_condition(…, prefix=prefix)``'s parameters."""
    return {
        prefix + "owner": scope.owner_id,
        prefix + "units": sorted(scope.business_unit_ids),
        prefix + "user": scope.user_id,
    }


@lru_cache(maxsize=8)
def _facts_query(is_activity: bool) -> sa.Select[Any]:
    source: sa.FromClause
    if is_activity:
        source = activities.join(users, users.c.id == activities.c.owner_id)
        query = sa.select(activities.c.owner_id, users.c.business_unit_id).where(
            activities.c.id == sa.bindparam("record_id")
        )
    else:
        source = records
        query = sa.select(records.c.owner_id, records.c.business_unit_id).where(
            records.c.id == sa.bindparam("record_id"),
            records.c.type == sa.bindparam("record_type"),
        )
    share = sa.and_(
        record_shares.c.record_type == sa.bindparam("record_type"),
        record_shares.c.record_id == sa.bindparam("record_id"),
        record_shares.c.user_id == sa.bindparam("user_id"),
    )
    return query.add_columns(record_shares.c.access).select_from(
        source.outerjoin(record_shares, share)
    )


@lru_cache(maxsize=256)
def _names_query(typed_scopes: tuple[tuple[str, ScopeShape], ...], with_users: bool) -> Any:
    """Names of records of each type (parameters ``{type}_ids`` and the type's scope, prefixed
    ``{type}_``), and users' emails (``user_ids``), as one UNION ALL."""
    parts: list[sa.Select[Any]] = [
        sa.select(records.c.id, records.c.type, records.c.name).where(
            records.c.type == type_name,
            records.c.id.in_(sa.bindparam(f"{type_name}_ids", expanding=True)),
            scope_condition(type_name, shape, prefix=f"{type_name}_"),
        )
        for type_name, shape in typed_scopes
    ]
    if with_users:
        parts.append(
            sa.select(users.c.id, sa.literal_column(f"'{USER_TYPE}'"), users.c.email).where(
                users.c.id.in_(sa.bindparam("user_ids", expanding=True))
            )
        )
    return parts[0] if len(parts) == 1 else sa.union_all(*parts)


class AccessRepository:
    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    # -- roles --------------------------------------------------------------------------------
    def stored_roles(self) -> dict[str, Role]:
        return {
            r.name: Role(r.name, r.description, parse_privileges(r.privileges))
            for r in self.conn.execute(sa.select(roles))
        }

    def save_role(self, role: Role) -> None:
        self.conn.execute(sa.delete(roles).where(roles.c.name == role.name))
        self.conn.execute(
            sa.insert(roles).values(
                name=role.name,
                description=role.description,
                privileges=format_privileges(role.privileges),
                modified_at=datetime.now(UTC),
            )
        )

    # -- facts --------------------------------------------------------------------------------
    def facts(self, ref: RecordRef, user_id: int) -> RecordFacts | None:
        """Owner, business unit and ``user_id``'s share of one record; None if it does not exist.

        One query: the share is an outer join (at most one row, uq_record_shares_once).
        """
        params = {"record_type": ref.type, "record_id": ref.id, "user_id": user_id}
        row = self.conn.execute(_facts_query(ref.type == ACTIVITY_TYPE), params).first()
        if row is None:
            return None
        access = ShareAccess(row.access) if row.access else None
        return RecordFacts(row.owner_id, row.business_unit_id, access)

    def readable(self, refs: Iterable[RecordRef], scopes: dict[str, Scope]) -> set[RecordRef]:
        """Those of ``refs`` that exist and fall in the scope given for their type."""
        by_type: dict[str, set[int]] = defaultdict(set)
        for ref in refs:
            if ref.type in scopes:
                by_type[ref.type].add(ref.id)
        found: set[RecordRef] = set()
        for type_name, ids in by_type.items():
            table = _table(type_name)
            query = sa.select(table.c.id).where(
                table.c.id.in_(sorted(ids)), scope_clause(type_name, scopes[type_name])
            )
            if table is records:
                query = query.where(records.c.type == type_name)
            found |= {RecordRef(type_name, i) for i in self.conn.execute(query).scalars()}
        return found

    def readable_names(
        self, refs: Iterable[RecordRef], scopes: dict[str, Scope], user_ids: Iterable[int]
    ) -> dict[RecordRef, str]:
        """Names of those record ``refs`` in their type's scope, and users' emails: one query."""
        by_type: dict[str, set[int]] = defaultdict(set)
        for ref in refs:
            if ref.type in scopes and ref.type != ACTIVITY_TYPE:
                by_type[ref.type].add(ref.id)
        wanted_users = sorted(set(user_ids))
        if not by_type and not wanted_users:
            return {}
        types = sorted(by_type)
        params: dict[str, Any] = {"user_ids": wanted_users}
        for type_name in types:
            params[f"{type_name}_ids"] = sorted(by_type[type_name])
            params.update(scope_params(scopes[type_name], f"{type_name}_"))
        query = _names_query(
            tuple((t, ScopeShape.of(scopes[t])) for t in types), bool(wanted_users)
        )
        return {RecordRef(t, i): name for i, t, name in self.conn.execute(query, params)}

    # -- shares -------------------------------------------------------------------------------
    def share_of(self, ref: RecordRef, user_id: int) -> ShareAccess | None:
        access = self.conn.execute(
            sa.select(record_shares.c.access).where(
                record_shares.c.record_type == ref.type,
                record_shares.c.record_id == ref.id,
                record_shares.c.user_id == user_id,
            )
        ).scalar_one_or_none()
        return ShareAccess(access) if access else None

    def shares(self, ref: RecordRef) -> list[tuple[int, ShareAccess]]:
        rows = self.conn.execute(
            sa.select(record_shares.c.user_id, record_shares.c.access)
            .where(record_shares.c.record_type == ref.type, record_shares.c.record_id == ref.id)
            .order_by(record_shares.c.user_id)
        )
        return [(r.user_id, ShareAccess(r.access)) for r in rows]

    def share(self, ref: RecordRef, user_id: int, access: ShareAccess, granted_by: int) -> None:
        self.unshare(ref, user_id)
        self.conn.execute(
            sa.insert(record_shares).values(
                record_type=ref.type,
                record_id=ref.id,
                user_id=user_id,
                access=access.value,
                granted_by=granted_by,
                created_at=datetime.now(UTC),
            )
        )

    def unshare(self, ref: RecordRef, user_id: int) -> bool:
        result = self.conn.execute(
            sa.delete(record_shares).where(
                record_shares.c.record_type == ref.type,
                record_shares.c.record_id == ref.id,
                record_shares.c.user_id == user_id,
            )
        )
        return bool(result.rowcount)

    # -- ownership and deletion ---------------------------------------------------------------
    def assign(self, ref: RecordRef, owner_id: int, business_unit_id: int) -> None:
        table = _table(ref.type)
        values: dict[str, object] = {"owner_id": owner_id, "modified_at": datetime.now(UTC)}
        if table is records:
            values["business_unit_id"] = business_unit_id
        self.conn.execute(sa.update(table).where(table.c.id == ref.id).values(**values))

    def delete_record(self, ref: RecordRef) -> None:
        """Delete a CRM record; activities keep their text but lose the links to it."""
        self.conn.execute(
            sa.update(activities)
            .where(activities.c.regarding_type == ref.type, activities.c.regarding_id == ref.id)
            .values(regarding_type=None, regarding_id=None)
        )
        self.conn.execute(
            sa.update(activity_parties)
            .where(
                activity_parties.c.record_type == ref.type,
                activity_parties.c.record_id == ref.id,
            )
            .values(record_type=None, record_id=None, method="no_match")
        )
        self.delete_shares(ref)
        self.conn.execute(sa.delete(records).where(records.c.id == ref.id))

    def delete_shares(self, ref: RecordRef) -> None:
        self.conn.execute(
            sa.delete(record_shares).where(
                record_shares.c.record_type == ref.type, record_shares.c.record_id == ref.id
            )
        )
