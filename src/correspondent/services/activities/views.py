"""Activities as plain dictionaries with stable keys, as one user may see them.

The CLI's ``--json`` output and the HTTP API both print these; the keys are documented in the
README and must not change without a version bump. A party whose record the viewer may not read
still shows its address and display name (the viewer can read the activity, and the address is
part of it) but not the link; a hidden regarding record or correlated parent activity is shown
as ``null`` with ``hidden: true`` where relevant.
"""

from __future__ import annotations

from typing import Any

from correspondent.domain.access import ACTIVITY_TYPE, Actor
from correspondent.domain.activity import ActivitySummary, EmailActivity
from correspondent.domain.correlation import format_token
from correspondent.domain.records import USER_TYPE, RecordRef
from correspondent.domain.settings import OrgSettings
from correspondent.services.access import readable_names, readable_refs
from correspondent.services.ports import UnitOfWork, UnitOfWorkFactory


def _ref_view(ref: RecordRef | None, names: dict[RecordRef, str]) -> dict[str, Any] | None:
    if ref is None:
        return None
    return {"type": ref.type, "id": ref.id, "name": names.get(ref, "")}


def activity_view(
    uow: UnitOfWork, activity: EmailActivity, *, bodies: bool = False
) -> dict[str, Any]:
    refs = {p.record for p in activity.parties if p.record}
    if activity.regarding:
        refs.add(activity.regarding)
    # A party that is a user shows the user's name like any record; owner and trackers are
    # shown by address (the README's stable keys).
    names = uow.directory.names(refs)
    emails = uow.directory.user_names({activity.owner_id} | {t.user_id for t in activity.trackers})
    prefix = OrgSettings.from_stored(uow.settings.org()).correlation_token_prefix
    assert activity.id is not None
    view: dict[str, Any] = {
        "id": activity.id,
        "subject": activity.subject,
        "direction": activity.direction.value,
        "message_id": activity.message_id,
        "sent_at": activity.sent_at.isoformat() if activity.sent_at else None,
        "status": activity.status.value,
        "tracking_token": format_token(prefix, activity.id),
        "regarding": _ref_view(activity.regarding, names),
        "parties": [
            {
                "role": p.role.value,
                "address": p.address,
                "display_name": p.display_name,
                "record": _ref_view(p.record, names),
                "resolution": p.method.value,
            }
            for p in activity.parties
        ],
        "attachments": [
            {
                "id": a.id,
                "filename": a.filename,
                "content_type": a.content_type,
                "size": a.size,
                "status": a.status.value,
                "reason": a.reason,
                "inline": a.inline,
            }
            for a in activity.attachments
        ],
        "notifications": list(activity.notifications),
        "correlation": (
            {
                "method": activity.correlation.method.value,
                "parent_id": activity.correlation.parent_id,
            }
            if activity.correlation
            else None
        ),
        "trackers": [
            {
                "user": emails.get(t.user_id, ""),
                "source": t.source.value,
                "tracked_at": t.tracked_at.isoformat(),
            }
            for t in activity.trackers
        ],
        "owner": emails.get(activity.owner_id, ""),
        "raw_size": activity.raw_size,
    }
    if bodies:
        view["text_body"] = activity.text_body
        view["html_body"] = activity.html_body
    return view


def list_activities(
    uow_factory: UnitOfWorkFactory,
    *,
    regarding: RecordRef | None = None,
    party: RecordRef | None = None,
    limit: int = 200,
) -> list[dict[str, Any]]:
    with uow_factory() as uow:
        ids = uow.activities.list_ids(regarding=regarding, party=party, limit=limit)
        views = []
        for activity_id in ids:
            activity = uow.activities.get(activity_id)
            if activity is not None:
                views.append(activity_view(uow, activity))
        return views


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
