"""The migration history is one line ending at a single head, and it matches the tables."""

from __future__ import annotations

from pathlib import Path

import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory

from correspondent.bootstrap import Installation
from correspondent.services.activities.track import MessageTracker, TrackRequest
from correspondent.storage.engine import create_database_engine
from correspondent.storage.migrate import (
    HEAD_REVISION,
    alembic_config,
    current_revisions,
    upgrade_if_needed,
)
from correspondent.storage.tables import activities, activity_trackers, metadata
from tests.builders import add_user, address, make_message


def test_single_head(installation: Installation) -> None:
    script = ScriptDirectory.from_config(alembic_config(installation.engine))
    assert len(script.get_heads()) == 1


def test_migrated_schema_matches_the_declared_tables(installation: Installation) -> None:
    with installation.engine.connect() as conn:
        context = MigrationContext.configure(conn)
        assert context.get_current_heads() == tuple(
            ScriptDirectory.from_config(alembic_config(installation.engine)).get_heads()
        )
        differences = compare_metadata(context, metadata)
    # The contact-account index is an expression index written per database in migration 0004,
    # and the search indexes (0007) are PostgreSQL trigram indexes or SQLite FTS5 tables: the
    # declared tables cannot spell them for both, so they are the expected differences.
    unexpected = [d for d in differences if not _written_per_database(d)]
    assert unexpected == []


def _written_per_database(difference: tuple[object, ...]) -> bool:
    kind, item = difference[0], difference[1]
    if kind == "remove_index":
        name = str(getattr(item, "name", ""))
        return name == "ix_records_type_account" or name.endswith("_trgm")
    return kind == "remove_table" and "_fts" in str(getattr(item, "name", ""))


def test_head_revision_constant_is_alembics_head(installation: Installation) -> None:
    # The CLI skips Alembic when the database is at HEAD_REVISION; a stale constant would
    # leave a new migration unapplied. Adding a migration means updating the constant.
    script = ScriptDirectory.from_config(alembic_config(installation.engine))
    assert script.get_current_head() == HEAD_REVISION


def test_upgrade_if_needed_runs_alembic_only_when_behind(tmp_path: Path) -> None:
    engine = create_database_engine(f"sqlite:///{tmp_path / 'fresh.sqlite3'}")
    try:
        assert current_revisions(engine) == set()
        assert upgrade_if_needed(engine) is True
        assert current_revisions(engine) == {HEAD_REVISION}
        assert upgrade_if_needed(engine) is False
    finally:
        engine.dispose()


def test_0006_marks_activities_nobody_tracks_as_untracked(installation: Installation) -> None:
    from alembic import command

    tracker = MessageTracker(installation.uow, installation.blobs)
    user = add_user(installation)
    kept = tracker.track(TrackRequest(make_message(sender=address("c")), user.email))
    tracked = tracker.track(TrackRequest(make_message(sender=address("c")), user.email))
    config = alembic_config(installation.engine)
    command.downgrade(config, "0005")
    with installation.engine.begin() as conn:  # what untracking left behind before 0006
        conn.execute(
            sa.delete(activity_trackers).where(activity_trackers.c.activity_id == kept.activity_id)
        )
    command.upgrade(config, "head")
    with installation.engine.connect() as conn:
        rows = conn.execute(sa.select(activities.c.id, activities.c.status))
        status = {row.id: row.status for row in rows}
    assert status == {kept.activity_id: "untracked", tracked.activity_id: "tracked"}
