"""Connecting a mail-client add-on: the signed-in user approves, the add-on gets a personal
token (never a password). Which add-ons may connect and where each receives its token:
web/client_apps.py. The Mail client page (routes/mail_client.py) lists the tokens and revokes
them."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Annotated
from urllib.parse import urlencode

import anyio.to_thread
from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import RedirectResponse, Response

from correspondent.api.deps import InstallationDep
from correspondent.domain.errors import InvalidInput
from correspondent.services import auth
from correspondent.web.client_apps import ClientApp, client_app
from correspondent.web.pages import render
from correspondent.web.security import PAGE_CSP
from correspondent.web.session import FormVisitorDep, VisitorDep

router = APIRouter(include_in_schema=False)
STATE = re.compile(r"^[A-Za-z0-9_-]{16,200}$")
ClientKey = Annotated[str, Query(max_length=40)]
RedirectUri = Annotated[str, Query(max_length=2000)]
State = Annotated[str, Query(max_length=200)]


def _checked(request: Request, client: str, redirect_uri: str, state: str) -> ClientApp:
    app = client_app(client)
    app.check_redirect(redirect_uri, f"{request.url.scheme}://{request.url.netloc}")
    if not STATE.match(state):
        raise InvalidInput("The add-on's sign-in request has no valid state; start it again.")
    return app


def _form_csp(app: ClientApp, redirect_uri: str) -> str:
    # The approval form is answered with a redirect to the add-on's address; form-action
    # covers that redirect too, so the page allows exactly that origin besides our own.
    return PAGE_CSP.replace(
        "form-action 'self'", f"form-action 'self' {app.form_target(redirect_uri)}"
    )


@router.get("/connect")
async def connect_page(
    request: Request,
    visitor: VisitorDep,
    client: ClientKey = "",
    redirect_uri: RedirectUri = "",
    state: State = "",
) -> Response:
    app = _checked(request, client, redirect_uri, state)
    return render(
        request,
        "connect.html",
        visitor,
        csp=_form_csp(app, redirect_uri),
        app=app,
        redirect_uri=redirect_uri,
        state=state,
    )


@router.post("/connect")
async def connect(
    request: Request,
    inst: InstallationDep,
    visitor: FormVisitorDep,
    client: Annotated[str, Form(max_length=40)] = "",
    redirect_uri: Annotated[str, Form(max_length=2000)] = "",
    state: Annotated[str, Form(max_length=200)] = "",
    decision: Annotated[str, Form(max_length=20)] = "",
) -> Response:
    app = _checked(request, client, redirect_uri, state)
    if decision != "approve":
        answer = {"error": "access_denied", "state": state}
    else:
        name = f"{app.name} ({datetime.now(UTC):%Y-%m-%d %H:%M} UTC)"
        new = await anyio.to_thread.run_sync(
            lambda: auth.create_token(inst.uow, visitor.actor, visitor.user.email, name)
        )
        answer = {"token": new.token, "state": state}
    # In the fragment: the browser never sends it to any server, and launchWebAuthFlow (or
    # the Outlook dialog page) reads it before anything loads.
    return RedirectResponse(f"{redirect_uri}#{urlencode(answer)}", status_code=303)
