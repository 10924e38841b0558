"""Database engines for SQLite (default, one machine) and PostgreSQL (several workers).

SQLite runs in WAL mode with ``BEGIN IMMEDIATE`` transactions: a unit of work that reads and then
writes would otherwise fail with SQLITE_BUSY when another process wrote in between, and
busy_timeout cannot help a deferred transaction upgrade its lock. Read-only units are the
exception: a deferred ``BEGIN`` with ``PRAGMA query_only``, so they never wait for a writer.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.engine import Engine

READ_ONLY_OPTION = "correspondent_read_only"
"""Execution option of a connection whose transactions only read (see ``SqlUnitOfWork``)."""


def create_database_engine(url: str, **kwargs: Any) -> Engine:
    """Build an engine for ``url`` with the settings Correspondent relies on."""
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url.removeprefix("postgresql://")
    if url.startswith("sqlite"):
        engine = sa.create_engine(url, connect_args={"timeout": 30}, **kwargs)
        _configure_sqlite(engine)
        return engine
    # No pool_pre_ping: it costs a round trip per transaction. A connection lost to a server
    # restart fails its first statement, SQLAlchemy then discards the pool, and callers retry.
    return sa.create_engine(url, **kwargs)


def _configure_sqlite(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Let SQLAlchemy's "begin" event issue BEGIN itself (pysqlite's own is deferred).
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        # A read-only unit of work (READ_ONLY_OPTION) takes no write lock, and its connection
        # refuses writes until a writing transaction begins on it again.
        info = connection.connection.info
        if connection.get_execution_options().get(READ_ONLY_OPTION):
            connection.exec_driver_sql("BEGIN")
            connection.exec_driver_sql("PRAGMA query_only = ON")
            info["query_only"] = True
            return
        if info.pop("query_only", False):
            connection.exec_driver_sql("PRAGMA query_only = OFF")
        connection.exec_driver_sql("BEGIN IMMEDIATE")
