"""Small SQL helpers shared by the repositories (dialect-aware upserts)."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection


def insert_ignoring_duplicates(
    conn: Connection, table: sa.Table, values: dict[str, Any], conflict_columns: list[str]
) -> bool:
    """INSERT … ON CONFLICT DO NOTHING; True when a row was inserted."""
    stmt: Any
    if conn.dialect.name == "postgresql":
        stmt = postgresql.insert(table).values(**values)
    else:
        stmt = sqlite.insert(table).values(**values)
    stmt = stmt.on_conflict_do_nothing(index_elements=conflict_columns)
    result = conn.execute(stmt)
    return bool(result.rowcount)


def upsert_increment(
    conn: Connection, table: sa.Table, values: dict[str, Any], key: str, counter: str
) -> None:
    """INSERT the row, or add one to ``counter`` when ``key`` exists (taking its row lock)."""
    stmt: Any
    if conn.dialect.name == "postgresql":
        stmt = postgresql.insert(table).values(**values)
    else:
        stmt = sqlite.insert(table).values(**values)
    stmt = stmt.on_conflict_do_update(index_elements=[key], set_={counter: table.c[counter] + 1})
    conn.execute(stmt)
