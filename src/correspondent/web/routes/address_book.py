"""The address book: contacts found by part of a name or address as one types (BEHAVIOUR §3).

The same use case as ``GET /api/v1/address-book``: the contacts the user owns, or every
contact they may read when their personal option says so. A plain GET form without script;
with htmx each keystroke (after a pause) replaces only the results.
"""

from __future__ import annotations

from typing import Annotated

import anyio.to_thread
from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from correspondent.api.deps import InstallationDep
from correspondent.services.directory.address_book import search_address_book
from correspondent.services.records.views import RecordView
from correspondent.web.pages import render
from correspondent.web.session import VisitorDep

router = APIRouter(include_in_schema=False)
RESULTS = 25


@router.get("/address-book")
async def address_book(
    request: Request,
    inst: InstallationDep,
    visitor: VisitorDep,
    q: Annotated[str, Query(max_length=200)] = "",
) -> Response:
    text = q.strip()
    found: list[RecordView] = []
    if text:
        found = await anyio.to_thread.run_sync(
            search_address_book, inst.uow.read_only, visitor.actor, text, RESULTS
        )
    fragment = request.headers.get("HX-Request") and request.headers.get("HX-Target")
    return render(
        request,
        "fragments/address_book_results.html" if fragment else "address_book.html",
        visitor,
        q=text,
        contacts=found,
        limit=RESULTS,
    )
