"""The quarantine: messages that could not be tracked, kept with the reason (nothing is lost)."""

from __future__ import annotations

from datetime import UTC, datetime

from correspondent.domain.activity import content_digest
from correspondent.domain.quarantine import QuarantinedMessage
from correspondent.services.directory.entries import require_user
from correspondent.services.ports import BlobStore, UnitOfWorkFactory


def quarantine_message(
    uow_factory: UnitOfWorkFactory,
    blobs: BlobStore,
    raw: bytes,
    *,
    reason: str,
    user_email: str | None,
    origin: str,
) -> int:
    """Keep ``raw`` with the reason; the user must exist (an unknown user is the caller's error)."""
    digest = content_digest(raw)
    with uow_factory() as uow:
        user_id = require_user(uow, user_email).id if user_email else None
        uow.blob_refs.acquire({digest: (len(raw), 1)})
        blobs.put(digest, raw)
        item_id = uow.quarantine.add(
            QuarantinedMessage(
                id=0,
                user_id=user_id,
                source=origin,
                reason=reason,
                raw_blob_hash=digest,
                raw_size=len(raw),
                received_at=datetime.now(UTC),
            )
        )
        uow.commit()
        return item_id
