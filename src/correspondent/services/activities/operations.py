"""Tracking a message for a user, reading one activity and listing activities, as an actor.

Tracking a message that is already an activity adds the user's tracker (BEHAVIOUR §1) but gives
them no access they did not have: if they may not read the activity (it belongs to a colleague
whose activities their roles do not cover), the answer says the message is tracked and nothing
else — no id, no content, no link. Their tracker still counts, so the activity is not deleted
while they track it. A regarding record they ask for is applied only if they may write the
activity.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from correspondent.domain.access import ACTIVITY_TYPE, Actor, Operation, may, scope
from correspondent.domain.errors import NotFound
from correspondent.domain.records import RecordRef
from correspondent.domain.users import User
from correspondent.services.access import authorize, authorize_create, describe, readable_refs
from correspondent.services.activities.track import MessageTracker, TrackRequest
from correspondent.services.activities.views import full_view, summary_views
from correspondent.services.paging import Page, check_limit, decode_cursor, encode_cursor
from correspondent.services.ports import UnitOfWorkFactory


def _ref(activity_id: int) -> RecordRef:
    return RecordRef(ACTIVITY_TYPE, activity_id)


def track(
    tracker: MessageTracker,
    actor: Actor,
    user: User,
    raw: bytes,
    regarding: RecordRef | None = None,
) -> tuple[bool, dict[str, Any] | None]:
    """Track ``raw`` for ``user``; returns (created, the activity view or None if not readable)."""
    authorize_create(actor, ACTIVITY_TYPE, user)
    result = tracker.track(TrackRequest(raw, user.email, regarding, origin="api", actor=actor))
    with tracker.uow_factory() as uow:
        facts = uow.access.facts(_ref(result.activity_id), actor.user_id)
        if facts is None or not may(actor, ACTIVITY_TYPE, Operation.READ, facts):
            return result.created, None
        activity = uow.activities.get(result.activity_id)
        assert activity is not None
        return result.created, full_view(uow, actor, activity)


def get_activity(uow_factory: UnitOfWorkFactory, actor: Actor, activity_id: int) -> dict[str, Any]:
    with uow_factory() as uow:
        authorize(uow, actor, _ref(activity_id), Operation.READ)
        activity = uow.activities.get(activity_id)
        if activity is None:
            raise NotFound(describe(_ref(activity_id)))
        return full_view(uow, actor, activity)


@dataclass(frozen=True)
class ActivityFilter:
    regarding: RecordRef | None = None
    party: RecordRef | None = None
    owner_id: int | None = None
    sent_after: datetime | None = None
    sent_before: datetime | None = None


def list_activities(
    uow_factory: UnitOfWorkFactory,
    actor: Actor,
    wanted: ActivityFilter,
    *,
    cursor: str | None = None,
    limit: int = 50,
) -> Page:
    check_limit(limit)
    before = decode_cursor(cursor)[1] if cursor else None
    with uow_factory() as uow:
        for ref in (wanted.regarding, wanted.party):
            if ref is not None and ref not in readable_refs(uow, actor, [ref]):
                raise NotFound(describe(ref))
        items = uow.listing.activity_page(
            scope(actor, ACTIVITY_TYPE),
            regarding=wanted.regarding,
            party=wanted.party,
            owner_id=wanted.owner_id,
            sent_after=wanted.sent_after,
            sent_before=wanted.sent_before,
            before_id=before,
            limit=limit,
        )
        views = summary_views(uow, actor, items)
    return Page(views, encode_cursor(None, items[-1].id) if len(items) == limit else None)
