"""The quarantine as administrators see it: the listing, the original message, and Retry.

Retry tracks the kept bytes again for the user they came for (a newer version may parse what an
older one refused). Tracking and removing the item are two transactions: if the second does not
happen, a second Retry finds the activity already tracked and removes the item then, so the
message is never lost nor tracked twice.
"""

from __future__ import annotations

from dataclasses import dataclass

from correspondent.domain.access import Actor
from correspondent.domain.activity import TrackerSource
from correspondent.domain.errors import InvalidInput, MessageRejected, NotFound
from correspondent.domain.quarantine import QuarantinedMessage
from correspondent.services.access import require_administrator
from correspondent.services.activities.attachments import FileContent
from correspondent.services.blob_collection import collect_released_blobs
from correspondent.services.ports import BlobStore, UnitOfWork, UnitOfWorkFactory

DEFAULT_LIMIT = 1000


def list_quarantine(
    uow_factory: UnitOfWorkFactory, actor: Actor, limit: int = DEFAULT_LIMIT
) -> list[QuarantinedMessage]:
    require_administrator(actor)
    with uow_factory() as uow:
        return uow.quarantine.list(limit)


def _item(uow: UnitOfWork, item_id: int) -> QuarantinedMessage:
    item = uow.quarantine.get(item_id)
    if item is None:
        raise NotFound(f"There is no quarantined message with id {item_id}.")
    return item


def quarantined_original(
    uow_factory: UnitOfWorkFactory, blobs: BlobStore, actor: Actor, item_id: int
) -> FileContent:
    """The quarantined message, byte for byte."""
    require_administrator(actor)
    with uow_factory() as uow:
        item = _item(uow, item_id)
    return FileContent(f"quarantine-{item_id}.eml", "message/rfc822", blobs.get(item.raw_blob_hash))


@dataclass(frozen=True)
class RetryOutcome:
    """What Retry did: tracked (the item is gone) or refused again (the item keeps the reason)."""

    quarantine_id: int
    activity_id: int | None
    """The activity the message is now, or None when it was refused again."""
    reason: str | None
    """Why it was refused again (also the item's reason now)."""

    @property
    def tracked(self) -> bool:
        return self.activity_id is not None


def retry_quarantined(
    uow_factory: UnitOfWorkFactory, blobs: BlobStore, actor: Actor, item_id: int
) -> RetryOutcome:
    """Track the quarantined message again for the user it came for."""
    # Imported here: the tracker brings the MIME parser, which the CLI's other commands
    # (this module's listing among them) do not need at start-up.
    from correspondent.services.activities.track import MessageTracker, TrackRequest

    require_administrator(actor)
    with uow_factory() as uow:
        item = _item(uow, item_id)
        user = uow.directory.user(item.user_id) if item.user_id is not None else None
        if user is None:
            raise InvalidInput(
                f"Quarantined message {item_id} came for no user, so there is nobody to track "
                "it for; download the original and track it as the right user."
            )
    request = TrackRequest(
        blobs.get(item.raw_blob_hash),
        user.email,
        source=TrackerSource.MANUAL,
        origin=item.source,
        actor=actor,
    )
    try:
        result = MessageTracker(uow_factory, blobs).track_or_refuse(request)
    except MessageRejected as refused:
        with uow_factory() as uow:
            _item(uow, item_id)
            uow.quarantine.set_reason(item_id, refused.reason)
            uow.commit()
        return RetryOutcome(item_id, None, refused.reason)
    with uow_factory() as uow:
        removed = uow.quarantine.remove(item_id)
        if removed is not None:
            uow.blob_refs.release(removed.raw_blob_hash)
        uow.commit()
    if removed is not None:
        collect_released_blobs(uow_factory, blobs, [removed.raw_blob_hash])
    return RetryOutcome(item_id, result.activity_id, None)
