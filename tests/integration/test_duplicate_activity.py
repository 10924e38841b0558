"""A second activity with an existing identity key is told apart from other refusals (both
backends): by constraint name and SQLSTATE on PostgreSQL, by SQLite's extended error code."""

from __future__ import annotations

import dataclasses

import pytest
import sqlalchemy as sa

from correspondent.bootstrap import Installation
from correspondent.domain.errors import DuplicateActivity
from correspondent.services.activities.track import MessageTracker, TrackRequest
from tests.builders import add_user, make_message


def _tracked_activity(installation: Installation) -> int:
    user = add_user(installation)
    raw = make_message(sender=user.email)
    tracker = MessageTracker(installation.uow, installation.blobs)
    return tracker.track(TrackRequest(raw, user.email)).activity_id


def test_the_same_identity_key_again_is_a_duplicate(installation: Installation) -> None:
    activity_id = _tracked_activity(installation)
    with installation.uow() as uow:
        stored = uow.activities.get(activity_id)
        assert stored is not None
        again = dataclasses.replace(stored, id=None, parties=[], attachments=[], trackers=[])
        with pytest.raises(DuplicateActivity) as raised:
            uow.activities.add(again)
    assert raised.value.identity_key == stored.identity_key


def test_another_integrity_error_is_not_taken_for_a_duplicate(installation: Installation) -> None:
    activity_id = _tracked_activity(installation)
    with installation.uow() as uow:
        stored = uow.activities.get(activity_id)
        assert stored is not None
        orphan = dataclasses.replace(
            stored,
            id=None,
            identity_key=stored.identity_key + "-other",
            owner_id=2_000_000_000,  # no such user: the foreign key refuses it
            parties=[],
            attachments=[],
            trackers=[],
        )
        with pytest.raises(sa.exc.IntegrityError):
            uow.activities.add(orphan)
