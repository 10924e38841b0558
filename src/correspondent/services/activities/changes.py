"""What a user does with an activity after tracking: set regarding, untrack, remove a file.

After a message is sent its content is immutable, but its regarding record can change; untracking
removes the user's trackers and, when asked and nobody else tracks it, the activity itself
(BEHAVIOUR §1). Blobs no longer referenced are freed after the change commits.
"""

from __future__ import annotations

from correspondent.domain.activity import AttachmentState, EmailActivity
from correspondent.domain.errors import InvalidInput, NotFound
from correspondent.domain.records import RecordRef
from correspondent.services.blob_collection import collect_released_blobs
from correspondent.services.directory.entries import require_record, require_user
from correspondent.services.ports import BlobStore, UnitOfWork, UnitOfWorkFactory


def set_regarding(
    uow_factory: UnitOfWorkFactory, activity_id: int, regarding: RecordRef | None, user_email: str
) -> None:
    with uow_factory() as uow:
        require_user(uow, user_email)
        if regarding is not None:
            require_record(uow, regarding)
        _require_activity(uow, activity_id)
        uow.activities.set_regarding(activity_id, regarding)
        uow.commit()


def untrack(
    uow_factory: UnitOfWorkFactory,
    blobs: BlobStore,
    activity_id: int,
    user_email: str,
    *,
    delete_activity: bool = False,
) -> bool:
    """Remove the user's trackers; delete the activity when asked and nobody tracks it.

    Returns True when the activity was deleted.
    """
    released: list[str] = []
    with uow_factory() as uow:
        user = require_user(uow, user_email)
        # Exclusive: a tracker being added concurrently either lands before we count the
        # trackers (and the activity stays) or finds the activity gone (and makes a new one).
        if not uow.activities.lock(activity_id, exclusive=True):
            raise NotFound(f"There is no activity with id {activity_id}.")
        activity = _require_activity(uow, activity_id)
        if uow.activities.remove_trackers(activity_id, user.id) == 0:
            raise InvalidInput(f"{user.email} does not track activity {activity_id}.")
        deleted = False
        if delete_activity and not uow.activities.trackers_of(activity_id):
            released = [activity.raw_blob_hash] + [
                a.blob_hash for a in activity.attachments if a.blob_hash
            ]
            for digest in released:
                uow.blob_refs.release(digest)
            uow.activities.delete(activity_id)
            deleted = True
        uow.commit()
    if released:
        collect_released_blobs(uow_factory, blobs, released)
    return deleted


def remove_attachment(
    uow_factory: UnitOfWorkFactory,
    blobs: BlobStore,
    activity_id: int,
    attachment_id: int,
    user_email: str,
) -> None:
    with uow_factory() as uow:
        user = require_user(uow, user_email)
        if not uow.activities.lock(activity_id, exclusive=True):
            raise NotFound(f"There is no activity with id {activity_id}.")
        activity = _require_activity(uow, activity_id)
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


def _require_activity(uow: UnitOfWork, activity_id: int) -> EmailActivity:
    activity = uow.activities.get(activity_id)
    if activity is None:
        raise NotFound(f"There is no activity with id {activity_id}.")
    return activity
