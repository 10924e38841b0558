"""Record search (the Set Regarding dialog's type-ahead) and record pages with their timeline."""

from __future__ import annotations

from typing import Annotated, Any

import anyio.to_thread
from fastapi import APIRouter, Path, Query, Request
from fastapi.responses import Response

from correspondent.api.deps import InstallationDep
from correspondent.domain.errors import NotFound
from correspondent.domain.records import RecordRef
from correspondent.services.activities.timeline import timeline
from correspondent.services.activities.views import ActivitySummaryView
from correspondent.services.records.queries import get_record, list_records
from correspondent.web.pages import render
from correspondent.web.session import Visitor, VisitorDep

router = APIRouter(include_in_schema=False)
REGARDING_TYPES = ("account", "contact", "lead", "opportunity", "case")
RESULTS = 10
TypePath = Annotated[str, Path(max_length=20)]


def search_records(
    inst: Any, visitor: Visitor, text: str, record_type: str
) -> list[dict[str, Any]]:
    """Records matching ``text`` by name or address, most recently changed first."""
    types = [record_type] if record_type in REGARDING_TYPES else list(REGARDING_TYPES)
    found: list[dict[str, Any]] = []
    for type_name in types:
        page = list_records(
            inst.uow.read_only,
            visitor.actor,
            type_name,
            text=text.strip() or None,
            active=True,
            sort="-modified_at",
            limit=RESULTS,
        )
        found += [record.as_dict() for record in page.items]
    found.sort(key=lambda r: str(r["modified_at"]), reverse=True)
    return found[:RESULTS]


@router.get("/records/search")
async def record_search(
    request: Request,
    inst: InstallationDep,
    visitor: VisitorDep,
    q: Annotated[str, Query(max_length=200)] = "",
    type: Annotated[str, Query(max_length=20)] = "",
    activity: Annotated[int, Query(ge=1, le=2**31 - 1)] = 1,
    mailbox: Annotated[int | None, Query(ge=1, le=2**31 - 1)] = None,
    folder: Annotated[str, Query(max_length=1000)] = "",
) -> Response:
    """An HTML fragment: the results, each a button that sets the regarding record of the
    activity, or (given ``mailbox`` and ``folder``) of a tracked folder."""
    results = await anyio.to_thread.run_sync(search_records, inst, visitor, q, type)
    return render(
        request,
        "fragments/record_results.html",
        visitor,
        results=results,
        activity_id=activity,
        mailbox_id=mailbox if folder else None,
        folder=folder,
        # Several dialogs may hold results at once: their ids must differ.
        id_prefix=request.headers.get("HX-Target", "record")[:100],
    )


@router.get("/records/{type_name}/{record_id}")
async def record_page(
    request: Request,
    inst: InstallationDep,
    visitor: VisitorDep,
    type_name: TypePath,
    record_id: Annotated[int, Path(ge=1, le=2**31 - 1)],
) -> Response:
    if type_name not in REGARDING_TYPES:
        raise NotFound(f"There is no page for {type_name!r} records.")
    ref = RecordRef(type_name, record_id)

    def read() -> tuple[dict[str, Any], list[ActivitySummaryView]]:
        record = get_record(inst.uow.read_only, visitor.actor, ref).as_dict()
        with inst.uow.read_only() as uow:
            return record, timeline(uow, visitor.actor, ref, limit=50).items

    record, activities = await anyio.to_thread.run_sync(read)
    return render(request, "record.html", visitor, record=record, activities=activities)
