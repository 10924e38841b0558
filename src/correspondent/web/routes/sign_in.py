"""Sign in and sign out, with the same password, session cookie and CSRF token as the API."""

from __future__ import annotations

from typing import Annotated

import anyio.to_thread
from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response

from correspondent.api.deps import SESSION_COOKIE, InstallationDep, set_session_cookie
from correspondent.api.errors import CsrfFailed
from correspondent.services import auth
from correspondent.web.i18n import N_
from correspondent.web.pages import render
from correspondent.web.security import SIGN_IN_CSRF_COOKIE, check_token, new_form_token
from correspondent.web.session import FormVisitorDep, OptionalVisitorDep, localiser_for

router = APIRouter(include_in_schema=False)
THROTTLED = N_("Too many failed sign-in attempts; wait 15 minutes and try again.")
EXPIRED = N_("The sign-in form expired or did not come from this site; sign in again.")
INCORRECT = N_("The email address or password is incorrect.")


def safe_next(target: str | None) -> str:
    """Only a path on this site: never ``//host`` or ``https://host`` (an open redirect)."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return "/"
    return target


def _sign_in_page(
    request: Request,
    next_path: str,
    *,
    email: str = "",
    errors: list[tuple[str, str]] | None = None,
    status_code: int = 200,
) -> Response:
    token = new_form_token()
    text = localiser_for(request, None).gettext
    shown = [(field, text(message)) for field, message in errors or []]
    field_errors = {field: message for field, message in shown if field}
    response = render(
        request,
        "sign_in.html",
        None,
        status_code=status_code,
        form_token=token,
        next_path=next_path,
        email=email,
        errors=shown,
        field_errors=field_errors,
    )
    response.set_cookie(
        SIGN_IN_CSRF_COOKIE,
        token,
        max_age=3600,
        httponly=True,
        samesite="strict",
        secure=request.url.scheme == "https",
        path="/sign-in",
    )
    return response


@router.get("/sign-in")
def sign_in_page(request: Request, visitor: OptionalVisitorDep, next: str = "/") -> Response:
    if visitor is not None:
        return RedirectResponse(safe_next(next), status_code=303)
    return _sign_in_page(request, safe_next(next))


@router.post("/sign-in")
async def sign_in(
    request: Request,
    inst: InstallationDep,
    email: Annotated[str, Form(max_length=320)] = "",
    password: Annotated[str, Form(max_length=1000)] = "",
    csrf_token: Annotated[str, Form(max_length=200)] = "",
    next: Annotated[str, Form(max_length=2000)] = "/",
) -> Response:
    target = safe_next(next)
    try:
        check_token(csrf_token, request.cookies.get(SIGN_IN_CSRF_COOKIE))
    except CsrfFailed:
        # A new form (with a new cookie) lets a real user simply try again.
        return _sign_in_page(request, target, email=email, errors=[("", EXPIRED)], status_code=403)
    errors: list[tuple[str, str]] = []
    if not email.strip():
        errors.append(("email", N_("Enter your email address")))
    if not password:
        errors.append(("password", N_("Enter your password")))
    if errors:
        return _sign_in_page(request, target, email=email, errors=errors, status_code=422)
    client = request.client.host if request.client else "unknown"
    try:
        session = await anyio.to_thread.run_sync(auth.sign_in, inst.uow, email, password, client)
    except auth.LoginThrottled:
        field, message, status = "", THROTTLED, 429
    except auth.AuthenticationFailed:
        field, message, status = "email", INCORRECT, 401
    else:
        response = RedirectResponse(target, status_code=303)
        set_session_cookie(response, request, session.session_id)
        response.delete_cookie(SIGN_IN_CSRF_COOKIE, path="/sign-in")
        return response
    return _sign_in_page(
        request, target, email=email, errors=[(field, message)], status_code=status
    )


@router.post("/sign-out")
async def sign_out(inst: InstallationDep, visitor: FormVisitorDep) -> Response:
    await anyio.to_thread.run_sync(auth.sign_out, inst.uow, visitor.session_id)
    response = RedirectResponse("/sign-in", status_code=303)
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response
