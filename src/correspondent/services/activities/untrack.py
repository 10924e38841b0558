"""Untracking: a user takes back their tracking, and the activity goes when asked and nobody
else tracks it (BEHAVIOUR §1). Blobs no longer referenced are freed after the change commits."""

from __future__ import annotations

from correspondent.domain.access import ACTIVITY_TYPE, Actor, Operation
from correspondent.domain.activity import ActivityStatus, EmailActivity
from correspondent.domain.errors import InvalidInput, MessageRejected, NotFound
from correspondent.domain.records import RecordRef
from correspondent.domain.settings import OrgSettings
from correspondent.domain.users import User
from correspondent.mail.parse import parse_message
from correspondent.services.access import authorize, describe
from correspondent.services.activities.identity import message_identity
from correspondent.services.blob_collection import collect_released_blobs
from correspondent.services.directory.entries import require_user
from correspondent.services.ports import BlobStore, UnitOfWork, UnitOfWorkFactory


def untrack(
    uow_factory: UnitOfWorkFactory,
    blobs: BlobStore,
    actor: Actor,
    activity_id: int,
    user_email: str,
    *,
    delete_activity: bool = False,
) -> bool:
    """Remove the user's trackers; delete the activity when asked and nobody tracks it.

    The actor must read the activity (delete it, with ``delete_activity``). Returns True when
    the activity was deleted.
    """
    with uow_factory() as uow:
        user = require_user(uow, user_email)
        operation = Operation.DELETE if delete_activity else Operation.READ
        authorize(uow, actor, RecordRef(ACTIVITY_TYPE, activity_id), operation)
        deleted, released = _untrack_in(uow, user, activity_id, delete_activity=delete_activity)
        uow.commit()
    if released:
        collect_released_blobs(uow_factory, blobs, released)
    return deleted


def untrack_message(
    uow_factory: UnitOfWorkFactory, blobs: BlobStore, user: User, raw: bytes
) -> None:
    """Remove ``user``'s tracker from the activity of ``raw``, the message as they tracked it.

    For users who cannot read that activity, and so never learnt its id. It needs no permission
    on the activity (it only takes back the user's own tracking) and reveals nothing about it:
    whether the message is unknown or tracked by others only, the answer is the same NotFound.
    """
    not_tracked = NotFound("You do not track this message.")
    try:
        message = parse_message(raw)
    except MessageRejected:
        raise not_tracked from None
    with uow_factory() as uow:
        org = OrgSettings.from_stored(uow.settings.org())
        activity_id = uow.activities.id_for_identity(
            message_identity(org, user.email, message, raw)
        )
        if activity_id is None:
            raise not_tracked
        try:
            _deleted, released = _untrack_in(uow, user, activity_id, delete_activity=False)
        except (InvalidInput, NotFound):  # not theirs, or deleted meanwhile; its id stays private
            raise not_tracked from None
        uow.commit()
    assert not released


def _untrack_in(
    uow: UnitOfWork, user: User, activity_id: int, *, delete_activity: bool
) -> tuple[bool, list[str]]:
    """Inside ``uow``: (whether the activity was deleted, the blobs it released)."""
    # Exclusive: a tracker being added concurrently either lands before we count the
    # trackers (and the activity stays) or finds the activity gone (and makes a new one).
    if not uow.activities.lock(activity_id, exclusive=True):
        raise NotFound(f"There is no activity with id {activity_id}.")
    activity = uow.activities.get(activity_id)
    if activity is None:
        raise NotFound(f"There is no activity with id {activity_id}.")
    if uow.activities.remove_trackers(activity_id, user.id) == 0:
        raise InvalidInput(f"{user.email} does not track activity {activity_id}.")
    if uow.activities.trackers_of(activity_id):
        return False, []
    if not delete_activity:
        uow.activities.set_status(activity_id, ActivityStatus.UNTRACKED)
        return False, []
    return True, _delete(uow, activity)


def delete_activity(
    uow_factory: UnitOfWorkFactory, blobs: BlobStore, actor: Actor, activity_id: int
) -> None:
    """Delete the activity whoever tracks it (needs the delete privilege); the mail is untouched."""
    with uow_factory() as uow:
        authorize(uow, actor, RecordRef(ACTIVITY_TYPE, activity_id), Operation.DELETE)
        activity = uow.activities.get(activity_id)
        if activity is None:
            raise NotFound(describe(RecordRef(ACTIVITY_TYPE, activity_id)))
        released = _delete(uow, activity)
        uow.commit()
    collect_released_blobs(uow_factory, blobs, released)


def _delete(uow: UnitOfWork, activity: EmailActivity) -> list[str]:
    """Delete the activity inside ``uow``; returns the blobs it released."""
    assert activity.id is not None
    released = [activity.raw_blob_hash] + [a.blob_hash for a in activity.attachments if a.blob_hash]
    for digest in released:
        uow.blob_refs.release(digest)
    uow.access.delete_shares(RecordRef(ACTIVITY_TYPE, activity.id))
    uow.activities.delete(activity.id)
    return released
