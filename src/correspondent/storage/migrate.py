"""Applies the Alembic migrations shipped inside the package.

Importing Alembic and reading every migration script costs more than a small command's whole
work, so ``upgrade_if_needed`` first compares the database's recorded revision with
``HEAD_REVISION`` (one indexed read) and starts Alembic only when they differ.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.engine import Engine

if TYPE_CHECKING:
    from alembic.config import Config

MIGRATIONS_DIR = Path(__file__).with_name("migrations")

HEAD_REVISION = "0008"
"""The newest migration's ``revision``: update it with every new migration.
``tests/integration/test_migrations.py`` fails while it differs from Alembic's head."""


def alembic_config(engine: Engine) -> Config:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.attributes["engine"] = engine
    return config


def upgrade_to_head(engine: Engine) -> None:
    """Bring the schema to the newest revision (safe to call on every start)."""
    from alembic import command

    command.upgrade(alembic_config(engine), "head")


def current_revisions(engine: Engine) -> set[str]:
    """The revisions recorded in the database; empty when it has never been migrated."""
    with engine.connect() as conn:
        if not sa.inspect(conn).has_table("alembic_version"):
            return set()
        return set(conn.exec_driver_sql("SELECT version_num FROM alembic_version").scalars())


def upgrade_if_needed(engine: Engine) -> bool:
    """Migrate unless the database is already at ``HEAD_REVISION``; True when Alembic ran."""
    if current_revisions(engine) == {HEAD_REVISION}:
        return False
    upgrade_to_head(engine)
    return True
