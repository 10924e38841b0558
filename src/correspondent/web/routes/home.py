"""The home page: my recently tracked email, the mailbox alerts that concern me, a search box."""

from __future__ import annotations

from typing import Annotated

import anyio.to_thread
from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from correspondent.api.deps import InstallationDep
from correspondent.services.activities.queries import ActivityFilter, list_activities
from correspondent.services.activities.views import ActivitySummaryView
from correspondent.services.mailboxes.alerts import MailboxAlertView, alerts_for_me
from correspondent.web.pages import render
from correspondent.web.session import VisitorDep

router = APIRouter(include_in_schema=False)
RECENT = 10
ALERTS = 10


@router.get("/")
async def home(
    request: Request,
    inst: InstallationDep,
    visitor: VisitorDep,
    done: Annotated[str, Query(max_length=40)] = "",
) -> Response:
    def read() -> tuple[list[ActivitySummaryView], list[MailboxAlertView]]:
        recent = list_activities(
            inst.uow.read_only,
            visitor.actor,
            ActivityFilter(owner_id=visitor.user.id),
            limit=RECENT,
        )
        return recent.items, alerts_for_me(inst.uow.read_only, visitor.actor, limit=ALERTS)

    recent, alerts = await anyio.to_thread.run_sync(read)
    return render(
        request, "home.html", visitor, recent=recent, alerts=alerts, deleted=done == "deleted"
    )
