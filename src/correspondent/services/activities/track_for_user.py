"""Tracking a message for a user at an actor's request, and saying truthfully what happened.

Tracking a message that is already an activity adds the user's tracker (BEHAVIOUR §1) but gives
them no access they did not have: if they may not read the activity (it belongs to a colleague
whose activities their roles do not cover), the answer says the message is tracked and nothing
else — no id, no content, no link. Their tracker still counts, so the activity is not deleted
while they track it. A regarding record they ask for is applied only if they may write the
activity.
"""

from __future__ import annotations

from dataclasses import dataclass

from correspondent.domain.access import ACTIVITY_TYPE, Actor, Operation, may
from correspondent.domain.records import RecordRef
from correspondent.domain.users import User
from correspondent.services.access import authorize_create
from correspondent.services.activities.track import MessageTracker, TrackRequest, TrackResult
from correspondent.services.activities.views import DOCUMENTED, ActivityView, full_view


def outcome_message(result: TrackResult, *, readable: bool = True) -> str:
    """What tracking did, in words: only what really changed."""
    if result.created:
        return "Tracked as a new activity."
    if not readable:
        if result.tracker_added:
            return (
                "The message was already tracked by a colleague; your tracking was recorded, "
                "but the activity is not visible to you."
            )
        return "You already track this message; the activity is not visible to you."
    if result.tracker_added:
        added = "Already tracked; tracker added"
        return f"{added} and regarding record set." if result.regarding_changed else f"{added}."
    if result.regarding_changed:
        return "Already tracked by you; regarding record set."
    return "Already tracked by you; nothing changed."


@dataclass(frozen=True)
class TrackedMessage:
    """The answer to tracking a message for a user (the API's ``POST /track``)."""

    __pydantic_config__ = DOCUMENTED

    created: bool
    """A new activity was created (HTTP 201)."""
    tracker_added: bool
    """The user's tracker was added; false when they already tracked the message."""
    readable: bool
    """The user may read the activity (if not, it is a colleague's and ``activity`` is null)."""
    activity: ActivityView | None
    """The activity as the actor sees it; None when they may not read it."""
    message: str
    """What happened, in words."""


def track_for_user(
    tracker: MessageTracker,
    actor: Actor,
    user: User,
    raw: bytes,
    regarding: RecordRef | None = None,
) -> TrackedMessage:
    """Track ``raw`` for ``user`` (the actor must be allowed to track for them)."""
    authorize_create(actor, ACTIVITY_TYPE, user)
    result = tracker.track(TrackRequest(raw, user.email, regarding, origin="api", actor=actor))
    with tracker.uow_factory() as uow:
        facts = uow.access.facts(RecordRef(ACTIVITY_TYPE, result.activity_id), actor.user_id)
        view = None
        if facts is not None and may(actor, ACTIVITY_TYPE, Operation.READ, facts):
            activity = uow.activities.get(result.activity_id)
            assert activity is not None
            view = full_view(uow, actor, activity)
    readable = view is not None
    return TrackedMessage(
        result.created,
        result.tracker_added,
        readable,
        view,
        outcome_message(result, readable=readable),
    )
