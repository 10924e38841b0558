"""Mailboxes, their alerts, leases and watched folders (the sync's own state).

Leases: ``claim`` is one conditional UPDATE, so on SQLite (BEGIN IMMEDIATE) and on PostgreSQL
(the row lock makes a concurrent UPDATE re-check the WHERE clause) exactly one worker wins a
mailbox whose lease is free or expired.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Row

from correspondent.domain.mailbox import (
    Alert,
    AlertLevel,
    AuthKind,
    FolderRole,
    FolderSyncState,
    Mailbox,
    MailboxStatus,
    TlsChoice,
    WatchedFolder,
)
from correspondent.domain.records import RecordRef
from correspondent.storage.mailbox_messages import MailboxMessageRepository
from correspondent.storage.mailbox_tables import mailbox_alerts, mailbox_folders, mailboxes


def _mailbox(row: Row[Any]) -> Mailbox:
    return Mailbox(
        id=row.id,
        user_id=row.user_id,
        address=row.address,
        host=row.host,
        port=row.port,
        tls=TlsChoice(row.tls),
        login=row.login,
        auth_kind=AuthKind(row.auth_kind),
        secret=row.secret,
        enabled=row.enabled,
        status=MailboxStatus(row.status),
        process_from=row.process_from,
        last_sync_at=row.last_sync_at,
        last_error=row.last_error,
        failures=row.failures,
        next_attempt_at=row.next_attempt_at,
        capabilities=tuple(row.capabilities or ()),
    )


def _folder(row: Row[Any]) -> WatchedFolder:
    regarding = (
        RecordRef(row.regarding_type, row.regarding_id)
        if row.regarding_type is not None and row.regarding_id is not None
        else None
    )
    return WatchedFolder(
        id=row.id,
        mailbox_id=row.mailbox_id,
        name=row.name,
        role=FolderRole(row.role),
        tracked=row.tracked,
        regarding=regarding,
        mailbox_guid=row.mailbox_guid,
        active=row.active,
        state=FolderSyncState(row.uidvalidity, row.last_uid, row.highestmodseq),
        skipped=dict(row.skipped or {}),
    )


def _mailbox_values(mailbox: Mailbox) -> dict[str, Any]:
    return {
        "user_id": mailbox.user_id,
        "address": mailbox.address,
        "host": mailbox.host,
        "port": mailbox.port,
        "tls": mailbox.tls.value,
        "login": mailbox.login,
        "auth_kind": mailbox.auth_kind.value,
        "secret": mailbox.secret,
        "enabled": mailbox.enabled,
        "status": mailbox.status.value,
        "process_from": mailbox.process_from,
        "last_sync_at": mailbox.last_sync_at,
        "last_error": mailbox.last_error,
        "failures": mailbox.failures,
        "next_attempt_at": mailbox.next_attempt_at,
        "capabilities": list(mailbox.capabilities),
    }


def _folder_values(folder: WatchedFolder) -> dict[str, Any]:
    return {
        "mailbox_id": folder.mailbox_id,
        "name": folder.name,
        "role": folder.role.value,
        "tracked": folder.tracked,
        "regarding_type": folder.regarding.type if folder.regarding else None,
        "regarding_id": folder.regarding.id if folder.regarding else None,
        "mailbox_guid": folder.mailbox_guid,
        "active": folder.active,
    }


class MailboxRepository:
    def __init__(self, conn: Connection) -> None:
        self.conn = conn
        self.messages = MailboxMessageRepository(conn)

    # -- mailboxes --------------------------------------------------------------------------
    def add(self, mailbox: Mailbox, now: datetime) -> int:
        values = _mailbox_values(mailbox) | {"created_at": now}
        return int(
            self.conn.execute(
                sa.insert(mailboxes).values(**values).returning(mailboxes.c.id)
            ).scalar_one()
        )

    def save(self, mailbox: Mailbox) -> None:
        assert mailbox.id is not None
        self.conn.execute(
            sa.update(mailboxes)
            .where(mailboxes.c.id == mailbox.id)
            .values(**_mailbox_values(mailbox))
        )

    def get(self, mailbox_id: int) -> Mailbox | None:
        row = self.conn.execute(sa.select(mailboxes).where(mailboxes.c.id == mailbox_id)).first()
        return _mailbox(row) if row else None

    def remove(self, mailbox_id: int) -> None:
        """Delete the mailbox; its folders, alerts, UID map and failures go with it (ON DELETE
        CASCADE), its activities and their trackers stay (they do not refer to it)."""
        self.conn.execute(sa.delete(mailboxes).where(mailboxes.c.id == mailbox_id))

    def by_address(self, address: str) -> Mailbox | None:
        row = self.conn.execute(
            sa.select(mailboxes).where(mailboxes.c.address == address.lower())
        ).first()
        return _mailbox(row) if row else None

    def all(self, user_id: int | None = None) -> list[Mailbox]:
        query = sa.select(mailboxes).order_by(mailboxes.c.id)
        if user_id is not None:
            query = query.where(mailboxes.c.user_id == user_id)
        return [_mailbox(row) for row in self.conn.execute(query)]

    def due(
        self, now: datetime, owner: str, limit: int, dead_owners: Collection[str] = ()
    ) -> list[int]:
        """Enabled mailboxes whose retry time has come and whose lease is free, ours, or held
        by one of ``dead_owners``."""
        query = (
            sa.select(mailboxes.c.id)
            .where(
                mailboxes.c.enabled.is_(True),
                sa.or_(mailboxes.c.next_attempt_at.is_(None), mailboxes.c.next_attempt_at <= now),
                _lease_takeable(now, owner, dead_owners),
            )
            .order_by(mailboxes.c.next_attempt_at.is_(None).desc(), mailboxes.c.id)
            .limit(limit)
        )
        return list(self.conn.execute(query).scalars())

    # -- leases -----------------------------------------------------------------------------
    def claim(
        self,
        mailbox_id: int,
        owner: str,
        until: datetime,
        now: datetime,
        dead_owners: Collection[str] = (),
    ) -> bool:
        """Take the mailbox's lease if it is free, expired, already ours or held by one of
        ``dead_owners`` (atomic)."""
        result = self.conn.execute(
            sa.update(mailboxes)
            .where(
                mailboxes.c.id == mailbox_id,
                mailboxes.c.enabled.is_(True),
                _lease_takeable(now, owner, dead_owners),
            )
            .values(lease_owner=owner, lease_until=until)
        )
        return result.rowcount == 1

    def lease_holders(self, now: datetime) -> set[str]:
        """The owners of the unexpired leases of enabled mailboxes (a worker checks which of
        them are dead)."""
        query = (
            sa.select(mailboxes.c.lease_owner)
            .distinct()
            .where(mailboxes.c.enabled.is_(True), mailboxes.c.lease_until >= now)
        )
        return {owner for owner in self.conn.execute(query).scalars() if owner is not None}

    def renew(self, mailbox_id: int, owner: str, until: datetime) -> bool:
        """Extend our lease; False when another worker took it (we must stop)."""
        result = self.conn.execute(
            sa.update(mailboxes)
            .where(mailboxes.c.id == mailbox_id, mailboxes.c.lease_owner == owner)
            .values(lease_until=until)
        )
        return result.rowcount == 1

    def release(self, mailbox_id: int, owner: str) -> None:
        self.conn.execute(
            sa.update(mailboxes)
            .where(mailboxes.c.id == mailbox_id, mailboxes.c.lease_owner == owner)
            .values(lease_owner=None, lease_until=None)
        )

    def lease_of(self, mailbox_id: int) -> tuple[str | None, datetime | None]:
        row = self.conn.execute(
            sa.select(mailboxes.c.lease_owner, mailboxes.c.lease_until).where(
                mailboxes.c.id == mailbox_id
            )
        ).one()
        return row.lease_owner, row.lease_until

    def tracked_watermark(self, mailbox_id: int) -> datetime | None:
        value: datetime | None = self.conn.execute(
            sa.select(mailboxes.c.tracked_watermark).where(mailboxes.c.id == mailbox_id)
        ).scalar_one()
        return value

    def set_tracked_watermark(self, mailbox_id: int, value: datetime) -> None:
        self.conn.execute(
            sa.update(mailboxes).where(mailboxes.c.id == mailbox_id).values(tracked_watermark=value)
        )

    # -- alerts -----------------------------------------------------------------------------
    def add_alert(self, mailbox_id: int, alert: Alert) -> None:
        self.conn.execute(
            sa.insert(mailbox_alerts).values(
                mailbox_id=mailbox_id,
                level=alert.level.value,
                text=alert.text,
                created_at=alert.created_at,
            )
        )

    def alerts(self, mailbox_id: int, limit: int = 20) -> list[Alert]:
        rows = self.conn.execute(
            sa.select(mailbox_alerts)
            .where(mailbox_alerts.c.mailbox_id == mailbox_id)
            .order_by(mailbox_alerts.c.id.desc())
            .limit(limit)
        )
        return [Alert(AlertLevel(r.level), r.text, r.created_at, r.id) for r in rows]

    def recent_alerts(
        self, mailbox_ids: Collection[int], levels: Collection[AlertLevel], limit: int
    ) -> list[tuple[int, Alert]]:
        if not mailbox_ids or not levels:
            return []
        rows = self.conn.execute(
            sa.select(mailbox_alerts)
            .where(
                mailbox_alerts.c.mailbox_id.in_(sorted(mailbox_ids)),
                mailbox_alerts.c.level.in_(sorted(level.value for level in levels)),
            )
            .order_by(mailbox_alerts.c.id.desc())
            .limit(limit)
        )
        return [
            (r.mailbox_id, Alert(AlertLevel(r.level), r.text, r.created_at, r.id)) for r in rows
        ]

    # -- watched folders --------------------------------------------------------------------
    def folders(self, mailbox_id: int, *, active_only: bool = True) -> list[WatchedFolder]:
        query = (
            sa.select(mailbox_folders)
            .where(mailbox_folders.c.mailbox_id == mailbox_id)
            .order_by(mailbox_folders.c.id)
        )
        if active_only:
            query = query.where(mailbox_folders.c.active.is_(True))
        return [_folder(row) for row in self.conn.execute(query)]

    def add_folder(self, folder: WatchedFolder) -> int:
        return int(
            self.conn.execute(
                sa.insert(mailbox_folders)
                .values(**_folder_values(folder), last_uid=0, skipped={})
                .returning(mailbox_folders.c.id)
            ).scalar_one()
        )

    def save_folder(self, folder: WatchedFolder) -> None:
        assert folder.id is not None
        self.conn.execute(
            sa.update(mailbox_folders)
            .where(mailbox_folders.c.id == folder.id)
            .values(**_folder_values(folder))
        )

    def advance(self, folder_id: int, state: FolderSyncState) -> bool:
        """Move the folder's position forward (never back); False if the UIDVALIDITY changed."""
        result = self.conn.execute(
            sa.update(mailbox_folders)
            .where(
                mailbox_folders.c.id == folder_id,
                mailbox_folders.c.uidvalidity == state.uidvalidity,
                mailbox_folders.c.last_uid <= state.last_uid,
            )
            .values(last_uid=state.last_uid, highestmodseq=state.highestmodseq)
        )
        return result.rowcount == 1

    def reset_state(self, folder_id: int, uidvalidity: int) -> None:
        """Start the folder again under a new UIDVALIDITY; its old UIDs are void."""
        self.conn.execute(
            sa.update(mailbox_folders)
            .where(mailbox_folders.c.id == folder_id)
            .values(uidvalidity=uidvalidity, last_uid=0, highestmodseq=None)
        )
        self.messages.forget_other_uidvalidity(folder_id, uidvalidity)

    def add_skips(self, folder_id: int, counts: Mapping[str, int]) -> None:
        if not counts:
            return
        current = self.conn.execute(
            sa.select(mailbox_folders.c.skipped).where(mailbox_folders.c.id == folder_id)
        ).scalar_one()
        merged = dict(current or {})
        for rule, count in counts.items():
            merged[rule] = merged.get(rule, 0) + count
        self.conn.execute(
            sa.update(mailbox_folders)
            .where(mailbox_folders.c.id == folder_id)
            .values(skipped=merged)
        )


def _lease_takeable(
    now: datetime, owner: str, dead_owners: Collection[str]
) -> sa.ColumnElement[bool]:
    return sa.or_(
        mailboxes.c.lease_owner.is_(None),
        mailboxes.c.lease_until < now,
        mailboxes.c.lease_owner.in_([owner, *dead_owners]),
    )
