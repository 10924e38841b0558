"""Repositories for settings, personal options, blob references and the quarantine."""

from __future__ import annotations

from collections.abc import Iterable

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from correspondent.domain.quarantine import QuarantinedMessage
from correspondent.storage.sql import insert_ignoring_duplicates, upsert_increment
from correspondent.storage.tables import blobs, org_settings, personal_options, quarantine


class SettingsRepository:
    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    def org(self) -> dict[str, str]:
        return {r.key: r.value for r in self.conn.execute(sa.select(org_settings))}

    def set_org(self, key: str, value: str) -> None:
        self.conn.execute(sa.delete(org_settings).where(org_settings.c.key == key))
        self.conn.execute(sa.insert(org_settings).values(key=key, value=value))

    def personal(self, user_id: int) -> dict[str, str]:
        rows = self.conn.execute(
            sa.select(personal_options).where(personal_options.c.user_id == user_id)
        )
        return {r.key: r.value for r in rows}

    def set_personal(self, user_id: int, key: str, value: str) -> None:
        self.conn.execute(
            sa.delete(personal_options).where(
                personal_options.c.user_id == user_id, personal_options.c.key == key
            )
        )
        self.conn.execute(sa.insert(personal_options).values(user_id=user_id, key=key, value=value))


class BlobReferenceRepository:
    """Reference counts of stored blobs (see ``storage.blobs`` for the locking protocol)."""

    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    def acquire(self, references: dict[str, tuple[int, int]]) -> None:
        """Add references to blobs (digest -> (size, how many)), creating rows as needed."""
        rows = [
            {"hash": d, "size": size, "refs": count}
            for d, (size, count) in sorted(references.items())
        ]
        upsert_increment(self.conn, blobs, rows, key="hash", counter="refs")

    def release(self, digest: str) -> None:
        self.conn.execute(
            sa.update(blobs).where(blobs.c.hash == digest).values(refs=blobs.c.refs - 1)
        )

    def lock_if_unused(self, digest: str) -> int | None:
        """Delete the row of an unused blob, holding its lock until commit; its size if deleted."""
        size: int | None = self.conn.execute(
            sa.delete(blobs)
            .where(blobs.c.hash == digest, blobs.c.refs <= 0)
            .returning(blobs.c.size)
        ).scalar_one_or_none()
        return size

    def keep_unused(self, digest: str, size: int) -> None:
        """Put back the row ``lock_if_unused`` deleted (its file could not be deleted)."""
        self.conn.execute(sa.insert(blobs).values(hash=digest, size=size, refs=0))

    def claim_orphan(self, digest: str) -> bool:
        """Insert an unused row for a file that has none, locking it; False if a row exists.

        A writer acquiring the same content meanwhile waits for our commit, then inserts a
        fresh row and writes the file again (``FileBlobStore.put`` writes missing files).
        """
        return insert_ignoring_duplicates(
            self.conn, blobs, {"hash": digest, "size": 0, "refs": 0}, ["hash"]
        )

    def unused(self, limit: int = 1000) -> list[str]:
        return list(
            self.conn.execute(
                sa.select(blobs.c.hash).where(blobs.c.refs <= 0).limit(limit)
            ).scalars()
        )

    def known(self, digests: Iterable[str]) -> set[str]:
        wanted = list(digests)
        if not wanted:
            return set()
        return set(
            self.conn.execute(sa.select(blobs.c.hash).where(blobs.c.hash.in_(wanted))).scalars()
        )


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
        return [
            QuarantinedMessage(
                r.id, r.user_id, r.source, r.reason, r.raw_blob_hash, r.raw_size, r.received_at
            )
            for r in rows
        ]
