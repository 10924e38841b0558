"""Blob files, their reference counts, and the quarantine that keeps refused messages."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Protocol

from correspondent.domain.quarantine import QuarantinedMessage


class BlobReferenceRepository(Protocol):
    """Reference counts of stored blobs (see ``storage.blobs`` for the locking protocol)."""

    def acquire(self, references: dict[str, tuple[int, int]]) -> None:
        """Add references to blobs (digest -> (size, how many)), creating rows as needed."""

    def release(self, digest: str) -> None: ...

    def lock_if_unused(self, digest: str) -> int | None:
        """Delete the row of an unused blob, holding its lock until commit; its size if deleted."""

    def keep_unused(self, digest: str, size: int) -> None:
        """Put back the row ``lock_if_unused`` deleted (its file could not be deleted)."""

    def claim_orphan(self, digest: str) -> bool:
        """Insert an unused row for a file that has none, locking it; False if a row exists."""

    def unused(self, limit: int = 1000) -> list[str]: ...

    def known(self, digests: Iterable[str]) -> set[str]: ...


class QuarantineRepository(Protocol):
    """Messages that could not be tracked, with the reason."""

    def add(self, item: QuarantinedMessage) -> int: ...

    def list(self, limit: int = 1000) -> list[QuarantinedMessage]: ...

    def get(self, item_id: int) -> QuarantinedMessage | None: ...

    def set_reason(self, item_id: int, reason: str) -> None: ...

    def remove(self, item_id: int) -> QuarantinedMessage | None:
        """Delete the item (locking it); the item, or None when it was gone already."""


class BlobStore(Protocol):
    """Files by SHA-256 digest, written once."""

    def put(self, digest: str, data: bytes) -> None: ...

    def put_many(self, items: Mapping[str, bytes]) -> None:
        """``put`` each digest -> data; all are durable when it returns."""

    def get(self, digest: str) -> bytes: ...

    def exists(self, digest: str) -> bool: ...

    def delete(self, digest: str) -> None: ...


class SweepableBlobStore(BlobStore, Protocol):
    def digests_older_than(self, seconds: float) -> list[str]: ...
