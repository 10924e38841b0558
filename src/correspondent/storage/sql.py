"""Small SQL helpers shared by the repositories (dialect-aware upserts)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection


def _dialect_insert(conn: Connection) -> Any:
    # Imported on use: the PostgreSQL dialect costs ~35 ms at import, which every CLI command on
    # SQLite would otherwise pay.
    if conn.dialect.name == "postgresql":
        from sqlalchemy.dialects import postgresql

        return postgresql.insert
    from sqlalchemy.dialects import sqlite

    return sqlite.insert


def insert_ignoring_duplicates(
    conn: Connection, table: sa.Table, values: dict[str, Any], conflict_columns: list[str]
) -> bool:
    """INSERT … ON CONFLICT DO NOTHING; True when a row was inserted."""
    insert = _dialect_insert(conn)
    key = table.c[conflict_columns[0]]
    # RETURNING, not rowcount: psycopg reports -1 for this statement, which read as "inserted".
    stmt = insert(table).on_conflict_do_nothing(index_elements=conflict_columns).returning(key)
    return conn.execute(stmt, values).first() is not None


def upsert_increment(
    conn: Connection, table: sa.Table, rows: list[dict[str, Any]], key: str, counter: str
) -> None:
    """INSERT the rows, or add their ``counter`` to the existing one (taking the row locks).

    One statement for all rows; callers pass them sorted by key so concurrent transactions lock
    shared rows in the same order.
    """
    if not rows:
        return
    insert = _dialect_insert(conn)
    stmt = insert(table)
    # Values go in as parameters (executemany), so the compiled statement is cached; a
    # multi-row VALUES clause would be compiled afresh for every call.
    stmt = stmt.on_conflict_do_update(
        index_elements=[key], set_={counter: table.c[counter] + stmt.excluded[counter]}
    )
    conn.execute(stmt, rows)


def upsert_rows(
    conn: Connection,
    table: sa.Table,
    rows: Sequence[dict[str, Any]],
    conflict_columns: list[str],
    *,
    replace: Sequence[str],
    constants: Mapping[str, Any],
) -> None:
    """INSERT the rows; where a row with the same ``conflict_columns`` exists, set its
    ``replace`` columns to the new row's values and its ``constants`` columns to those values.

    One statement executed for all rows (psycopg pipelines them), not a round trip per row.
    """
    if not rows:
        return
    insert = _dialect_insert(conn)
    stmt = insert(table)
    set_: dict[str, Any] = {column: stmt.excluded[column] for column in replace}
    set_.update(constants)
    conn.execute(stmt.on_conflict_do_update(index_elements=conflict_columns, set_=set_), rows)
