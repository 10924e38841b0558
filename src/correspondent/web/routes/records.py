"""Record search (the Set Regarding dialog's type-ahead) and record pages with their timeline."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any

import anyio.to_thread
from fastapi import APIRouter, Depends, Path, Query, Request
from fastapi.responses import Response

from correspondent.api.deps import InstallationDep
from correspondent.bootstrap import Installation
from correspondent.domain.activity import Direction
from correspondent.domain.errors import NotFound
from correspondent.domain.records import RecordRef
from correspondent.services.activities.timeline import TimelineEntryView, timeline, with_details
from correspondent.services.paging import Page
from correspondent.services.records.queries import get_record, list_records
from correspondent.web.pages import render
from correspondent.web.session import Visitor, VisitorDep

router = APIRouter(include_in_schema=False)
REGARDING_TYPES = ("account", "contact", "lead", "opportunity", "case")
RESULTS = 10
TIMELINE_PAGE = 25
TypePath = Annotated[str, Path(max_length=20)]
RecordId = Annotated[int, Path(ge=1, le=2**31 - 1)]
DirectionQuery = Annotated[str, Query(pattern="^(incoming|outgoing)?$")]
CursorQuery = Annotated[str, Query(max_length=500)]


def search_records(
    inst: Installation, visitor: Visitor, text: str, record_type: str
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
) -> Response:
    """An HTML fragment: the results, each a button that sets the activity's regarding record."""
    results = await anyio.to_thread.run_sync(search_records, inst, visitor, q, type)
    return render(
        request, "fragments/record_results.html", visitor, results=results, activity_id=activity
    )


def _record_ref(type_name: str, record_id: int) -> RecordRef:
    if type_name not in REGARDING_TYPES:
        raise NotFound(f"There is no page for {type_name!r} records.")
    return RecordRef(type_name, record_id)


@dataclass(frozen=True)
class TimelineQuery:
    """Where a timeline page starts (``cursor``) and which direction it shows."""

    direction: DirectionQuery = ""
    cursor: CursorQuery = ""


TimelineQueryDep = Annotated[TimelineQuery, Depends()]


def _timeline_page(
    inst: Installation, visitor: Visitor, ref: RecordRef, wanted: TimelineQuery
) -> Page[TimelineEntryView]:
    with inst.uow.read_only() as uow:
        page = timeline(
            uow,
            visitor.actor,
            ref,
            cursor=wanted.cursor or None,
            limit=TIMELINE_PAGE,
            direction=Direction(wanted.direction) if wanted.direction else None,
        )
        return with_details(uow, page)


@router.get("/records/{type_name}/{record_id}")
async def record_page(
    request: Request,
    inst: InstallationDep,
    visitor: VisitorDep,
    type_name: TypePath,
    record_id: RecordId,
    wanted: TimelineQueryDep,
) -> Response:
    """The record with its email timeline; ``cursor`` (the next-page link without script)
    starts the timeline further on."""
    ref = _record_ref(type_name, record_id)

    def read() -> tuple[dict[str, Any], Page[TimelineEntryView]]:
        record = get_record(inst.uow.read_only, visitor.actor, ref).as_dict()
        return record, _timeline_page(inst, visitor, ref, wanted)

    record, page = await anyio.to_thread.run_sync(read)
    return render(
        request,
        "record.html",
        visitor,
        record=record,
        entries=page.items,
        next_cursor=page.next_cursor,
        direction=wanted.direction,
        continued=bool(wanted.cursor),
    )


@router.get("/records/{type_name}/{record_id}/timeline")
async def timeline_fragment(
    request: Request,
    inst: InstallationDep,
    visitor: VisitorDep,
    type_name: TypePath,
    record_id: RecordId,
    wanted: TimelineQueryDep,
) -> Response:
    """One more page of the timeline as list items, for the infinite scroll (htmx)."""
    ref = _record_ref(type_name, record_id)
    page = await anyio.to_thread.run_sync(_timeline_page, inst, visitor, ref, wanted)
    return render(
        request,
        "fragments/timeline_entries.html",
        visitor,
        record={"type": ref.type, "id": ref.id},
        entries=page.items,
        next_cursor=page.next_cursor,
        direction=wanted.direction,
    )
