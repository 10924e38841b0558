"""search indexes: records by name and address, activities by subject, body and participant

Revision ID: 0007
Revises: 0006

PostgreSQL: trigram GIN indexes (``pg_trgm``, a trusted extension since PostgreSQL 13) on the
searched columns themselves, so ``ILIKE '%word%'`` is index-backed and the database keeps them up
to date. SQLite: FTS5 tables with the ``trigram`` tokenizer over the same columns (external
content: the text is not stored twice), kept up to date by triggers on the source tables.
Trigrams match any substring of three or more characters, Japanese included (no word breaks).
Creating the indexes backfills them.
"""

from __future__ import annotations

from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

SEARCHED: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("records", ("name",)),
    ("email_addresses", ("address",)),
    ("activities", ("subject", "text_body")),
    ("activity_parties", ("address", "display_name")),
)
"""Each searched table and its searched columns; ``storage/search.py`` queries these."""


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        for table, columns in SEARCHED:
            for column in columns:
                op.execute(
                    f"CREATE INDEX ix_{table}_{column}_trgm ON {table} "
                    f"USING gin ({column} gin_trgm_ops)"
                )
        return
    for table, columns in SEARCHED:
        _create_sqlite_index(table, columns)


def _create_sqlite_index(table: str, columns: tuple[str, ...]) -> None:
    fts = f"{table}_fts"
    names = ", ".join(columns)
    new = ", ".join(f"new.{c}" for c in columns)
    old = ", ".join(f"old.{c}" for c in columns)
    op.execute(
        f"CREATE VIRTUAL TABLE {fts} USING fts5({names}, content='{table}', "
        "content_rowid='id', tokenize='trigram')"
    )
    # An external-content index must be told the old values to forget them.
    forget = f"INSERT INTO {fts}({fts}, rowid, {names}) VALUES ('delete', old.id, {old});"
    learn = f"INSERT INTO {fts}(rowid, {names}) VALUES (new.id, {new});"
    op.execute(f"CREATE TRIGGER {fts}_insert AFTER INSERT ON {table} BEGIN {learn} END")
    op.execute(f"CREATE TRIGGER {fts}_delete AFTER DELETE ON {table} BEGIN {forget} END")
    op.execute(
        f"CREATE TRIGGER {fts}_update AFTER UPDATE OF {names} ON {table} BEGIN {forget} {learn} END"
    )
    op.execute(f"INSERT INTO {fts}({fts}) VALUES ('rebuild')")


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for table, columns in SEARCHED:
            for column in columns:
                op.execute(f"DROP INDEX IF EXISTS ix_{table}_{column}_trgm")
        return
    for table, _columns in SEARCHED:
        for event in ("insert", "delete", "update"):
            op.execute(f"DROP TRIGGER IF EXISTS {table}_fts_{event}")
        op.execute(f"DROP TABLE IF EXISTS {table}_fts")
