"""Tracking and email activities: track, read, list, regarding, untrack, files, sharing."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

from fastapi import APIRouter, Query, Request, Response
from starlette.concurrency import run_in_threadpool

from correspondent.api.deps import InstallationDep, PrincipalDep
from correspondent.api.schemas import (
    REGARDING_HELP,
    REGARDING_TEXT,
    ActivityPage,
    AssignIn,
    PartyRecordIn,
    PathId,
    QueryId,
    RegardingIn,
    ShareIn,
    ShareOut,
    UntrackIn,
    UntrackOut,
    regarding_ref,
)
from correspondent.domain.access import ACTIVITY_TYPE
from correspondent.domain.activity import Direction
from correspondent.domain.errors import InvalidInput
from correspondent.domain.records import RecordRef
from correspondent.domain.regarding_header import derive_key
from correspondent.services.activities import attachments, party_records, queries
from correspondent.services.activities import regarding as relinking
from correspondent.services.activities import untrack as untracking
from correspondent.services.activities.attachments import FileContent
from correspondent.services.activities.party_records import PartyRecordCreated
from correspondent.services.activities.queries import ActivityFilter
from correspondent.services.activities.regarding_header import (
    RegardingHeader,
    issue_regarding_header,
)
from correspondent.services.activities.track import MessageTracker
from correspondent.services.activities.track_for_user import TrackedMessage, track_for_user
from correspondent.services.activities.views import ActivityView
from correspondent.services.admin import sharing as api_sharing
from correspondent.services.mailboxes.secrets import installation_secret

router = APIRouter(tags=["activities"])
RefText = Annotated[
    str | None, Query(max_length=60, pattern=r"^[a-z]+:[0-9]{1,9}$", description="TYPE:ID")
]
RegardingQuery = Annotated[
    str | None, Query(max_length=60, pattern=REGARDING_TEXT, description=REGARDING_HELP)
]
RAW_BODY = {
    "requestBody": {
        "required": True,
        "content": {"message/rfc822": {"schema": {"type": "string", "format": "binary"}}},
    }
}


def _ref(text: str | None) -> RecordRef | None:
    return RecordRef.parse(text) if text else None


async def _raw_message(request: Request) -> bytes:
    media = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if media not in ("message/rfc822", "application/octet-stream"):
        raise InvalidInput("Send the raw message with Content-Type: message/rfc822.")
    raw = await request.body()
    if not raw.strip():
        raise InvalidInput("The request body is empty; send the raw message.")
    return raw


def file_response(content: FileContent) -> Response:
    """A download; ``nosniff`` (from the middleware) keeps browsers to the declared type."""
    safe = content.filename.replace('"', "").replace("\\", "")
    ascii_name = safe.encode("ascii", "replace").decode()
    return Response(
        content.data,
        media_type=content.content_type or "application/octet-stream",
        headers={
            "Content-Disposition": f'attachment; filename="{ascii_name}"',
        },
    )


@router.post(
    "/track",
    response_model=TrackedMessage,
    responses={200: {"model": TrackedMessage}, 201: {"model": TrackedMessage}},
    openapi_extra=RAW_BODY,
)
async def track(
    request: Request,
    response: Response,
    principal: PrincipalDep,
    inst: InstallationDep,
    regarding: RegardingQuery = None,
) -> TrackedMessage:
    """Track a raw message (body ``message/rfc822``); 201 when a new activity was created."""
    raw = await _raw_message(request)
    tracker = MessageTracker(inst.uow, inst.blobs)
    tracked = await run_in_threadpool(
        track_for_user, tracker, principal.actor, principal.user, raw, regarding_ref(regarding)
    )
    response.status_code = 201 if tracked.created else 200
    return tracked


@router.post("/untrack", status_code=204, openapi_extra=RAW_BODY)
async def untrack_message(request: Request, principal: PrincipalDep, inst: InstallationDep) -> None:
    """Stop tracking a message sent as for ``/track``, also one whose activity you cannot read."""
    raw = await _raw_message(request)
    await run_in_threadpool(untracking.untrack_message, inst.uow, inst.blobs, principal.user, raw)


@router.get("/activities", response_model=ActivityPage)
def list_activities(
    principal: PrincipalDep,
    inst: InstallationDep,
    regarding: RegardingQuery = None,
    party: RefText = None,
    owner_id: QueryId = None,
    sent_after: datetime | None = None,
    sent_before: datetime | None = None,
    cursor: Annotated[str | None, Query(max_length=500)] = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
) -> ActivityPage:
    """Activities you may read, newest first, by regarding record, party, owner or date."""
    for value in (sent_after, sent_before):
        if value is not None and value.tzinfo is None:
            raise InvalidInput("Dates need a time zone, e.g. 2026-01-31T00:00:00Z.")
    wanted = ActivityFilter(
        regarding_ref(regarding), _ref(party), owner_id, sent_after, sent_before
    )
    page = queries.list_activities(inst.uow, principal.actor, wanted, cursor=cursor, limit=limit)
    return ActivityPage(items=page.items, next_cursor=page.next_cursor)


@router.get("/activities/by-message-id", response_model=ActivityView)
def find_activity_by_message_id(
    principal: PrincipalDep,
    inst: InstallationDep,
    message_id: Annotated[str, Query(min_length=1, max_length=2000, description="Message-ID")],
    direction: Direction | None = None,
) -> ActivityView:
    """The activity of a message by its Internet Message-ID (``<a@b>``, brackets optional), as a
    mail client's pane shows it; ``direction`` picks the incoming or outgoing copy where they are
    kept apart (outgoing when the mailbox's address sent it). 404 when not tracked or not
    readable."""
    return queries.find_by_message_id(inst.uow, principal.actor, message_id, direction)


@router.get("/activities/{activity_id}", response_model=ActivityView)
def get_activity(
    activity_id: PathId, principal: PrincipalDep, inst: InstallationDep
) -> ActivityView:
    """One activity in full, as you may see it."""
    return queries.get_activity(inst.uow, principal.actor, activity_id)


@router.put("/activities/{activity_id}/regarding", response_model=ActivityView)
def set_regarding(
    activity_id: PathId, body: RegardingIn, principal: PrincipalDep, inst: InstallationDep
) -> ActivityView:
    """Link the activity to a regarding record (``TYPE:ID`` or ``{type, id}``), or unlink it."""
    ref = regarding_ref(body.regarding)
    relinking.set_regarding(inst.uow, principal.actor, activity_id, ref, principal.user.email)
    return queries.get_activity(inst.uow, principal.actor, activity_id)


@router.post("/regarding-header", response_model=RegardingHeader)
def regarding_header(
    body: RegardingIn, principal: PrincipalDep, inst: InstallationDep
) -> RegardingHeader:
    """The signed internet header that makes a draft tracked with ``regarding`` once sent.

    The Outlook add-in's compose pane writes it into the message; when the sent copy reaches
    the user's synced Sent folder, the sync tracks it linked to that record. It is valid for
    this user and record only, for 30 days, and cannot be forged (HMAC with the server's key).
    """
    ref = regarding_ref(body.regarding)
    if ref is None:
        raise InvalidInput("Choose the record the message is regarding.")
    return issue_regarding_header(
        inst.uow,
        principal.actor,
        principal.user.email,
        ref,
        key=derive_key(installation_secret(inst.settings)),
        now=datetime.now(UTC),
    )


@router.post(
    "/activities/{activity_id}/party-records", response_model=PartyRecordCreated, status_code=201
)
def create_party_record(
    activity_id: PathId, body: PartyRecordIn, principal: PrincipalDep, inst: InstallationDep
) -> PartyRecordCreated:
    """Create contact / Create lead for an unresolved address of the activity: the record is
    yours, named from the display name, and the address's parties link to it."""
    return party_records.create_party_record(
        inst.uow, principal.actor, activity_id, body.address, body.type.value
    )


@router.post("/activities/{activity_id}/untrack", response_model=UntrackOut)
def untrack(
    activity_id: PathId, body: UntrackIn, principal: PrincipalDep, inst: InstallationDep
) -> UntrackOut:
    """Stop tracking; with ``delete_activity`` the activity goes too once nobody tracks it."""
    deleted = untracking.untrack(
        inst.uow,
        inst.blobs,
        principal.actor,
        activity_id,
        principal.user.email,
        delete_activity=body.delete_activity,
    )
    return UntrackOut(deleted=deleted)


@router.delete("/activities/{activity_id}", status_code=204)
def delete_activity(activity_id: PathId, principal: PrincipalDep, inst: InstallationDep) -> None:
    untracking.delete_activity(inst.uow, inst.blobs, principal.actor, activity_id)


@router.get(
    "/activities/{activity_id}/attachments/{attachment_id}",
    response_class=Response,
    responses={200: {"content": {"application/octet-stream": {}}}},
)
def download_attachment(
    activity_id: PathId, attachment_id: PathId, principal: PrincipalDep, inst: InstallationDep
) -> Response:
    return file_response(
        attachments.attachment_content(
            inst.uow, inst.blobs, principal.actor, activity_id, attachment_id
        )
    )


@router.delete("/activities/{activity_id}/attachments/{attachment_id}", status_code=204)
def remove_attachment(
    activity_id: PathId, attachment_id: PathId, principal: PrincipalDep, inst: InstallationDep
) -> None:
    attachments.remove_attachment(
        inst.uow, inst.blobs, principal.actor, activity_id, attachment_id, principal.user.email
    )


@router.get(
    "/activities/{activity_id}/raw",
    response_class=Response,
    responses={200: {"content": {"message/rfc822": {}}}},
)
def export_raw(activity_id: PathId, principal: PrincipalDep, inst: InstallationDep) -> Response:
    """The original message as an ``.eml`` file."""
    return file_response(
        attachments.raw_message(inst.uow, inst.blobs, principal.actor, activity_id)
    )


@router.post("/activities/{activity_id}/assign", status_code=204)
def assign_activity(
    activity_id: PathId, body: AssignIn, principal: PrincipalDep, inst: InstallationDep
) -> None:
    ref = RecordRef(ACTIVITY_TYPE, activity_id)
    api_sharing.assign(inst.uow, principal.actor, ref, body.owner_id)


@router.get("/activities/{activity_id}/shares", response_model=list[ShareOut])
def list_activity_shares(
    activity_id: PathId, principal: PrincipalDep, inst: InstallationDep
) -> list[ShareOut]:
    ref = RecordRef(ACTIVITY_TYPE, activity_id)
    return [
        ShareOut.model_validate(s) for s in api_sharing.list_shares(inst.uow, principal.actor, ref)
    ]


@router.post("/activities/{activity_id}/shares", status_code=204)
def share_activity(
    activity_id: PathId, body: ShareIn, principal: PrincipalDep, inst: InstallationDep
) -> None:
    ref = RecordRef(ACTIVITY_TYPE, activity_id)
    api_sharing.share(inst.uow, principal.actor, ref, body.user_id, body.access)


@router.delete("/activities/{activity_id}/shares/{user_id}", status_code=204)
def unshare_activity(
    activity_id: PathId, user_id: PathId, principal: PrincipalDep, inst: InstallationDep
) -> None:
    api_sharing.unshare(inst.uow, principal.actor, RecordRef(ACTIVITY_TYPE, activity_id), user_id)
