"""The search page: one box, and the records and email the visitor may read, grouped."""

from __future__ import annotations

from typing import Annotated

import anyio.to_thread
from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from correspondent.api.deps import InstallationDep
from correspondent.services.search import MOST_WORDS, SearchResults, TooManyWords, WordsTooShort
from correspondent.services.search import search as search_everything
from correspondent.web.pages import render
from correspondent.web.session import VisitorDep

router = APIRouter(include_in_schema=False)


@router.get("/search")
async def search_page(
    request: Request,
    inst: InstallationDep,
    visitor: VisitorDep,
    q: Annotated[str, Query(max_length=200)] = "",
) -> Response:
    text = q.replace("\x00", " ").strip()
    results: SearchResults | None = None
    problem = ""
    if text:
        try:
            results = await anyio.to_thread.run_sync(
                lambda: search_everything(inst.uow.read_only, visitor.actor, text)
            )
        except WordsTooShort:
            problem = "short"
        except TooManyWords:
            problem = "many"
    return render(
        request,
        "search.html",
        visitor,
        query=text,
        results=results,
        problem=problem,
        most_words=MOST_WORDS,
        status_code=422 if problem else 200,
    )
