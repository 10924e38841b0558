"""The home page: my recently tracked email."""

from __future__ import annotations

from typing import Annotated

import anyio.to_thread
from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from correspondent.api.deps import InstallationDep
from correspondent.services.activities.queries import ActivityFilter, list_activities
from correspondent.web.pages import render
from correspondent.web.session import VisitorDep

router = APIRouter(include_in_schema=False)
RECENT = 10


@router.get("/")
async def home(
    request: Request,
    inst: InstallationDep,
    visitor: VisitorDep,
    done: Annotated[str, Query(max_length=40)] = "",
) -> Response:
    page = await anyio.to_thread.run_sync(
        lambda: list_activities(
            inst.uow.read_only,
            visitor.actor,
            ActivityFilter(owner_id=visitor.user.id),
            limit=RECENT,
        )
    )
    return render(request, "home.html", visitor, recent=page.items, deleted=done == "deleted")
