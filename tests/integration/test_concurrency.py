"""Two processes tracking the same message at the same moment make one activity.

Real processes against real PostgreSQL (and SQLite): the unique identity key decides, not timing.
"""

from __future__ import annotations

import multiprocessing
from pathlib import Path

import sqlalchemy as sa

from correspondent.bootstrap import Installation, build
from correspondent.config import Settings
from correspondent.services.activities.track import MessageTracker, TrackRequest
from correspondent.storage.tables import activities, activity_trackers
from tests.builders import add_user, address, make_message

WORKERS = 6


def _track_at_once(
    database_url: str,
    data_dir: str,
    raws: list[bytes],
    user: str,
    batch: bool,
    barrier: multiprocessing.synchronize.Barrier,
) -> None:  # type: ignore[name-defined]
    inst = build(Settings(data_dir=Path(data_dir), database_url=database_url), migrate=False)
    tracker = MessageTracker(inst.uow, inst.blobs)
    barrier.wait()
    if not batch:
        for raw in raws:
            tracker.track(TrackRequest(raw, user))
    else:  # batches fall back to one by one when another process got there first
        for start in range(0, len(raws), 5):
            outcomes = tracker.track_batch([TrackRequest(r, user) for r in raws[start : start + 5]])
            assert all(not isinstance(o, Exception) for o in outcomes), outcomes
    inst.close()


def test_concurrent_tracking_makes_one_activity(
    installation: Installation, database_url: str
) -> None:
    users = [add_user(installation).email for _ in range(WORKERS)]
    raws = [
        make_message(
            sender=address(),
            subject=f"race {i}",
            attachments=[("same.pdf", "application/pdf", b"%PDF shared")],
        )
        for i in range(15)
    ]
    ctx = multiprocessing.get_context("spawn")
    barrier = ctx.Barrier(WORKERS)
    procs = [
        ctx.Process(
            target=_track_at_once,
            args=(database_url, str(installation.settings.data_dir), raws, u, i % 2 == 0, barrier),
        )
        for i, u in enumerate(users)
    ]
    for p in procs:
        p.start()
    for p in procs:
        p.join(120)
    assert [p.exitcode for p in procs] == [0] * WORKERS
    with installation.engine.connect() as conn:
        assert conn.execute(sa.select(sa.func.count()).select_from(activities)).scalar() == 15
        per_activity = (
            conn.execute(
                sa.select(sa.func.count())
                .select_from(activity_trackers)
                .group_by(activity_trackers.c.activity_id)
            )
            .scalars()
            .all()
        )
    assert per_activity == [WORKERS] * 15
    # 15 raw messages + 1 shared attachment, each stored once
    assert len(installation.blobs.all_digests()) == 16
