"""The quarantine: messages that could not be tracked, with the reason."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from correspondent.domain.quarantine import QuarantinedMessage
from correspondent.storage.tables import quarantine


class QuarantineRepository:
    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    def add(self, item: QuarantinedMessage) -> int:
        return int(
            self.conn.execute(
                sa.insert(quarantine)
                .values(
                    user_id=item.user_id,
                    source=item.source[:200],
                    reason=item.reason,
                    raw_blob_hash=item.raw_blob_hash,
                    raw_size=item.raw_size,
                    received_at=item.received_at,
                )
                .returning(quarantine.c.id)
            ).scalar_one()
        )

    def list(self, limit: int = 1000) -> list[QuarantinedMessage]:
        rows = self.conn.execute(
            sa.select(quarantine).order_by(quarantine.c.id.desc()).limit(limit)
        )
        return [_item(r) for r in rows]

    def get(self, item_id: int) -> QuarantinedMessage | None:
        row = self.conn.execute(sa.select(quarantine).where(quarantine.c.id == item_id)).first()
        return _item(row) if row else None

    def set_reason(self, item_id: int, reason: str) -> None:
        self.conn.execute(
            sa.update(quarantine).where(quarantine.c.id == item_id).values(reason=reason)
        )

    def remove(self, item_id: int) -> QuarantinedMessage | None:
        # DELETE … RETURNING takes the row's lock: of two concurrent removals only one gets it.
        row = self.conn.execute(
            sa.delete(quarantine).where(quarantine.c.id == item_id).returning(*quarantine.c)
        ).first()
        return _item(row) if row else None


def _item(r: sa.Row[Any]) -> QuarantinedMessage:
    return QuarantinedMessage(
        r.id, r.user_id, r.source, r.reason, r.raw_blob_hash, r.raw_size, r.received_at
    )
