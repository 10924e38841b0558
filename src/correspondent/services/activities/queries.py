"""Reading one activity and listing activities, as an actor may see them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from correspondent.domain.access import ACTIVITY_TYPE, Actor, Operation, scope
from correspondent.domain.activity import ActivitySummary, Direction, identity_key
from correspondent.domain.errors import InvalidInput, NotFound
from correspondent.domain.records import RecordRef
from correspondent.domain.settings import OrgSettings
from correspondent.services.access import authorize, describe, readable_refs
from correspondent.services.activities.views import (
    ActivitySummaryView,
    ActivityView,
    full_view,
    page_of,
    summary_views,
)
from correspondent.services.paging import Page, check_limit, decode_cursor
from correspondent.services.ports import UnitOfWork, UnitOfWorkFactory


def _ref(activity_id: int) -> RecordRef:
    return RecordRef(ACTIVITY_TYPE, activity_id)


def get_activity(uow_factory: UnitOfWorkFactory, actor: Actor, activity_id: int) -> ActivityView:
    with uow_factory() as uow:
        authorize(uow, actor, _ref(activity_id), Operation.READ)
        activity = uow.activities.get(activity_id)
        if activity is None:
            raise NotFound(describe(_ref(activity_id)))
        return full_view(uow, actor, activity)


def find_by_message_id(
    uow_factory: UnitOfWorkFactory,
    actor: Actor,
    message_id: str,
    direction: Direction | None = None,
) -> ActivityView:
    """The activity of the message with this Internet Message-ID, as a mail client's pane
    shows it (an add-on knows the open message by its Message-ID, not by our id).

    Where the organisation keeps incoming and outgoing copies apart, ``direction`` picks one;
    without it the outgoing copy is preferred, then the incoming. Unknown and unreadable
    activities answer the same NotFound, so the answer never confirms that a message is tracked.
    """
    if not message_id.strip().strip("<>").strip():
        raise InvalidInput("Give the message's Message-ID, e.g. <abc@example.com>.")
    not_found = NotFound("No tracked message that you may read has this Message-ID.")
    with uow_factory() as uow:
        org = OrgSettings.from_stored(uow.settings.org())
        directions = [direction] if direction else [Direction.OUTGOING, Direction.INCOMING]
        keys = [
            identity_key(
                message_id, d, b"", split_by_direction=org.tracking_internal_as_two_activities
            )
            for d in directions
        ]
        found = uow.activities.ids_for_identities(list(dict.fromkeys(keys)))
        ids = [found[k] for k in dict.fromkeys(keys) if k in found]
        visible = readable_refs(uow, actor, [_ref(i) for i in ids])
        for activity_id in ids:
            if _ref(activity_id) in visible:
                activity = uow.activities.get(activity_id)
                if activity is not None:
                    return full_view(uow, actor, activity)
        raise not_found


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
) -> Page[ActivitySummaryView]:
    """One page of the activities the actor may read, newest first, a few columns each."""
    with uow_factory() as uow:
        items, next_cursor = _page(uow, actor, wanted, cursor, limit)
        return Page(summary_views(uow, actor, items), next_cursor)


def list_activities_in_full(
    uow_factory: UnitOfWorkFactory,
    actor: Actor,
    wanted: ActivityFilter,
    *,
    cursor: str | None = None,
    limit: int = 50,
) -> Page[ActivityView]:
    """The same page, each activity in full without its bodies (the CLI's ``activity list``)."""
    with uow_factory() as uow:
        items, next_cursor = _page(uow, actor, wanted, cursor, limit)
        views = []
        for item in items:
            activity = uow.activities.get(item.id)
            if activity is not None:
                views.append(full_view(uow, actor, activity, bodies=False, pane=False))
        return Page(views, next_cursor)


def _page(
    uow: UnitOfWork, actor: Actor, wanted: ActivityFilter, cursor: str | None, limit: int
) -> tuple[list[ActivitySummary], str | None]:
    check_limit(limit)
    before = decode_cursor(cursor)[1] if cursor else None
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
        limit=limit + 1,  # one more tells whether a next page exists
    )
    return page_of(items, limit)
