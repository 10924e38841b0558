"""Reading one activity and listing activities, as an actor may see them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from correspondent.domain.access import ACTIVITY_TYPE, Actor, Operation, scope
from correspondent.domain.errors import NotFound
from correspondent.domain.records import RecordRef
from correspondent.services.access import authorize, describe, readable_refs
from correspondent.services.activities.views import full_view, summary_views
from correspondent.services.paging import Page, check_limit, decode_cursor, encode_cursor
from correspondent.services.ports import UnitOfWorkFactory


def _ref(activity_id: int) -> RecordRef:
    return RecordRef(ACTIVITY_TYPE, activity_id)


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
