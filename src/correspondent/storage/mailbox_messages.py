"""The UID → activity map of the mailbox sync and the CRM look-ups it needs.

A map row exists for every message the sync tracked (``tracked``), handed to the quarantine
(``quarantined``) or saw untracked by the user (``untracked``), per (folder, UIDVALIDITY, UID).
The per-message failure list is in ``storage.mailbox_failures`` (mixed in here, so the sync
reaches both as ``uow.mailboxes.messages``).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from correspondent.domain.folder_messages import MappedMessage, Outcome
from correspondent.domain.records import RecordRef
from correspondent.storage.mailbox_failures import FailureList
from correspondent.storage.mailbox_tables import mailbox_failures, mailbox_messages
from correspondent.storage.sql import upsert_rows
from correspondent.storage.tables import activities, activity_trackers


class MailboxMessageRepository(FailureList):
    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    # -- the UID map ------------------------------------------------------------------------
    def record(
        self,
        mailbox_id: int,
        folder_id: int,
        uidvalidity: int,
        uid: int,
        *,
        activity_id: int | None,
        message_id: str | None,
        outcome: Outcome,
        now: datetime,
    ) -> None:
        """Remember what became of one UID; a second record of the same UID updates it."""
        self.record_many(
            mailbox_id, folder_id, uidvalidity, [(uid, activity_id, message_id, outcome)], now
        )

    def record_many(
        self,
        mailbox_id: int,
        folder_id: int,
        uidvalidity: int,
        rows: Sequence[tuple[int, int | None, str | None, Outcome]],
        now: datetime,
    ) -> None:
        """``record`` for each (uid, activity id, Message-ID, outcome), in one statement."""
        upsert_rows(
            self.conn,
            mailbox_messages,
            [
                {
                    "mailbox_id": mailbox_id,
                    "folder_id": folder_id,
                    "uidvalidity": uidvalidity,
                    "uid": uid,
                    "activity_id": activity_id,
                    "message_id": message_id,
                    "outcome": outcome.value,
                    "keyword_written": False,
                    "created_at": now,
                }
                for uid, activity_id, message_id, outcome in rows
            ],
            ["mailbox_id", "folder_id", "uidvalidity", "uid"],
            replace=["activity_id", "outcome", "keyword_written"],
            constants={"keyword_written": False},
        )

    def mapped(
        self, folder_id: int, uidvalidity: int, uids: Iterable[int] | None = None
    ) -> dict[int, MappedMessage]:
        query = sa.select(mailbox_messages).where(
            mailbox_messages.c.folder_id == folder_id,
            mailbox_messages.c.uidvalidity == uidvalidity,
        )
        if uids is not None:
            query = query.where(mailbox_messages.c.uid.in_(list(uids)))
        return {
            r.uid: MappedMessage(
                r.uid, r.activity_id, r.message_id, Outcome(r.outcome), r.keyword_written
            )
            for r in self.conn.execute(query)
        }

    def set_outcome(
        self, folder_id: int, uidvalidity: int, uid: int | Sequence[int], outcome: Outcome
    ) -> None:
        uids = [uid] if isinstance(uid, int) else list(uid)
        self.conn.execute(
            sa.update(mailbox_messages)
            .where(*self._uid_is(folder_id, uidvalidity, uids))
            .values(outcome=outcome.value)
        )

    def keyword_pending(self, folder_id: int, uidvalidity: int) -> list[int]:
        """Tracked UIDs whose ``$Tracked`` is not yet known to be on the server."""
        return list(
            self.conn.execute(
                sa.select(mailbox_messages.c.uid).where(
                    mailbox_messages.c.folder_id == folder_id,
                    mailbox_messages.c.uidvalidity == uidvalidity,
                    mailbox_messages.c.outcome == Outcome.TRACKED.value,
                    mailbox_messages.c.keyword_written.is_(False),
                )
            ).scalars()
        )

    def mark_keyword_written(self, folder_id: int, uidvalidity: int, uids: Sequence[int]) -> None:
        if uids:
            self.conn.execute(
                sa.update(mailbox_messages)
                .where(*self._uid_is(folder_id, uidvalidity, uids))
                .values(keyword_written=True)
            )

    def no_longer_tracked(
        self, folder_id: int, uidvalidity: int, user_id: int, limit: int
    ) -> list[int]:
        """UIDs we tracked whose activity the user no longer tracks (untracked or deleted)."""
        tracker = (
            sa.select(activity_trackers.c.activity_id)
            .where(
                activity_trackers.c.activity_id == mailbox_messages.c.activity_id,
                activity_trackers.c.user_id == user_id,
            )
            .exists()
        )
        query = (
            sa.select(mailbox_messages.c.uid)
            .where(
                mailbox_messages.c.folder_id == folder_id,
                mailbox_messages.c.uidvalidity == uidvalidity,
                mailbox_messages.c.outcome == Outcome.TRACKED.value,
                sa.or_(mailbox_messages.c.activity_id.is_(None), ~tracker),
            )
            .order_by(mailbox_messages.c.uid)
            .limit(limit)
        )
        return list(self.conn.execute(query).scalars())

    def forget(self, folder_id: int, uidvalidity: int, uids: Sequence[int]) -> None:
        """Drop map rows of UIDs that left the folder (the activities stay)."""
        if uids:
            self.conn.execute(
                sa.delete(mailbox_messages).where(*self._uid_is(folder_id, uidvalidity, uids))
            )

    def forget_other_uidvalidity(self, folder_id: int, uidvalidity: int) -> None:
        for table in (mailbox_messages, mailbox_failures):
            self.conn.execute(
                sa.delete(table).where(
                    table.c.folder_id == folder_id, table.c.uidvalidity != uidvalidity
                )
            )

    def relink(self, folder_id: int, uidvalidity: int, regarding: RecordRef) -> int:
        """Set the folder's regarding record on every activity tracked in it (§7)."""
        in_folder = sa.select(mailbox_messages.c.activity_id).where(
            mailbox_messages.c.folder_id == folder_id,
            mailbox_messages.c.uidvalidity == uidvalidity,
            mailbox_messages.c.outcome == Outcome.TRACKED.value,
            mailbox_messages.c.activity_id.is_not(None),
        )
        result = self.conn.execute(
            sa.update(activities)
            .where(
                activities.c.id.in_(in_folder),
                sa.or_(
                    activities.c.regarding_type.is_(None),
                    activities.c.regarding_id.is_(None),
                    activities.c.regarding_type != regarding.type,
                    activities.c.regarding_id != regarding.id,
                ),
            )
            .values(regarding_type=regarding.type, regarding_id=regarding.id)
        )
        return int(result.rowcount)

    @staticmethod
    def _uid_is(folder_id: int, uidvalidity: int, uids: Sequence[int]) -> list[Any]:
        return [
            mailbox_messages.c.folder_id == folder_id,
            mailbox_messages.c.uidvalidity == uidvalidity,
            mailbox_messages.c.uid.in_(list(uids)),
        ]

    # -- CRM look-ups -----------------------------------------------------------------------
    def tracked_by_user(self, user_id: int, message_ids: Iterable[str]) -> dict[str, int]:
        """Message-ID → activity the user tracks, for the given Message-IDs."""
        wanted = sorted(set(message_ids))
        if not wanted:
            return {}
        rows = self.conn.execute(
            sa.select(activities.c.message_id, activities.c.id)
            .join(activity_trackers, activity_trackers.c.activity_id == activities.c.id)
            .where(activities.c.message_id.in_(wanted), activity_trackers.c.user_id == user_id)
        )
        return {r.message_id: r.id for r in rows}

    def tracked_since(
        self, user_id: int, since: datetime | None, limit: int
    ) -> list[tuple[int, str, datetime]]:
        """(activity, Message-ID, tracked at) the user began tracking after ``since``."""
        query = (
            sa.select(activities.c.id, activities.c.message_id, activity_trackers.c.tracked_at)
            .join(activity_trackers, activity_trackers.c.activity_id == activities.c.id)
            .where(activity_trackers.c.user_id == user_id, activities.c.message_id.is_not(None))
            .order_by(activity_trackers.c.tracked_at)
            .limit(limit)
        )
        if since is not None:
            query = query.where(activity_trackers.c.tracked_at > since)
        return [(r.id, r.message_id, r.tracked_at) for r in self.conn.execute(query)]

    def mapped_message_ids(self, mailbox_id: int, message_ids: Iterable[str]) -> set[str]:
        wanted = sorted(set(message_ids))
        if not wanted:
            return set()
        rows = self.conn.execute(
            sa.select(mailbox_messages.c.message_id).where(
                mailbox_messages.c.mailbox_id == mailbox_id,
                mailbox_messages.c.message_id.in_(wanted),
                mailbox_messages.c.outcome == Outcome.TRACKED.value,
            )
        )
        return set(rows.scalars())
