"""Row locks that keep concurrent changes to one activity consistent (PostgreSQL and SQLite).

On SQLite the whole database is locked by a writer; on PostgreSQL these row locks do the work.
Each test holds one transaction open in a thread while the other change runs, the interleaving
a busy server produces by chance.
"""

from __future__ import annotations

import threading
import time
from datetime import UTC, datetime

from correspondent.bootstrap import Installation
from correspondent.domain.access import OPERATOR
from correspondent.domain.activity import Tracker, TrackerSource
from correspondent.services.activities import queries
from correspondent.services.activities import untrack as untracking
from tests.builders import add_user, address, make_message
from tests.integration.test_tracking import track


def test_untrack_with_delete_waits_for_a_tracker_being_added(installation: Installation) -> None:
    first, second = add_user(installation), add_user(installation)
    activity_id = track(installation, make_message(sender=address()), first.email)["id"]
    holding = threading.Event()

    def add_second_tracker() -> None:
        with installation.uow() as uow:
            assert uow.activities.lock(activity_id, exclusive=False)
            uow.activities.add_tracker(
                activity_id, Tracker(second.id, TrackerSource.FOLDER, datetime.now(UTC))
            )
            holding.set()
            time.sleep(0.5)  # the untrack below starts meanwhile
            uow.commit()

    thread = threading.Thread(target=add_second_tracker)
    thread.start()
    assert holding.wait(10)
    deleted = untracking.untrack(
        installation.uow,
        installation.blobs,
        OPERATOR,
        activity_id,
        first.email,
        delete_activity=True,
    )
    thread.join(10)
    assert not deleted  # it waited, then saw the second user's tracker
    shown = queries.get_activity(installation.uow, OPERATOR, activity_id).as_json()
    assert [t["user"] for t in shown["trackers"]] == [second.email]
