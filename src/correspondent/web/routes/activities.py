"""The activity page (the tracking pane) and what a reader may do there.

Content is read-only (BEHAVIOUR §1, §5): only the regarding record and attachments change, and
the user may untrack. Each action is a plain form POST that answers with a redirect back to the
page (post/redirect/get), so the page works without script; htmx and ``app.js`` only add the
dialogs and the type-ahead.
"""

from __future__ import annotations

from typing import Annotated

import anyio.to_thread
from fastapi import APIRouter, Form, Path, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from correspondent.api.deps import InstallationDep
from correspondent.api.routes.activities import file_response
from correspondent.domain.records import RecordRef
from correspondent.services.activities import attachments, party_records, untrack
from correspondent.services.activities.body import message_body
from correspondent.services.activities.queries import get_activity
from correspondent.services.activities.regarding import set_regarding
from correspondent.web.pages import render
from correspondent.web.security import body_csp
from correspondent.web.session import FormVisitorDep, VisitorDep

router = APIRouter(include_in_schema=False)
ActivityId = Annotated[int, Path(ge=1, le=2**31 - 1)]
AttachmentId = Annotated[int, Path(ge=1, le=2**31 - 1)]
NOTICES = {"regarding", "attachment-removed", "untracked", "contact-created", "lead-created"}


@router.get("/activities/{activity_id}")
async def activity_page(
    request: Request,
    inst: InstallationDep,
    visitor: VisitorDep,
    activity_id: ActivityId,
    remote: Annotated[bool, Query()] = False,
    done: Annotated[str, Query(max_length=40)] = "",
) -> Response:
    view = await anyio.to_thread.run_sync(
        get_activity, inst.uow.read_only, visitor.actor, activity_id
    )
    return render(
        request,
        "activity.html",
        visitor,
        activity=view,
        remote=remote,
        notice=done if done in NOTICES else "",
    )


@router.get("/activities/{activity_id}/body")
async def activity_body(
    inst: InstallationDep,
    visitor: VisitorDep,
    activity_id: ActivityId,
    remote: Annotated[bool, Query()] = False,
) -> Response:
    """The sanitised HTML body as a document of its own, for the page's sandboxed frame."""
    body = await anyio.to_thread.run_sync(
        lambda: message_body(
            inst.uow.read_only, inst.blobs, visitor.actor, activity_id, load_remote_content=remote
        )
    )
    document = (
        '<!doctype html><html><head><meta charset="utf-8">'
        '<meta name="referrer" content="no-referrer"></head><body>'
        f"{body.html or ''}</body></html>"
    )
    return HTMLResponse(
        document,
        headers={
            "Content-Security-Policy": body_csp(remote_images=body.remote_content_loaded),
            "X-Frame-Options": "SAMEORIGIN",
            "X-DNS-Prefetch-Control": "off",
            "Cache-Control": "no-store",
        },
    )


@router.get("/activities/{activity_id}/original")
async def download_original(
    inst: InstallationDep, visitor: VisitorDep, activity_id: ActivityId
) -> Response:
    content = await anyio.to_thread.run_sync(
        attachments.raw_message, inst.uow.read_only, inst.blobs, visitor.actor, activity_id
    )
    return file_response(content)


@router.get("/activities/{activity_id}/attachments/{attachment_id}")
async def download_attachment(
    inst: InstallationDep, visitor: VisitorDep, activity_id: ActivityId, attachment_id: AttachmentId
) -> Response:
    content = await anyio.to_thread.run_sync(
        lambda: attachments.attachment_content(
            inst.uow.read_only, inst.blobs, visitor.actor, activity_id, attachment_id
        )
    )
    return file_response(content)


def _back(activity_id: int, notice: str) -> Response:
    return RedirectResponse(f"/activities/{activity_id}?done={notice}", status_code=303)


@router.post("/activities/{activity_id}/attachments/{attachment_id}/remove")
async def remove_attachment(
    inst: InstallationDep,
    visitor: FormVisitorDep,
    activity_id: ActivityId,
    attachment_id: AttachmentId,
) -> Response:
    await anyio.to_thread.run_sync(
        lambda: attachments.remove_attachment(
            inst.uow, inst.blobs, visitor.actor, activity_id, attachment_id, visitor.user.email
        )
    )
    return _back(activity_id, "attachment-removed")


@router.post("/activities/{activity_id}/regarding")
async def change_regarding(
    inst: InstallationDep,
    visitor: FormVisitorDep,
    activity_id: ActivityId,
    record: Annotated[str, Form(max_length=60)] = "",
) -> Response:
    """``record`` is ``TYPE:ID``; empty clears the regarding record."""
    ref = RecordRef.parse(record) if record else None  # InvalidInput when it is not TYPE:ID
    await anyio.to_thread.run_sync(
        set_regarding, inst.uow, visitor.actor, activity_id, ref, visitor.user.email
    )
    return _back(activity_id, "regarding")


@router.post("/activities/{activity_id}/party-records")
async def create_party_record(
    inst: InstallationDep,
    visitor: FormVisitorDep,
    activity_id: ActivityId,
    address: Annotated[str, Form(min_length=3, max_length=320)],
    type: Annotated[str, Form(pattern="^(contact|lead)$")],
) -> Response:
    """Create contact / Create lead for an unresolved address; back to the pane, now linked."""
    await anyio.to_thread.run_sync(
        party_records.create_party_record, inst.uow, visitor.actor, activity_id, address, type
    )
    return _back(activity_id, f"{type}-created")


@router.post("/activities/{activity_id}/untrack")
async def untrack_activity(
    inst: InstallationDep,
    visitor: FormVisitorDep,
    activity_id: ActivityId,
    keep: Annotated[str, Form(pattern="^(keep|delete)$")] = "keep",
) -> Response:
    deleted = await anyio.to_thread.run_sync(
        lambda: untrack.untrack(
            inst.uow,
            inst.blobs,
            visitor.actor,
            activity_id,
            visitor.user.email,
            delete_activity=keep == "delete",
        )
    )
    if deleted:
        return RedirectResponse("/?done=deleted", status_code=303)
    return _back(activity_id, "untracked")
