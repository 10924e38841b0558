"""The read-only unit of work that authentication and the timeline use (both backends)."""

from __future__ import annotations

import threading
from typing import Any

import pytest
import sqlalchemy as sa

from correspondent.bootstrap import Installation
from correspondent.storage.tables import business_units
from tests.builders import add_user
from tests.support.waiting import PATIENT


def _ends(installation: Installation) -> tuple[list[str], Any, Any]:
    seen: list[str] = []

    def commit(*_args: Any) -> None:
        seen.append("commit")

    def rollback(*_args: Any) -> None:
        seen.append("rollback")

    return seen, commit, rollback


def test_a_read_only_unit_ends_with_commit_and_a_database_error_rolls_back(
    installation: Installation,
) -> None:
    # psycopg discards its prepared statements on every ROLLBACK; a read that ends with one
    # plans its statements afresh on every request.
    user = add_user(installation)
    seen, commit, rollback = _ends(installation)
    sa.event.listen(installation.engine, "commit", commit)
    sa.event.listen(installation.engine, "rollback", rollback)
    try:
        with installation.uow.read_only() as uow:
            assert uow.directory.user(user.id) is not None
        assert seen == ["commit"]
        seen.clear()
        # A service refusing something (a revoked token, say) has nothing to undo either.
        with pytest.raises(LookupError), installation.uow.read_only() as uow:
            uow.directory.user(user.id)
            raise LookupError("a service refusing the request")
        assert seen == ["commit"]
        seen.clear()
        # A database error may have aborted the transaction: that one rolls back.
        with pytest.raises(sa.exc.DBAPIError), installation.uow.read_only() as uow:
            uow.directory.conn.execute(sa.text("SELECT * FROM no_such_table"))
        assert seen == ["rollback"]
    finally:
        sa.event.remove(installation.engine, "commit", commit)
        sa.event.remove(installation.engine, "rollback", rollback)


def test_a_write_in_a_read_only_unit_fails_and_stores_nothing(
    installation: Installation,
) -> None:
    read_only = installation.uow.read_only()
    with (
        pytest.raises(sa.exc.DBAPIError, match=r"read-only transaction|readonly"),
        read_only as uow,
    ):
        uow.directory.conn.execute(sa.insert(business_units).values(name="Sneaky"))
    # The next unit of work on the (pooled) connection writes as usual.
    with installation.uow() as uow:
        uow.directory.conn.execute(sa.insert(business_units).values(name="Open"))
        uow.commit()
    with installation.uow.read_only() as uow:
        names = uow.directory.conn.execute(sa.select(business_units.c.name)).scalars().all()
    assert "Sneaky" not in names and "Open" in names


def test_a_read_only_unit_does_not_wait_for_a_writer(installation: Installation) -> None:
    # SQLite: a deferred BEGIN; BEGIN IMMEDIATE would wait for the writer's lock (busy_timeout).
    user = add_user(installation)
    writing, done, gave_up = threading.Event(), threading.Event(), threading.Event()

    def hold_a_write_transaction() -> None:
        with installation.uow() as uow:
            uow.directory.conn.execute(sa.insert(business_units).values(name="Slow"))
            writing.set()
            # Held until the read below has finished; a read that waited for this lock would
            # only get it once this wait gave up (no clock to judge: a busy machine is slow).
            if not done.wait(PATIENT):
                gave_up.set()
            uow.commit()

    writer = threading.Thread(target=hold_a_write_transaction)
    writer.start()
    try:
        assert writing.wait(PATIENT)
        with installation.uow.read_only() as uow:
            assert uow.directory.user(user.id) is not None
        assert not gave_up.is_set()
    finally:
        done.set()
        writer.join()
