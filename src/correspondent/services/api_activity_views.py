"""Activity views as one user may see them: links to records they cannot read are removed.

A party whose record the viewer may not read still shows its address and display name (the
viewer can read the activity, and the address is part of it) but not the link; a hidden regarding
record or correlated parent activity is shown as ``null`` with ``hidden: true`` where relevant.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from correspondent.domain.access import ACTIVITY_TYPE, Actor
from correspondent.domain.activity import EmailActivity
from correspondent.domain.records import USER_TYPE, RecordRef
from correspondent.services.access import readable_names, readable_refs
from correspondent.services.ports import UnitOfWork
from correspondent.services.views import activity_view

if TYPE_CHECKING:
    from correspondent.domain.activity import ActivitySummary


def full_view(uow: UnitOfWork, actor: Actor, activity: EmailActivity) -> dict[str, Any]:
    view = activity_view(uow, activity, bodies=True)
    refs = {p.record for p in activity.parties if p.record}
    if activity.regarding:
        refs.add(activity.regarding)
    if activity.correlation and activity.correlation.parent_id:
        refs.add(RecordRef(ACTIVITY_TYPE, activity.correlation.parent_id))
    visible = readable_refs(uow, actor, refs)
    for party_view, party in zip(view["parties"], activity.parties, strict=True):
        if party.record and party.record.type != USER_TYPE and party.record not in visible:
            party_view["record"] = None
            party_view["hidden"] = True
    if activity.regarding and activity.regarding not in visible:
        view["regarding"] = None
        view["regarding_hidden"] = True
    parent = activity.correlation.parent_id if activity.correlation else None
    if parent and RecordRef(ACTIVITY_TYPE, parent) not in visible:
        view["correlation"] = None
    view["owner_id"] = activity.owner_id
    return view


def summary_views(
    uow: UnitOfWork, actor: Actor, items: list[ActivitySummary]
) -> list[dict[str, Any]]:
    """Timeline and list entries: a few columns each, names and links in one query."""
    names = readable_names(
        uow, actor, {a.regarding for a in items if a.regarding}, {a.owner_id for a in items}
    )
    return [
        {
            "id": a.id,
            "subject": a.subject,
            "direction": a.direction,
            "sent_at": a.sent_at.isoformat() if a.sent_at else None,
            "status": a.status,
            "owner_id": a.owner_id,
            "owner": names.get(RecordRef(USER_TYPE, a.owner_id), ""),
            "regarding": (
                {"type": a.regarding.type, "id": a.regarding.id, "name": names.get(a.regarding, "")}
                if a.regarding and a.regarding in names
                else None
            ),
            "raw_size": a.raw_size,
        }
        for a in items
    ]
