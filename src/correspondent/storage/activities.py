"""Repository for email activities with their parties, attachments, trackers and notifications."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection
from sqlalchemy.exc import IntegrityError

from correspondent.domain.activity import (
    MAX_STORED_MESSAGE_ID,
    ActivityDetails,
    ActivityStatus,
    ActivitySummary,
    AttachmentState,
    EmailActivity,
    Party,
    PartyRole,
    ResolutionMethod,
    Tracker,
    TrackerSource,
)
from correspondent.domain.errors import DuplicateActivity
from correspondent.domain.records import RecordRef
from correspondent.storage.activity_rows import (
    SUMMARY_COLUMNS,
    activity_from_row,
    load_children,
    ref_or_none,
    summary_of,
)
from correspondent.storage.sql import insert_ignoring_duplicates
from correspondent.storage.tables import (
    activities,
    activity_attachments,
    activity_notifications,
    activity_parties,
    activity_trackers,
)


def _cut(text: str | None, length: int) -> str | None:
    return text[:length] if text is not None else None


# Values go in as parameters: a statement built with .values(...) would be rebuilt and its
# cache key computed over the message bodies on every insert.
_INSERT_ACTIVITY = sa.insert(activities).returning(activities.c.id)


UNIQUE_VIOLATION = "23505"
IDENTITY_KEY_CONSTRAINT = "uq_activities_identity_key"
"""Named by ``tables.metadata``'s naming convention and migration 0001."""


class ActivityRepository:
    """Activities and their children.

    With ``defer_children`` (batch tracking), the rows of parties, attachments, trackers and
    notifications are queued and written with one statement per table at ``flush()``, which
    the unit of work calls before committing, and every method that reads or changes child rows
    calls first. Only the activity row itself is written at once: its id is needed at once.
    """

    def __init__(self, conn: Connection) -> None:
        self.conn = conn
        self.defer_children = False
        self._pending: dict[sa.Table, list[dict[str, Any]]] = {
            table: []
            for table in (
                activity_parties,
                activity_attachments,
                activity_trackers,
                activity_notifications,
            )
        }

    def flush(self) -> None:
        """Write queued child rows."""
        for table, rows in self._pending.items():
            if rows:
                self.conn.execute(sa.insert(table), rows)
                rows.clear()

    def id_for_identity(self, key: str) -> int | None:
        return self.conn.execute(
            sa.select(activities.c.id).where(activities.c.identity_key == key)
        ).scalar_one_or_none()

    def lock(self, activity_id: int, *, exclusive: bool) -> bool:
        """Lock the activity's row until commit (no-op on SQLite, whose writers take turns).

        Adding a tracker takes a shared lock and deleting an activity an exclusive one, so a
        concurrent delete cannot remove an activity that a new tracker is being added to.
        Returns False when the activity no longer exists.
        """
        query = sa.select(activities.c.id).where(activities.c.id == activity_id)
        query = query.with_for_update(read=not exclusive)
        return self.conn.execute(query).scalar_one_or_none() is not None

    def ids_for_identities(self, keys: Sequence[str]) -> dict[str, int]:
        if not keys:
            return {}
        rows = self.conn.execute(
            sa.select(activities.c.identity_key, activities.c.id).where(
                activities.c.identity_key.in_(sorted(set(keys)))
            )
        )
        return {r.identity_key: r.id for r in rows}

    def add(self, activity: EmailActivity) -> int:
        """Insert the activity and its children; raise DuplicateActivity on a key clash."""
        now = activity.created_at
        values: dict[str, Any] = {
            "identity_key": activity.identity_key,
            "message_id": _cut(activity.message_id, MAX_STORED_MESSAGE_ID),
            "direction": activity.direction.value,
            "subject": activity.subject,
            "normalised_subject": activity.normalised_subject[:400],
            "sent_at": activity.sent_at,
            "in_reply_to": _cut(activity.in_reply_to, MAX_STORED_MESSAGE_ID),
            "references": list(activity.references),
            "html_body": activity.html_body,
            "text_body": activity.text_body,
            "raw_blob_hash": activity.raw_blob_hash,
            "raw_size": activity.raw_size,
            "owner_id": activity.owner_id,
            "regarding_type": activity.regarding.type if activity.regarding else None,
            "regarding_id": activity.regarding.id if activity.regarding else None,
            "status": activity.status.value,
            "parent_id": activity.correlation.parent_id if activity.correlation else None,
            "correlation_method": activity.correlation.method.value
            if activity.correlation
            else None,
            "created_at": now,
            "modified_at": now,
        }
        try:
            new_id: int = self.conn.execute(_INSERT_ACTIVITY, values).scalar_one()
        except IntegrityError as error:
            # The transaction is unusable now (PostgreSQL); the caller starts a new one.
            if self._is_identity_clash(error, activity.identity_key):
                raise DuplicateActivity(activity.identity_key) from error
            raise
        activity.id = new_id
        now = datetime.now(UTC)
        pending = self._pending
        pending[activity_parties].extend(party_row(new_id, p) for p in activity.parties)
        pending[activity_attachments].extend(
            {
                "activity_id": new_id,
                "filename": a.filename,
                "content_type": a.content_type[:200],
                "size": a.size,
                "status": a.status.value,
                "reason": a.reason,
                "blob_hash": a.blob_hash,
                "content_id": _cut(a.content_id, 400),
                "inline": a.inline,
            }
            for a in activity.attachments
        )
        pending[activity_trackers].extend(
            {
                "activity_id": new_id,
                "user_id": t.user_id,
                "source": t.source.value,
                "tracked_at": t.tracked_at,
            }
            for t in activity.trackers
        )
        pending[activity_notifications].extend(
            {"activity_id": new_id, "text": text, "created_at": now}
            for text in activity.notifications
        )
        if not self.defer_children:
            self.flush()
        return new_id

    def _is_identity_clash(self, error: IntegrityError, key: str) -> bool:
        """Whether ``error`` is the identity key's unique constraint refusing ``key``.

        PostgreSQL names the constraint (unique violation, SQLSTATE 23505). SQLite names only
        the kind of failure (SQLITE_CONSTRAINT_UNIQUE); its statement failed alone, so the
        transaction can still ask whether an activity holds the key now.
        """
        orig = error.orig
        diag = getattr(orig, "diag", None)
        if diag is not None:
            return (
                getattr(orig, "sqlstate", None) == UNIQUE_VIOLATION
                and diag.constraint_name == IDENTITY_KEY_CONSTRAINT
            )
        if getattr(orig, "sqlite_errorname", None) == "SQLITE_CONSTRAINT_UNIQUE":
            return self.id_for_identity(key) is not None
        return False

    def add_tracker(self, activity_id: int, tracker: Tracker) -> bool:
        """Add a tracker unless the same user already tracks it from the same source."""
        self.flush()
        return insert_ignoring_duplicates(
            self.conn,
            activity_trackers,
            {
                "activity_id": activity_id,
                "user_id": tracker.user_id,
                "source": tracker.source.value,
                "tracked_at": tracker.tracked_at,
            },
            ["activity_id", "user_id", "source"],
        )

    def remove_trackers(self, activity_id: int, user_id: int) -> int:
        self.flush()
        result = self.conn.execute(
            sa.delete(activity_trackers).where(
                activity_trackers.c.activity_id == activity_id,
                activity_trackers.c.user_id == user_id,
            )
        )
        return int(result.rowcount)

    def set_status(self, activity_id: int, status: ActivityStatus) -> None:
        # Only a real change writes (and moves modified_at): re-tracking is the common case.
        self.conn.execute(
            sa.update(activities)
            .where(activities.c.id == activity_id, activities.c.status != status.value)
            .values(status=status.value, modified_at=datetime.now(UTC))
        )

    def add_notification(self, activity_id: int, text: str) -> None:
        self.flush()
        self.conn.execute(
            sa.insert(activity_notifications).values(
                activity_id=activity_id, text=text, created_at=datetime.now(UTC)
            )
        )

    def set_regarding(self, activity_id: int, regarding: RecordRef | None) -> None:
        self.conn.execute(
            sa.update(activities)
            .where(activities.c.id == activity_id)
            .values(
                regarding_type=regarding.type if regarding else None,
                regarding_id=regarding.id if regarding else None,
                modified_at=datetime.now(UTC),
            )
        )

    def details(self, activity_ids: Sequence[int]) -> dict[int, ActivityDetails]:
        self.flush()
        if not activity_ids:
            return {}
        ids = list(set(activity_ids))
        people: dict[int, list[tuple[PartyRole, str, str]]] = {i: [] for i in ids}
        seen: dict[int, set[tuple[str, str]]] = {i: set() for i in ids}
        for p in self.conn.execute(
            sa.select(
                activity_parties.c.activity_id,
                activity_parties.c.role,
                activity_parties.c.address,
                activity_parties.c.display_name,
            )
            .where(activity_parties.c.activity_id.in_(ids))
            .order_by(activity_parties.c.id)
        ):
            # An address matching several records is one party per record: shown once.
            if (p.role, p.address) not in seen[p.activity_id]:
                seen[p.activity_id].add((p.role, p.address))
                people[p.activity_id].append((PartyRole(p.role), p.address, p.display_name))
        counted = self.conn.execute(
            sa.select(activity_attachments.c.activity_id, sa.func.count().label("files"))
            .where(
                activity_attachments.c.activity_id.in_(ids),
                activity_attachments.c.status == AttachmentState.SAVED.value,
                activity_attachments.c.inline.is_(False),
            )
            .group_by(activity_attachments.c.activity_id)
        )
        counts = {r.activity_id: int(r.files) for r in counted}
        return {i: ActivityDetails(tuple(people[i]), int(counts.get(i, 0))) for i in ids}

    def replies(self, activity_id: int, limit: int) -> list[ActivitySummary]:
        self.flush()
        query: sa.Select[Any] = (
            sa.select(*SUMMARY_COLUMNS)
            .where(activities.c.parent_id == activity_id)
            .order_by(activities.c.id)
            .limit(limit)
        )
        return [summary_of(r) for r in self.conn.execute(query)]

    def replace_unresolved_parties(
        self, activity_id: int, address: str, parties: Sequence[Party]
    ) -> None:
        self.flush()
        self.conn.execute(
            sa.delete(activity_parties).where(
                activity_parties.c.activity_id == activity_id,
                activity_parties.c.address == address,
                activity_parties.c.method == ResolutionMethod.NO_MATCH.value,
            )
        )
        if parties:
            self.conn.execute(
                sa.insert(activity_parties),
                [party_row(activity_id, p) for p in parties],
            )

    def mark_attachment_removed(self, attachment_id: int, reason: str) -> bool:
        """Mark the attachment removed; False when it already was (someone got there first)."""
        self.flush()
        result = self.conn.execute(
            sa.update(activity_attachments)
            .where(
                activity_attachments.c.id == attachment_id,
                activity_attachments.c.status != AttachmentState.REMOVED.value,
            )
            .values(status=AttachmentState.REMOVED.value, reason=reason, blob_hash=None)
        )
        return bool(result.rowcount)

    def delete(self, activity_id: int) -> None:
        self.flush()
        for child in (
            activity_parties,
            activity_attachments,
            activity_trackers,
            activity_notifications,
        ):
            self.conn.execute(sa.delete(child).where(child.c.activity_id == activity_id))
        self.conn.execute(
            sa.update(activities)
            .where(activities.c.parent_id == activity_id)
            .values(parent_id=None)
        )
        self.conn.execute(sa.delete(activities).where(activities.c.id == activity_id))

    def get(self, activity_id: int) -> EmailActivity | None:
        self.flush()
        row = self.conn.execute(sa.select(activities).where(activities.c.id == activity_id)).first()
        if row is None:
            return None
        activity = activity_from_row(row)
        load_children(self.conn, [activity])
        return activity

    def list_ids(
        self,
        *,
        regarding: RecordRef | None = None,
        party: RecordRef | None = None,
        owner_id: int | None = None,
        limit: int = 200,
    ) -> list[int]:
        self.flush()
        query = sa.select(activities.c.id)
        if regarding:
            query = query.where(
                activities.c.regarding_type == regarding.type,
                activities.c.regarding_id == regarding.id,
            )
        if owner_id is not None:
            query = query.where(activities.c.owner_id == owner_id)
        if party:
            query = query.where(
                activities.c.id.in_(
                    sa.select(activity_parties.c.activity_id).where(
                        activity_parties.c.record_type == party.type,
                        activity_parties.c.record_id == party.id,
                    )
                )
            )
        query = query.order_by(activities.c.sent_at.desc(), activities.c.id.desc()).limit(limit)
        return list(self.conn.execute(query).scalars())

    def trackers_of(self, activity_id: int) -> list[Tracker]:
        self.flush()
        rows = self.conn.execute(
            sa.select(activity_trackers).where(activity_trackers.c.activity_id == activity_id)
        )
        return [Tracker(r.user_id, TrackerSource(r.source), r.tracked_at) for r in rows]

    # -- correlation look-ups ---------------------------------------------------------------
    def by_message_ids(self, message_ids: Sequence[str]) -> dict[str, tuple[int, RecordRef | None]]:
        """Oldest activity per Message-ID: id and regarding record."""
        if not message_ids:
            return {}
        rows = self.conn.execute(
            sa.select(
                activities.c.id,
                activities.c.message_id,
                activities.c.regarding_type,
                activities.c.regarding_id,
            )
            .where(activities.c.message_id.in_(list(set(message_ids))))
            .order_by(activities.c.id.desc())
        )
        return {r.message_id: (r.id, ref_or_none(r.regarding_type, r.regarding_id)) for r in rows}

    def regarding_of(self, activity_id: int) -> tuple[bool, RecordRef | None]:
        row = self.conn.execute(
            sa.select(activities.c.regarding_type, activities.c.regarding_id).where(
                activities.c.id == activity_id
            )
        ).first()
        return (row is not None, ref_or_none(row.regarding_type, row.regarding_id) if row else None)

    def smart_match_candidates(
        self, normalised_subject: str, since: datetime, until: datetime
    ) -> list[tuple[int, RecordRef | None, set[str]]]:
        self.flush()
        rows = list(
            self.conn.execute(
                sa.select(activities.c.id, activities.c.regarding_type, activities.c.regarding_id)
                .where(
                    activities.c.normalised_subject == normalised_subject[:400],
                    activities.c.sent_at >= since,
                    activities.c.sent_at <= until,
                )
                .order_by(activities.c.sent_at.desc())
                .limit(50)
            )
        )
        if not rows:
            return []
        participants: dict[int, set[str]] = {r.id: set() for r in rows}
        for p in self.conn.execute(
            sa.select(activity_parties.c.activity_id, activity_parties.c.address).where(
                activity_parties.c.activity_id.in_(list(participants))
            )
        ):
            participants[p.activity_id].add(p.address)
        return [
            (r.id, ref_or_none(r.regarding_type, r.regarding_id), participants[r.id]) for r in rows
        ]


def party_row(activity_id: int, party: Party) -> dict[str, Any]:
    return {
        "activity_id": activity_id,
        "role": party.role.value,
        "address": party.address,
        "display_name": party.display_name[:400],
        "record_type": party.record.type if party.record else None,
        "record_id": party.record.id if party.record else None,
        "method": party.method.value,
    }
