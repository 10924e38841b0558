"""Administration: every mailbox's status and alerts, and the quarantine (Retry, Download original).

Administrators only (``AdminDep``: 404 for anyone else). Retry tracks the kept message again
through ``services/admin/quarantine.py``, the same use case as the API and the CLI.
"""

from __future__ import annotations

from typing import Annotated, Any

import anyio.to_thread
from fastapi import APIRouter, Path, Query, Request
from fastapi.responses import RedirectResponse, Response

from correspondent.api.deps import InstallationDep
from correspondent.api.routes.activities import file_response
from correspondent.bootstrap import Installation
from correspondent.domain.errors import InvalidInput, MessageDeferred
from correspondent.services.admin import quarantine, users
from correspondent.services.mailboxes.status import list_mailboxes
from correspondent.web.pages import render
from correspondent.web.session import AdminDep, AdminFormDep, Visitor

router = APIRouter(include_in_schema=False)
ItemId = Annotated[int, Path(ge=1, le=2**31 - 1)]


@router.get("/admin/mailboxes")
async def mailboxes_page(request: Request, inst: InstallationDep, visitor: AdminDep) -> Response:
    mailboxes = await anyio.to_thread.run_sync(list_mailboxes, inst.uow.read_only, visitor.actor)
    return render(request, "admin/mailboxes.html", visitor, mailboxes=mailboxes)


def _quarantine(inst: Installation, visitor: Visitor) -> dict[str, Any]:
    return {
        "items": quarantine.list_quarantine(inst.uow.read_only, visitor.actor),
        "emails": {u.id: u.email for u in users.list_users(inst.uow.read_only, visitor.actor)},
    }


@router.get("/admin/quarantine")
async def quarantine_page(
    request: Request,
    inst: InstallationDep,
    visitor: AdminDep,
    done: Annotated[str, Query(pattern="^(|tracked|refused)$")] = "",
    activity: Annotated[int, Query(ge=0, le=2**31 - 1)] = 0,
    item: Annotated[int, Query(ge=0, le=2**31 - 1)] = 0,
) -> Response:
    context = await anyio.to_thread.run_sync(_quarantine, inst, visitor)
    return render(
        request,
        "admin/quarantine.html",
        visitor,
        notice=done,
        activity_id=activity,
        item_id=item,
        failure="",
        **context,
    )


@router.post("/admin/quarantine/{item_id}/retry")
async def retry(
    request: Request, inst: InstallationDep, visitor: AdminFormDep, item_id: ItemId
) -> Response:
    try:
        outcome = await anyio.to_thread.run_sync(
            quarantine.retry_quarantined, inst.uow, inst.blobs, visitor.actor, item_id
        )
    except (InvalidInput, MessageDeferred) as refused:
        # Not the message's fault (its user cannot track now, the machine is busy…): the item
        # stays as it was, and the page says why.
        context = await anyio.to_thread.run_sync(_quarantine, inst, visitor)
        return render(
            request,
            "admin/quarantine.html",
            visitor,
            status_code=422,
            notice="failed",
            activity_id=0,
            item_id=item_id,
            failure=str(refused),
            **context,
        )
    if outcome.tracked:
        target = f"/admin/quarantine?done=tracked&item={item_id}&activity={outcome.activity_id}"
    else:
        target = f"/admin/quarantine?done=refused&item={item_id}"
    return RedirectResponse(target, status_code=303)


@router.get("/admin/quarantine/{item_id}/original")
async def download_original(inst: InstallationDep, visitor: AdminDep, item_id: ItemId) -> Response:
    content = await anyio.to_thread.run_sync(
        quarantine.quarantined_original, inst.uow.read_only, inst.blobs, visitor.actor, item_id
    )
    return file_response(content)
