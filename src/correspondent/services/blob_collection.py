"""Frees blobs that no activity, attachment or quarantined message uses any more.

Files can also be left without any row: written for a transaction that then rolled back (a
concurrent duplicate, a crash). ``sweep_orphan_files`` removes those once they are old enough
that no transaction still running can own them.

Runs in its own short transaction after the one that released the references, so a concurrent
writer that re-acquires the same content either waits for this deletion or prevents it (see
``storage.blobs``). That earlier change stands whatever happens here: ``collect_released_blobs``
logs a failure instead of failing the caller, and the unused rows wait for the next collection
(``correspondent db sweep-blobs``). Storing the same content again rewrites a missing file.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable

from correspondent.services.ports import BlobStore, SweepableBlobStore, UnitOfWorkFactory

logger = logging.getLogger(__name__)


def collect_blobs(
    uow_factory: UnitOfWorkFactory, blobs: BlobStore, digests: Iterable[str] | None = None
) -> int:
    """Delete the given (or all) unreferenced blobs; return how many were deleted.

    A file that cannot be deleted keeps its unused row (to be tried again) and is logged; the
    others are deleted regardless.
    """
    deleted = 0
    stuck: list[str] = []
    with uow_factory() as uow:
        candidates = list(digests) if digests is not None else uow.blob_refs.unused()
        for digest in sorted(set(candidates)):
            size = uow.blob_refs.lock_if_unused(digest)
            if size is None:
                continue
            try:
                blobs.delete(digest)
            except OSError:
                logger.warning("Could not delete blob file %s", digest, exc_info=True)
                uow.blob_refs.keep_unused(digest, size)
                stuck.append(digest)
                continue
            deleted += 1
        uow.commit()
    if stuck:
        logger.warning(
            "%d unused blob file(s) could not be deleted and stay listed for the next sweep.",
            len(stuck),
        )
    return deleted


def collect_released_blobs(
    uow_factory: UnitOfWorkFactory, blobs: BlobStore, digests: list[str]
) -> None:
    """``collect_blobs`` for references a committed change just released; never raises."""
    try:
        collect_blobs(uow_factory, blobs, digests)
    except Exception:  # the change is stored; the files can go later, and the log says so
        logger.warning(
            "Could not delete %d unused blob(s) %s yet; 'correspondent db sweep-blobs' will.",
            len(digests),
            ", ".join(d[:12] for d in digests),
            exc_info=True,
        )


ORPHAN_MIN_AGE_SECONDS = 3600


def sweep_orphan_files(
    uow_factory: UnitOfWorkFactory,
    blobs: SweepableBlobStore,
    older_than_seconds: float = ORPHAN_MIN_AGE_SECONDS,
) -> int:
    """Delete blob files that no row knows and that are older than the given age."""
    candidates = blobs.digests_older_than(older_than_seconds)
    deleted = 0
    for start in range(0, len(candidates), 500):
        chunk = candidates[start : start + 500]
        with uow_factory() as uow:
            known = uow.blob_refs.known(chunk)
            for digest in sorted(set(chunk) - known):
                if digest.startswith(".tmp-") or uow.blob_refs.claim_orphan(digest):
                    blobs.delete(digest)
                    deleted += 1
            for digest in sorted(set(chunk) - known):
                uow.blob_refs.lock_if_unused(digest)  # drop the claim rows again
            uow.commit()
    return deleted


def housekeep_blobs(
    uow_factory: UnitOfWorkFactory,
    blobs: SweepableBlobStore,
    older_than_seconds: float = ORPHAN_MIN_AGE_SECONDS,
) -> tuple[int, int]:
    """Delete unused blobs and old orphaned files (``db sweep-blobs``, and the sync worker now
    and then); returns (unused, orphaned) counts."""
    unused = collect_blobs(uow_factory, blobs)
    return unused, sweep_orphan_files(uow_factory, blobs, older_than_seconds)
