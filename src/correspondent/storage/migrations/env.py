"""Alembic environment: the engine is handed in by ``storage.migrate`` (no ini file)."""

from __future__ import annotations

from alembic import context

import correspondent.storage.mailbox_tables  # noqa: F401  (registers the sync's tables)
from correspondent.storage.tables import metadata

engine = context.config.attributes["engine"]
with engine.begin() as connection:
    context.configure(
        connection=connection,
        target_metadata=metadata,
        render_as_batch=connection.dialect.name == "sqlite",
    )
    context.run_migrations()
