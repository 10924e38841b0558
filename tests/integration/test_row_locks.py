"""Row locks that keep concurrent changes to one activity consistent (PostgreSQL and SQLite).

On SQLite the whole database is locked by a writer; on PostgreSQL these row locks do the work.
Each test holds one transaction open in a thread until the other change is seen waiting for it:
the interleaving a busy server produces by chance, made certain (a fixed pause would let a slow
machine run the two one after the other, and the test would pass without testing the locks).
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Iterator
from datetime import UTC, datetime

import sqlalchemy as sa

from correspondent.bootstrap import Installation
from correspondent.domain.access import OPERATOR
from correspondent.domain.activity import Tracker, TrackerSource
from correspondent.services.activities import queries
from correspondent.services.activities import untrack as untracking
from tests.builders import add_user, address, make_message
from tests.integration.test_tracking import track
from tests.support.waiting import PATIENT, wait_until


def test_untrack_with_delete_waits_for_a_tracker_being_added(installation: Installation) -> None:
    first, second = add_user(installation), add_user(installation)
    activity_id = track(installation, make_message(sender=address()), first.email)["id"]
    holding, release = threading.Event(), threading.Event()

    def add_second_tracker() -> None:
        with installation.uow() as uow:
            assert uow.activities.lock(activity_id, exclusive=False)
            uow.activities.add_tracker(
                activity_id, Tracker(second.id, TrackerSource.FOLDER, datetime.now(UTC))
            )
            holding.set()
            assert release.wait(PATIENT)  # until the untrack below waits for this lock
            uow.commit()

    deleted: list[bool] = []

    def untrack_with_delete() -> None:
        deleted.append(
            untracking.untrack(
                installation.uow,
                installation.blobs,
                OPERATOR,
                activity_id,
                first.email,
                delete_activity=True,
            )
        )

    holder, untracker = threading.Thread(target=add_second_tracker), None
    holder.start()
    try:
        assert holding.wait(PATIENT)
        with _statements_of_other_threads(installation.engine) as statements:
            untracker = threading.Thread(target=untrack_with_delete)
            untracker.start()
            wait_until(lambda: _waits_for_the_lock(installation.engine, statements),
                       what="the untrack to wait for the tracker's lock")  # fmt: skip
        assert untracker.is_alive() and not deleted
    finally:
        release.set()
        holder.join(PATIENT)
        if untracker is not None:
            untracker.join(PATIENT)
    assert deleted == [False]  # it waited, then saw the second user's tracker
    shown = queries.get_activity(installation.uow, OPERATOR, activity_id).as_json()
    assert [t["user"] for t in shown["trackers"]] == [second.email]


@contextlib.contextmanager
def _statements_of_other_threads(engine: sa.Engine) -> Iterator[list[str]]:
    """The SQL that threads other than this one send while the block runs."""
    statements: list[str] = []
    me = threading.get_ident()

    def record(*args: object) -> None:
        if threading.get_ident() != me:
            statements.append(str(args[2]))

    sa.event.listen(engine, "before_cursor_execute", record)
    try:
        yield statements
    finally:
        sa.event.remove(engine, "before_cursor_execute", record)


def _waits_for_the_lock(engine: sa.Engine, statements: list[str]) -> bool:
    """PostgreSQL says when a session waits for a lock; SQLite does not, but a writer that has
    sent BEGIN IMMEDIATE cannot get past it while another write transaction is open."""
    if engine.dialect.name == "postgresql":
        with engine.connect() as conn:
            waiting = conn.exec_driver_sql(
                "SELECT count(*) FROM pg_stat_activity"
                " WHERE datname = current_database() AND wait_event_type = 'Lock'"
            ).scalar_one()
        return bool(waiting)
    return "BEGIN IMMEDIATE" in statements
