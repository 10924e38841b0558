"""A record's timeline: the activities regarding it or with it as a party, newest first.

The API serves it inside the unit of work that authenticated the request: it is the busiest
read, and each statement is a round trip to the database. Apart from authentication it takes
three queries, whatever the page holds: the record's access facts, one page of activities
(for an account, its contacts' too, found inside the same query), and the names shown.
"""

from __future__ import annotations

from dataclasses import dataclass

from correspondent.domain.access import ACTIVITY_TYPE, Actor, Operation, scope
from correspondent.domain.activity import Direction
from correspondent.domain.records import RecordRef
from correspondent.services.access import authorize
from correspondent.services.activities.views import (
    DOCUMENTED,
    ActivitySummaryView,
    page_of,
    summary_views,
)
from correspondent.services.paging import Page, check_limit, decode_cursor
from correspondent.services.ports import UnitOfWork


def timeline(
    uow: UnitOfWork,
    actor: Actor,
    ref: RecordRef,
    *,
    cursor: str | None = None,
    limit: int = 50,
    direction: Direction | None = None,
) -> Page[ActivitySummaryView]:
    """The record's activities (as regarding or party), and its contacts' for an account;
    only incoming or outgoing ones with ``direction``."""
    check_limit(limit)
    before = decode_cursor(cursor)[1] if cursor else None
    authorize(uow, actor, ref, Operation.READ)
    items = uow.listing.activity_page(
        scope(actor, ACTIVITY_TYPE),
        related=[ref],
        contacts_of=ref.id if ref.type == "account" else None,
        before_id=before,
        direction=direction.value if direction else None,
        limit=limit + 1,  # one more tells whether a next page exists
    )
    kept, next_cursor = page_of(items, limit)
    return Page(summary_views(uow, actor, kept), next_cursor)


@dataclass(frozen=True)
class ParticipantView:
    __pydantic_config__ = DOCUMENTED

    role: str
    address: str
    display_name: str


@dataclass(frozen=True)
class TimelineEntryView:
    """A timeline entry as a record page shows it: the summary, who took part, and files."""

    __pydantic_config__ = DOCUMENTED

    activity: ActivitySummaryView
    participants: list[ParticipantView]
    attachment_count: int


def with_details(uow: UnitOfWork, page: Page[ActivitySummaryView]) -> Page[TimelineEntryView]:
    """A timeline page with each entry's participants and attachment count (two queries more,
    whatever the page holds)."""
    details = uow.activities.details([a.id for a in page.items])
    entries = []
    for item in page.items:
        found = details.get(item.id)
        people = [ParticipantView(r.value, a, n) for r, a, n in found.participants] if found else []
        entries.append(TimelineEntryView(item, people, found.attachment_count if found else 0))
    return Page(entries, page.next_cursor)
