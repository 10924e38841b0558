"""Who is signed in to the web app, and the language and time zone a page is shown in.

The web app uses the API's browser session (the same HttpOnly cookie, set by the sign-in page
or ``POST /api/v1/session``). A request without a valid session gets ``SignInRequired``, which
the app answers with a redirect to the sign-in page (an ``HX-Redirect`` for htmx requests).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

import anyio.to_thread
from fastapi import Depends, Request

from correspondent.api.deps import SESSION_COOKIE, InstallationDep
from correspondent.bootstrap import Installation
from correspondent.domain.access import Actor
from correspondent.domain.errors import NotFound
from correspondent.domain.settings import PersonalOptions
from correspondent.domain.users import User
from correspondent.services.admin.settings import personal_options
from correspondent.services.auth import AuthenticationFailed, authenticate_session
from correspondent.web.i18n import Localiser, choose_language
from correspondent.web.security import check_token


class SignInRequired(Exception):
    """The page needs a signed-in user; ``next`` is where to return after signing in."""

    def __init__(self, next_path: str) -> None:
        super().__init__(next_path)
        self.next_path = next_path


@dataclass(frozen=True)
class Visitor:
    """The signed-in user of one request."""

    user: User
    actor: Actor
    session_id: str
    csrf_token: str
    options: PersonalOptions


def _visitor(inst: Installation, session_id: str) -> Visitor:
    with inst.uow.read_only() as uow:
        found = authenticate_session(uow, session_id)
    options = PersonalOptions.from_stored(personal_options(inst.uow.read_only, found.actor))
    return Visitor(found.user, found.actor, session_id, found.csrf_token, options)


async def optional_visitor(request: Request, inst: InstallationDep) -> Visitor | None:
    session_id = request.cookies.get(SESSION_COOKIE)
    if not session_id:
        return None
    try:
        return await anyio.to_thread.run_sync(_visitor, inst, session_id)
    except AuthenticationFailed:
        return None


async def signed_in(
    request: Request, visitor: Annotated[Visitor | None, Depends(optional_visitor)]
) -> Visitor:
    if visitor is None:
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        raise SignInRequired(target)
    return visitor


OptionalVisitorDep = Annotated[Visitor | None, Depends(optional_visitor)]
VisitorDep = Annotated[Visitor, Depends(signed_in)]


async def checked_form(request: Request, visitor: VisitorDep) -> Visitor:
    """A signed-in POST whose form (or htmx header) repeats the session's CSRF token."""
    sent = request.headers.get("X-CSRF-Token")
    if sent is None:
        form = await request.form()
        value = form.get("csrf_token")
        sent = value if isinstance(value, str) else None
    check_token(sent, visitor.csrf_token)
    return visitor


FormVisitorDep = Annotated[Visitor, Depends(checked_form)]


def _only_administrators(visitor: Visitor) -> Visitor:
    # The administration pages do not exist for anyone else: 404, as the API answers for what
    # a user may not see (the use cases refuse them too).
    if not visitor.actor.is_administrator:
        raise NotFound("There is no such page.")
    return visitor


async def administrator(visitor: VisitorDep) -> Visitor:
    return _only_administrators(visitor)


async def administrator_form(visitor: FormVisitorDep) -> Visitor:
    return _only_administrators(visitor)


AdminDep = Annotated[Visitor, Depends(administrator)]
AdminFormDep = Annotated[Visitor, Depends(administrator_form)]


def localiser_for(request: Request, visitor: Visitor | None) -> Localiser:
    catalogs = request.app.state.web_catalogs
    option = visitor.options.language if visitor else None
    language = choose_language(option, request.headers.get("accept-language", ""))
    time_zone = visitor.options.time_zone if visitor else "UTC"
    return Localiser(language, time_zone, catalogs[language])
