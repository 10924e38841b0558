"""A message that could not be parsed *now* (the machine too busy) is deferred, not quarantined:
nothing is stored, and the same bytes track once the machine has time (issue 8, point 5)."""

from __future__ import annotations

import pytest

from correspondent.bootstrap import Installation
from correspondent.domain.access import OPERATOR
from correspondent.domain.errors import MessageDeferred
from correspondent.mail.limits import ParseLimits
from correspondent.services.activities.queries import ActivityFilter, list_activities
from correspondent.services.activities.track import MessageTracker, TrackRequest, TrackResult
from tests.builders import add_user, address, make_message

# An elapsed-time limit of zero is passed at the first check: what a starved machine looks like.
STARVED = ParseLimits(elapsed_limit_seconds=0)


def _quarantine_size(installation: Installation) -> int:
    with installation.uow() as uow:
        return len(uow.quarantine.list(limit=100))


def test_a_deferred_message_is_not_quarantined_and_tracks_later(
    installation: Installation,
) -> None:
    user = add_user(installation)
    raw = make_message(sender=address(), to=[user.email], subject="later")
    with pytest.raises(MessageDeferred, match="too busy"):
        MessageTracker(installation.uow, installation.blobs, STARVED).track(
            TrackRequest(raw, user.email)
        )
    assert _quarantine_size(installation) == 0
    assert list_activities(installation.uow, OPERATOR, ActivityFilter()).items == []

    result = MessageTracker(installation.uow, installation.blobs).track(
        TrackRequest(raw, user.email)
    )
    assert result.created


def test_a_batch_reports_deferred_messages_as_such(installation: Installation) -> None:
    user = add_user(installation)
    requests = [
        TrackRequest(make_message(sender=address(), subject=f"m{i}"), user.email) for i in range(3)
    ]
    outcomes = MessageTracker(installation.uow, installation.blobs, STARVED).track_batch(requests)
    assert all(isinstance(outcome, MessageDeferred) for outcome in outcomes), outcomes
    assert _quarantine_size(installation) == 0
    again = MessageTracker(installation.uow, installation.blobs).track_batch(requests)
    assert all(isinstance(outcome, TrackResult) and outcome.created for outcome in again)
