"""The activity page: the tracking pane of one email activity."""

from __future__ import annotations

import anyio.to_thread
from fastapi import APIRouter, Path, Request
from fastapi.responses import Response

from correspondent.api.deps import InstallationDep
from correspondent.services.activities.operations import get_activity
from correspondent.web.pages import render
from correspondent.web.session import VisitorDep

router = APIRouter(include_in_schema=False)
ActivityId = Path(ge=1, le=2**31 - 1)


@router.get("/activities/{activity_id}")
async def activity_page(
    request: Request, inst: InstallationDep, visitor: VisitorDep, activity_id: int = ActivityId
) -> Response:
    view = await anyio.to_thread.run_sync(
        get_activity, inst.uow.read_only, visitor.actor, activity_id
    )
    return render(request, "activity.html", visitor, activity=view)
