"""Turning activity rows into domain objects: the activity row, then its children in bulk."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Row

from correspondent.domain.activity import (
    ActivityAttachment,
    ActivityStatus,
    ActivitySummary,
    AttachmentState,
    Correlation,
    CorrelationMethod,
    Direction,
    EmailActivity,
    Party,
    PartyRole,
    ResolutionMethod,
    Tracker,
    TrackerSource,
)
from correspondent.domain.records import RecordRef
from correspondent.storage.tables import (
    activities,
    activity_attachments,
    activity_notifications,
    activity_parties,
    activity_trackers,
)

SUMMARY_COLUMNS = (
    activities.c.id,
    activities.c.subject,
    activities.c.direction,
    activities.c.sent_at,
    activities.c.status,
    activities.c.owner_id,
    activities.c.regarding_type,
    activities.c.regarding_id,
    activities.c.raw_size,
)
"""What an ``ActivitySummary`` is read from."""


def summary_of(r: Row[Any]) -> ActivitySummary:
    return ActivitySummary(
        r.id,
        r.subject,
        r.direction,
        r.sent_at,
        r.status,
        r.owner_id,
        ref_or_none(r.regarding_type, r.regarding_id),
        r.raw_size,
    )


def ref_or_none(type_name: str | None, ref_id: int | None) -> RecordRef | None:
    return RecordRef(type_name, ref_id) if type_name and ref_id is not None else None


def activity_from_row(row: Row[Any]) -> EmailActivity:
    correlation = None
    if row.parent_id is not None and row.correlation_method:
        correlation = Correlation(row.parent_id, CorrelationMethod(row.correlation_method))
    return EmailActivity(
        id=row.id,
        identity_key=row.identity_key,
        message_id=row.message_id,
        direction=Direction(row.direction),
        subject=row.subject,
        normalised_subject=row.normalised_subject,
        sent_at=row.sent_at,
        in_reply_to=row.in_reply_to,
        references=tuple(row.references or ()),
        html_body=row.html_body,
        text_body=row.text_body,
        raw_blob_hash=row.raw_blob_hash,
        raw_size=row.raw_size,
        owner_id=row.owner_id,
        regarding=ref_or_none(row.regarding_type, row.regarding_id),
        status=ActivityStatus(row.status),
        correlation=correlation,
        created_at=row.created_at,
    )


def load_children(conn: Connection, items: list[EmailActivity]) -> None:
    by_id = {a.id: a for a in items}
    ids = list(by_id)
    for p in conn.execute(
        sa.select(activity_parties)
        .where(activity_parties.c.activity_id.in_(ids))
        .order_by(activity_parties.c.id)
    ):
        by_id[p.activity_id].parties.append(
            Party(
                PartyRole(p.role),
                p.address,
                p.display_name,
                ref_or_none(p.record_type, p.record_id),
                ResolutionMethod(p.method),
            )
        )
    for a in conn.execute(
        sa.select(activity_attachments)
        .where(activity_attachments.c.activity_id.in_(ids))
        .order_by(activity_attachments.c.id)
    ):
        by_id[a.activity_id].attachments.append(
            ActivityAttachment(
                a.id,
                a.filename,
                a.content_type,
                a.size,
                AttachmentState(a.status),
                a.reason,
                a.blob_hash,
                a.content_id,
                a.inline,
            )
        )
    for t in conn.execute(
        sa.select(activity_trackers)
        .where(activity_trackers.c.activity_id.in_(ids))
        .order_by(activity_trackers.c.id)
    ):
        by_id[t.activity_id].trackers.append(
            Tracker(t.user_id, TrackerSource(t.source), t.tracked_at)
        )
    for n in conn.execute(
        sa.select(activity_notifications)
        .where(activity_notifications.c.activity_id.in_(ids))
        .order_by(activity_notifications.c.id)
    ):
        by_id[n.activity_id].notifications.append(n.text)
