"""Rendering pages: one Jinja2 environment per app, each page with its own security headers."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse
from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

from correspondent import __version__
from correspondent.web.labels import label
from correspondent.web.security import PAGE_CSP
from correspondent.web.session import Visitor, localiser_for

TEMPLATES_DIR = Path(__file__).parent / "templates"


def build_environment() -> Environment:
    env = Environment(
        loader=FileSystemLoader(TEMPLATES_DIR),
        autoescape=select_autoescape(default=True, default_for_string=True),
        extensions=["jinja2.ext.do"],
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.globals["version"] = __version__
    env.globals["label"] = label
    return env


def page_headers(csp: str = PAGE_CSP) -> dict[str, str]:
    # Pages show one user's data: never stored by a shared cache, nor kept for the back button
    # after signing out.
    return {
        "Content-Security-Policy": csp,
        "X-Frame-Options": "SAMEORIGIN",
        "Cache-Control": "no-store",
    }


def render(
    request: Request,
    template: str,
    visitor: Visitor | None,
    *,
    status_code: int = 200,
    csp: str = PAGE_CSP,
    headers: dict[str, str] | None = None,
    **context: Any,
) -> HTMLResponse:
    env: Environment = request.app.state.web_templates
    localiser = localiser_for(request, visitor)
    html = env.get_template(template).render(
        request=request,
        visitor=visitor,
        csrf_token=visitor.csrf_token if visitor else "",
        current_path=request.url.path,
        **localiser.template_globals(),
        **context,
    )
    return HTMLResponse(
        html, status_code=status_code, headers={**page_headers(csp), **(headers or {})}
    )
