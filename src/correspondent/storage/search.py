"""Full-text search of records and activities, index-backed on both databases.

Migration 0007 made the indexes: trigram GIN indexes on PostgreSQL (``ILIKE '%word%'`` uses
them) and FTS5 ``trigram`` tables on SQLite (``MATCH '"word"'``), kept by triggers. A trigram
index finds any substring of three or more characters, so Japanese text, which has no spaces
between words, is found by any three of its characters.

Each word must occur somewhere (name or an address; subject, body or a participant): one
subquery per word, all of them required. The access scope is part of the same statement, so rows
the user may not read are never returned. Statements are built once per shape (dialect, number of
words, scope shapes) and cached, their values passed as named parameters.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection
from sqlalchemy.sql.elements import ColumnElement

from correspondent.domain.access import Scope
from correspondent.domain.activity import ActivitySummary
from correspondent.domain.records import RecordRef
from correspondent.storage.access_repository import ScopeShape, scope_condition, scope_params
from correspondent.storage.activity_rows import SUMMARY_COLUMNS, summary_of
from correspondent.storage.tables import activities, activity_parties, email_addresses, records


def records_matching(
    conn: Connection, scopes: dict[str, Scope], words: Sequence[str], limit: int
) -> list[RecordRef]:
    types = tuple(sorted(t for t, s in scopes.items() if not s.nothing))
    if not types or not words:
        return []
    dialect = conn.dialect.name
    _plan_for_these_words(conn)
    shape = tuple((t, ScopeShape.of(scopes[t])) for t in types)
    params: dict[str, Any] = {"limit": limit, **_word_params(dialect, words)}
    for type_name in types:
        params.update(scope_params(scopes[type_name], f"{type_name}_"))
    rows = conn.execute(_records_query(dialect, len(words), shape), params)
    return [RecordRef(r.type, r.id) for r in rows]


def activities_matching(
    conn: Connection, scope: Scope, words: Sequence[str], limit: int
) -> list[ActivitySummary]:
    if scope.nothing or not words:
        return []
    dialect = conn.dialect.name
    _plan_for_these_words(conn)
    params = {"limit": limit, **_word_params(dialect, words), **scope_params(scope, "scope_")}
    query = _activities_query(dialect, len(words), ScopeShape.of(scope))
    return [summary_of(r) for r in conn.execute(query, params)]


def _plan_for_these_words(conn: Connection) -> None:
    """Plan the search statements for the words given, not once for all (PostgreSQL).

    psycopg prepares a statement run often, and PostgreSQL then may reuse one generic plan that
    cannot know how common the word is: a rare word wants the trigram index, a common one a walk
    down the primary key that stops after ``limit`` matches. Until the transaction ends.
    """
    if conn.dialect.name == "postgresql":
        conn.exec_driver_sql("SET LOCAL plan_cache_mode = force_custom_plan")


def _word_params(dialect: str, words: Sequence[str]) -> dict[str, str]:
    if dialect == "postgresql":
        return {f"word_{i}": f"%{_escape_like(w)}%" for i, w in enumerate(words)}
    # An FTS5 string in double quotes is one phrase: its characters, never query syntax.
    return {f"word_{i}": '"' + w.replace('"', '""') + '"' for i, w in enumerate(words)}


def _escape_like(word: str) -> str:
    return word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


@dataclass(frozen=True)
class _Searched:
    """One searched table: its id column, what a match stands for, and its searched columns."""

    table: sa.Table
    result: sa.Column[Any]
    columns: tuple[str, ...]


RECORD_NAMES = _Searched(records, records.c.id, ("name",))
RECORD_ADDRESSES = _Searched(email_addresses, email_addresses.c.record_id, ("address",))
ACTIVITY_TEXT = _Searched(activities, activities.c.id, ("subject", "text_body"))
ACTIVITY_PARTIES = _Searched(
    activity_parties, activity_parties.c.activity_id, ("address", "display_name")
)


def _containing(dialect: str, searched: _Searched, parameter: str) -> sa.Select[Any]:
    """Ids (of ``searched.result``) of the rows where a column contains the word ``parameter``."""
    table = searched.table
    word_param: sa.BindParameter[str] = sa.bindparam(parameter, type_=sa.String)
    if dialect == "postgresql":
        condition: ColumnElement[bool] = sa.or_(
            *(table.c[c].ilike(word_param, escape="\\") for c in searched.columns)
        )
    else:
        fts = f"{table.name}_fts"
        matches: sa.Select[Any] = (
            sa.select(sa.literal_column("rowid"))
            .select_from(sa.table(fts))
            .where(sa.literal_column(fts).match(word_param))
        )
        condition = table.c.id.in_(matches)
    return sa.select(searched.result.label("id")).where(condition)


def _containing_any(
    dialect: str, parts: Sequence[_Searched], parameter: str
) -> sa.CompoundSelect[Any]:
    return sa.union(*(_containing(dialect, part, parameter) for part in parts))


@lru_cache(maxsize=64)
def _records_query(
    dialect: str, word_count: int, scopes: tuple[tuple[str, ScopeShape], ...]
) -> sa.Select[Any]:
    readable = sa.or_(
        *(
            sa.and_(records.c.type == t, scope_condition(t, shape, prefix=f"{t}_"))
            for t, shape in scopes
        )
    )
    query = sa.select(records.c.id, records.c.type).where(readable)
    for i in range(word_count):
        query = query.where(
            records.c.id.in_(
                _containing_any(dialect, (RECORD_NAMES, RECORD_ADDRESSES), f"word_{i}")
            )
        )
    return query.order_by(records.c.name, records.c.id).limit(sa.bindparam("limit"))


@lru_cache(maxsize=64)
def _activities_query(dialect: str, word_count: int, scope: ScopeShape) -> sa.Select[Any]:
    if dialect == "postgresql" and word_count == 1:
        return _newest_containing_one_word(scope)
    query = sa.select(*SUMMARY_COLUMNS).where(scope_condition("activity", scope, prefix="scope_"))
    for i in range(word_count):
        query = query.where(
            activities.c.id.in_(
                _containing_any(dialect, (ACTIVITY_TEXT, ACTIVITY_PARTIES), f"word_{i}")
            )
        )
    return query.order_by(activities.c.id.desc()).limit(sa.bindparam("limit"))


def _newest_containing_one_word(scope: ScopeShape) -> sa.Select[Any]:
    """One word on PostgreSQL: the newest readable matches of the activity's own text, and
    those of its participants, each found by a query on one table, then merged.

    On one table, ordered by id and limited, the planner chooses per word: the trigram index
    for a rare word, or walking the primary key backwards and testing each row for a common
    one, stopping after ``limit`` readable matches. As one ``IN (… UNION …)`` set (the general
    form) it has to find and sort every match first: 1.3 s for a word in one activity in eight
    at 100,000 activities (docs/benchmarks.md).
    """
    readable = scope_condition("activity", scope, prefix="scope_")
    word: sa.BindParameter[str] = sa.bindparam("word_0", type_=sa.String)
    limit: sa.BindParameter[int] = sa.bindparam("limit", type_=sa.Integer)
    own_text = (
        sa.select(activities.c.id)
        .where(
            readable,
            sa.or_(*(activities.c[c].ilike(word, escape="\\") for c in ACTIVITY_TEXT.columns)),
        )
        .order_by(activities.c.id.desc())
        .limit(limit)
        .subquery()
    )
    participants = (
        sa.select(activities.c.id)
        .distinct()
        .join(activity_parties, activity_parties.c.activity_id == activities.c.id)
        .where(
            readable,
            sa.or_(
                *(activity_parties.c[c].ilike(word, escape="\\") for c in ACTIVITY_PARTIES.columns)
            ),
        )
        .order_by(activities.c.id.desc())
        .limit(limit)
        .subquery()
    )
    candidates = sa.union(sa.select(own_text.c.id), sa.select(participants.c.id)).subquery()
    return (
        sa.select(*SUMMARY_COLUMNS)
        .where(activities.c.id.in_(sa.select(candidates.c.id)))
        .order_by(activities.c.id.desc())
        .limit(limit)
    )
