"""An activity's files: removing one (stop sharing it), and reading a file or the raw message."""

from __future__ import annotations

from dataclasses import dataclass

from correspondent.domain.access import ACTIVITY_TYPE, Actor, Operation
from correspondent.domain.activity import AttachmentState, EmailActivity
from correspondent.domain.errors import InvalidInput, NotFound
from correspondent.domain.records import RecordRef
from correspondent.services.access import authorize, describe
from correspondent.services.blob_collection import collect_released_blobs
from correspondent.services.directory.entries import require_user
from correspondent.services.ports import BlobStore, UnitOfWork, UnitOfWorkFactory


@dataclass(frozen=True)
class FileContent:
    filename: str
    content_type: str
    data: bytes


def _activity(
    uow: UnitOfWork, actor: Actor, activity_id: int, operation: Operation
) -> EmailActivity:
    authorize(uow, actor, RecordRef(ACTIVITY_TYPE, activity_id), operation)
    activity = uow.activities.get(activity_id)
    if activity is None:
        raise NotFound(describe(RecordRef(ACTIVITY_TYPE, activity_id)))
    return activity


def remove_attachment(
    uow_factory: UnitOfWorkFactory,
    blobs: BlobStore,
    actor: Actor,
    activity_id: int,
    attachment_id: int,
    user_email: str,
) -> None:
    """Mark the file removed and free its content; the actor must write the activity."""
    with uow_factory() as uow:
        user = require_user(uow, user_email)
        if not uow.activities.lock(activity_id, exclusive=True):
            raise NotFound(describe(RecordRef(ACTIVITY_TYPE, activity_id)))
        activity = _activity(uow, actor, activity_id, Operation.WRITE)
        attachment = next((a for a in activity.attachments if a.id == attachment_id), None)
        if attachment is None:
            raise NotFound(f"Activity {activity_id} has no attachment {attachment_id}.")
        if attachment.status is AttachmentState.REMOVED or not (
            uow.activities.mark_attachment_removed(attachment_id, f"removed by {user.email}")
        ):
            raise InvalidInput(f"Attachment {attachment_id} was already removed.")
        uow.activities.add_notification(
            activity_id, f"The attachment {attachment.filename!r} was removed by {user.email}."
        )
        if attachment.blob_hash:
            uow.blob_refs.release(attachment.blob_hash)
        uow.commit()
    if attachment.blob_hash:
        collect_released_blobs(uow_factory, blobs, [attachment.blob_hash])


def attachment_content(
    uow_factory: UnitOfWorkFactory,
    blobs: BlobStore,
    actor: Actor,
    activity_id: int,
    attachment_id: int,
) -> FileContent:
    with uow_factory() as uow:
        activity = _activity(uow, actor, activity_id, Operation.READ)
    found = next((a for a in activity.attachments if a.id == attachment_id), None)
    if found is None:
        raise NotFound(f"Activity {activity_id} has no attachment {attachment_id}.")
    if found.status is not AttachmentState.SAVED or not found.blob_hash:
        raise NotFound(
            f"Attachment {attachment_id} was not kept ({found.status.value}): {found.reason}"
        )
    return FileContent(found.filename, found.content_type, blobs.get(found.blob_hash))


def raw_message(
    uow_factory: UnitOfWorkFactory, blobs: BlobStore, actor: Actor, activity_id: int
) -> FileContent:
    """The original message, byte for byte."""
    with uow_factory() as uow:
        activity = _activity(uow, actor, activity_id, Operation.READ)
    return FileContent(
        f"activity-{activity_id}.eml", "message/rfc822", blobs.get(activity.raw_blob_hash)
    )
