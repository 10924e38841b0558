"""Reference counts of stored blobs, in the same transactions as the rows that use them."""

from __future__ import annotations

from collections.abc import Iterable

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from correspondent.storage.sql import insert_ignoring_duplicates, upsert_increment
from correspondent.storage.tables import blobs


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
