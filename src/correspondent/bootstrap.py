"""Wires an installation together from its settings: engine, schema, blob store, services."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.engine import Engine

from correspondent.config import Settings
from correspondent.storage.blobs import FileBlobStore
from correspondent.storage.engine import create_database_engine
from correspondent.storage.migrate import upgrade_if_needed
from correspondent.storage.unit_of_work import SqlUnitOfWorkFactory


@dataclass
class Installation:
    settings: Settings
    engine: Engine
    uow: SqlUnitOfWorkFactory
    blobs: FileBlobStore

    def close(self) -> None:
        self.engine.dispose()


def build(settings: Settings, *, migrate: bool = True) -> Installation:
    """Create the data dir, connect, and (by default) bring the schema up to date."""
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    engine = create_database_engine(settings.resolved_database_url())
    if migrate:
        upgrade_if_needed(engine)
    return Installation(
        settings, engine, SqlUnitOfWorkFactory(engine), FileBlobStore(settings.blob_dir)
    )
