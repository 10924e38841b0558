"""The API docs page: Swagger UI served from our own static files (no CDN), under a strict CSP."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from correspondent.web.pages import render
from correspondent.web.security import DOCS_CSP
from correspondent.web.session import OptionalVisitorDep

router = APIRouter(include_in_schema=False)


@router.get("/api/v1/docs")
def api_docs(request: Request, visitor: OptionalVisitorDep) -> Response:
    return render(
        request, "api_docs.html", visitor, csp=DOCS_CSP, openapi_url="/api/v1/openapi.json"
    )
