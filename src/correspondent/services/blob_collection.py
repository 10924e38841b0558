"""Frees blobs that no activity, attachment or quarantined message uses any more.

Runs in its own short transaction after the one that released the references, so a concurrent
writer that re-acquires the same content either waits for this deletion or prevents it (see
``storage.blobs``).
"""

from __future__ import annotations

from collections.abc import Iterable

from correspondent.services.ports import BlobStore, UnitOfWorkFactory


def collect_blobs(
    uow_factory: UnitOfWorkFactory, blobs: BlobStore, digests: Iterable[str] | None = None
) -> int:
    """Delete the given (or all) unreferenced blobs; return how many were deleted."""
    deleted = 0
    with uow_factory() as uow:
        candidates = list(digests) if digests is not None else uow.blob_refs.unused()
        for digest in sorted(set(candidates)):
            if uow.blob_refs.lock_if_unused(digest):
                blobs.delete(digest)
                deleted += 1
        uow.commit()
    return deleted
