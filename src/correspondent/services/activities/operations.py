"""Use cases behind the activity API: track, read, list, timeline, regarding, untrack, files.

Tracking a message that is already an activity adds the user's tracker (BEHAVIOUR §1) but gives
them no access they did not have: if they may not read the activity (it belongs to a colleague
whose activities their roles do not cover), the answer says the message is tracked and nothing
else — no id, no content, no link. Their tracker still counts, so the activity is not deleted
while they track it. A regarding record they ask for is applied only if they may write the
activity.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from correspondent.domain.access import ACTIVITY_TYPE, Actor, Operation, may, scope
from correspondent.domain.activity import AttachmentState, decide_direction, identity_key
from correspondent.domain.errors import InvalidInput, MessageRejected, NotFound
from correspondent.domain.records import RecordRef
from correspondent.domain.settings import ORG_SETTINGS, SettingValues
from correspondent.domain.users import User
from correspondent.mail.parse import parse_message
from correspondent.services.access import authorize, authorize_create, describe, readable_refs
from correspondent.services.activities import changes as activity_changes
from correspondent.services.activities.track import MessageTracker, TrackRequest
from correspondent.services.activities.views import full_view, summary_views
from correspondent.services.blob_collection import collect_released_blobs
from correspondent.services.paging import Page, check_limit, decode_cursor, encode_cursor
from correspondent.services.ports import BlobStore, UnitOfWork, UnitOfWorkFactory


def _ref(activity_id: int) -> RecordRef:
    return RecordRef(ACTIVITY_TYPE, activity_id)


def _require_readable_record(uow: UnitOfWork, actor: Actor, ref: RecordRef) -> None:
    if ref not in readable_refs(uow, actor, [ref]):
        raise NotFound(describe(ref))


def _existing_activity(uow: UnitOfWork, raw: bytes, user: User) -> int | None:
    try:
        message = parse_message(raw)
    except MessageRejected:
        return None  # the tracker quarantines it and says why
    org = SettingValues(ORG_SETTINGS, uow.settings.org())
    direction = decide_direction([a.address for a in message.from_], user.email)
    key = identity_key(
        message.message_id,
        direction,
        raw,
        split_by_direction=org["tracking.internal_as_two_activities"],
    )
    return uow.activities.id_for_identity(key)


def track(
    tracker: MessageTracker,
    actor: Actor,
    user: User,
    raw: bytes,
    regarding: RecordRef | None = None,
) -> tuple[bool, dict[str, Any] | None]:
    """Track ``raw`` for ``user``; returns (created, the activity view or None if not readable)."""
    authorize_create(actor, ACTIVITY_TYPE, user)
    if regarding is not None:
        with tracker.uow_factory() as uow:
            _require_readable_record(uow, actor, regarding)

    def may_write(uow: UnitOfWork, activity_id: int) -> bool:
        # Checked in the tracking transaction, once the message is known to be an activity.
        facts = uow.access.facts(_ref(activity_id), actor.user_id)
        return facts is not None and may(actor, ACTIVITY_TYPE, Operation.WRITE, facts)

    request = TrackRequest(raw, user.email, regarding, origin="api", may_relink=may_write)
    result = tracker.track(request)
    with tracker.uow_factory() as uow:
        facts = uow.access.facts(_ref(result.activity_id), actor.user_id)
        if facts is None or not may(actor, ACTIVITY_TYPE, Operation.READ, facts):
            return result.created, None
        activity = uow.activities.get(result.activity_id)
        assert activity is not None
        return result.created, full_view(uow, actor, activity)


def get_activity(uow_factory: UnitOfWorkFactory, actor: Actor, activity_id: int) -> dict[str, Any]:
    with uow_factory() as uow:
        authorize(uow, actor, _ref(activity_id), Operation.READ)
        activity = uow.activities.get(activity_id)
        if activity is None:
            raise NotFound(describe(_ref(activity_id)))
        return full_view(uow, actor, activity)


@dataclass(frozen=True)
class ActivityFilter:
    regarding: RecordRef | None = None
    party: RecordRef | None = None
    owner_id: int | None = None
    sent_after: datetime | None = None
    sent_before: datetime | None = None


def list_activities(
    uow_factory: UnitOfWorkFactory,
    actor: Actor,
    wanted: ActivityFilter,
    *,
    cursor: str | None = None,
    limit: int = 50,
) -> Page:
    check_limit(limit)
    before = decode_cursor(cursor)[1] if cursor else None
    with uow_factory() as uow:
        for ref in (wanted.regarding, wanted.party):
            if ref is not None:
                _require_readable_record(uow, actor, ref)
        items = uow.listing.activity_page(
            scope(actor, ACTIVITY_TYPE),
            regarding=wanted.regarding,
            party=wanted.party,
            owner_id=wanted.owner_id,
            sent_after=wanted.sent_after,
            sent_before=wanted.sent_before,
            before_id=before,
            limit=limit,
        )
        views = summary_views(uow, actor, items)
    return Page(views, encode_cursor(None, items[-1].id) if len(items) == limit else None)


def set_regarding(
    uow_factory: UnitOfWorkFactory,
    actor: Actor,
    user: User,
    activity_id: int,
    regarding: RecordRef | None,
) -> dict[str, Any]:
    with uow_factory() as uow:
        authorize(uow, actor, _ref(activity_id), Operation.WRITE)
        if regarding is not None:
            _require_readable_record(uow, actor, regarding)
    activity_changes.set_regarding(uow_factory, activity_id, regarding, user.email)
    return get_activity(uow_factory, actor, activity_id)


def untrack(
    uow_factory: UnitOfWorkFactory,
    blobs: BlobStore,
    actor: Actor,
    user: User,
    activity_id: int,
    *,
    delete_activity: bool,
) -> bool:
    with uow_factory() as uow:
        authorize(
            uow,
            actor,
            _ref(activity_id),
            Operation.DELETE if delete_activity else Operation.READ,
        )
    return activity_changes.untrack(
        uow_factory, blobs, activity_id, user.email, delete_activity=delete_activity
    )


def untrack_message(
    uow_factory: UnitOfWorkFactory, blobs: BlobStore, user: User, raw: bytes
) -> None:
    """Remove ``user``'s tracker from the activity of ``raw``, the message as they tracked it.

    For users who cannot read that activity, and so never learnt its id. It needs no permission
    on the activity (it only takes back the user's own tracking) and reveals nothing about it:
    whether the message is unknown or tracked by others only, the answer is the same NotFound.
    """
    with uow_factory() as uow:
        activity_id = _existing_activity(uow, raw, user)
        tracking_it = activity_id is not None and any(
            t.user_id == user.id for t in uow.activities.trackers_of(activity_id)
        )
    if activity_id is None or not tracking_it:
        raise NotFound("You do not track this message.")
    try:
        activity_changes.untrack(uow_factory, blobs, activity_id, user.email)
    except (InvalidInput, NotFound):  # untracked or deleted meanwhile; its id stays private
        raise NotFound("You do not track this message.") from None


def delete_activity(
    uow_factory: UnitOfWorkFactory, blobs: BlobStore, actor: Actor, activity_id: int
) -> None:
    """Delete the activity whoever tracks it (needs the delete privilege); the mail is untouched."""
    with uow_factory() as uow:
        authorize(uow, actor, _ref(activity_id), Operation.DELETE)
        activity = uow.activities.get(activity_id)
        if activity is None:
            raise NotFound(describe(_ref(activity_id)))
        released = [activity.raw_blob_hash] + [
            a.blob_hash for a in activity.attachments if a.blob_hash
        ]
        for item in released:
            uow.blob_refs.release(item)
        uow.access.delete_shares(_ref(activity_id))
        uow.activities.delete(activity_id)
        uow.commit()
    collect_released_blobs(uow_factory, blobs, released)


def remove_attachment(
    uow_factory: UnitOfWorkFactory,
    blobs: BlobStore,
    actor: Actor,
    user: User,
    activity_id: int,
    attachment_id: int,
) -> None:
    with uow_factory() as uow:
        authorize(uow, actor, _ref(activity_id), Operation.WRITE)
    activity_changes.remove_attachment(uow_factory, blobs, activity_id, attachment_id, user.email)


@dataclass(frozen=True)
class FileContent:
    filename: str
    content_type: str
    data: bytes


def attachment_content(
    uow_factory: UnitOfWorkFactory,
    blobs: BlobStore,
    actor: Actor,
    activity_id: int,
    attachment_id: int,
) -> FileContent:
    with uow_factory() as uow:
        authorize(uow, actor, _ref(activity_id), Operation.READ)
        activity = uow.activities.get(activity_id)
        found = next(
            (a for a in activity.attachments if a.id == attachment_id) if activity else iter(()),
            None,
        )
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
    with uow_factory() as uow:
        authorize(uow, actor, _ref(activity_id), Operation.READ)
        activity = uow.activities.get(activity_id)
        if activity is None:
            raise NotFound(describe(_ref(activity_id)))
    return FileContent(
        f"activity-{activity_id}.eml", "message/rfc822", blobs.get(activity.raw_blob_hash)
    )
