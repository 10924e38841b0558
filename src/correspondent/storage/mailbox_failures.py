"""The sync's per-message failure list: messages it could not track yet, and why.

A row stays until the message is tracked, skipped by a rule, or gone from the folder — never
dropped otherwise (BEHAVIOUR §10). ``next_retry_at`` is when the sync tries again; NULL means it
gave up after the retry policy's last attempt (``domain.message_retry``), and the row stays as
the visible "gave up" entry until Test & Enable reschedules it.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from correspondent.domain.folder_messages import FailedMessage
from correspondent.storage.mailbox_tables import mailbox_failures


class FailureList:
    """Part of ``MailboxMessageRepository`` (``uow.mailboxes.messages``)."""

    conn: Connection

    def record_failure(self, mailbox_id: int, failure: FailedMessage, now: datetime) -> None:
        """Insert or update the failure of one UID with its attempt count and next retry."""
        where = [
            mailbox_failures.c.folder_id == failure.folder_id,
            mailbox_failures.c.uidvalidity == failure.uidvalidity,
            mailbox_failures.c.uid == failure.uid,
        ]
        values = {
            "reason": failure.reason,
            "attempts": failure.attempts,
            "next_retry_at": failure.next_retry_at,
        }
        updated = self.conn.execute(sa.update(mailbox_failures).where(*where).values(**values))
        if updated.rowcount == 0:
            self.conn.execute(
                sa.insert(mailbox_failures).values(
                    mailbox_id=mailbox_id,
                    folder_id=failure.folder_id,
                    uidvalidity=failure.uidvalidity,
                    uid=failure.uid,
                    source=failure.source,
                    created_at=now,
                    **values,
                )
            )

    def failures(self, mailbox_id: int, folder_id: int | None = None) -> list[FailedMessage]:
        query = sa.select(mailbox_failures).where(mailbox_failures.c.mailbox_id == mailbox_id)
        if folder_id is not None:
            query = query.where(mailbox_failures.c.folder_id == folder_id)
        return [
            FailedMessage(
                r.folder_id, r.uidvalidity, r.uid, r.source, r.reason, r.attempts, r.next_retry_at
            )
            for r in self.conn.execute(query.order_by(mailbox_failures.c.id))
        ]

    def resolve_failure(self, folder_id: int, uidvalidity: int, uid: int) -> None:
        self.conn.execute(
            sa.delete(mailbox_failures).where(
                mailbox_failures.c.folder_id == folder_id,
                mailbox_failures.c.uidvalidity == uidvalidity,
                mailbox_failures.c.uid == uid,
            )
        )

    def resolve_failures(self, folder_id: int, uidvalidity: int, uids: Sequence[int]) -> None:
        """``resolve_failure`` for many UIDs, in one statement."""
        if uids:
            self.conn.execute(
                sa.delete(mailbox_failures).where(
                    mailbox_failures.c.folder_id == folder_id,
                    mailbox_failures.c.uidvalidity == uidvalidity,
                    mailbox_failures.c.uid.in_(list(uids)),
                )
            )

    def retry_given_up(self, mailbox_id: int, now: datetime) -> int:
        """Put the messages the sync gave up on back on the schedule, from the first attempt."""
        result = self.conn.execute(
            sa.update(mailbox_failures)
            .where(
                mailbox_failures.c.mailbox_id == mailbox_id,
                mailbox_failures.c.next_retry_at.is_(None),
            )
            .values(next_retry_at=now, attempts=0)
        )
        return int(result.rowcount)
