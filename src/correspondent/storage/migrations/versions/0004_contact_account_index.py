"""records by type and parent account: an expression index on fields' "account"

Revision ID: 0004
Revises: 0002

An account's timeline looks up its contacts by the ``account`` key of the JSON ``fields``
column; without this index that is a scan of every record. The expression differs by database,
and ``ListingRepository`` spells it exactly the same way, or the planner would not use it:
PostgreSQL ``(fields ->> 'account')`` (text, so no row can make the index fail to build),
SQLite ``json_extract(fields, '$.account')``.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0002"
branch_labels = None
depends_on = None

INDEX = "ix_records_type_account"
EXPRESSIONS = {
    "postgresql": "(fields ->> 'account')",
    "sqlite": "json_extract(fields, '$.account')",
}


def upgrade() -> None:
    expression = EXPRESSIONS[op.get_bind().dialect.name]
    op.create_index(INDEX, "records", ["type", sa.text(expression)])


def downgrade() -> None:
    op.drop_index(INDEX, table_name="records")
