"""Request-scoped dependencies: the installation and the authenticated principal.

A request is authenticated either by a personal API token (``Authorization: Bearer cor_…``) or
by the browser session cookie. Cookie-authenticated requests that change state must repeat the
session's CSRF token in ``X-CSRF-Token`` (the synchroniser-token pattern): a form posted from
another site carries the cookie but cannot know the token. Token-authenticated requests need no
CSRF token, because browsers never attach bearer tokens on their own.
"""

from __future__ import annotations

import hmac
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request, Security
from fastapi.security import APIKeyCookie, HTTPAuthorizationCredentials, HTTPBearer

from correspondent.api.errors import CsrfFailed
from correspondent.bootstrap import Installation
from correspondent.domain.access import Actor
from correspondent.domain.users import User
from correspondent.services.access import actor_for
from correspondent.services.auth import AuthenticationFailed, user_for_session, user_for_token

SESSION_COOKIE = "correspondent_session"
CSRF_HEADER = "X-CSRF-Token"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})

bearer_scheme = HTTPBearer(auto_error=False, description="Personal API token (cor_…)")
cookie_scheme = APIKeyCookie(
    name=SESSION_COOKIE, auto_error=False, description="Browser session; send X-CSRF-Token too"
)


def installation(request: Request) -> Installation:
    inst: Installation = request.app.state.installation
    return inst


InstallationDep = Annotated[Installation, Depends(installation)]


@dataclass(frozen=True)
class Principal:
    user: User
    actor: Actor
    session_id: str | None = None


def principal(
    request: Request,
    inst: InstallationDep,
    bearer: Annotated[HTTPAuthorizationCredentials | None, Security(bearer_scheme)],
    session_id: Annotated[str | None, Security(cookie_scheme)],
) -> Principal:
    with inst.uow() as uow:
        if bearer is not None:
            user = user_for_token(uow, bearer.credentials.strip())
            session_id = None
        elif request.headers.get("authorization"):
            raise AuthenticationFailed("Use 'Authorization: Bearer <API token>'.")
        elif session_id:
            user, csrf = user_for_session(uow, session_id)
            if request.method not in SAFE_METHODS:
                sent = request.headers.get(CSRF_HEADER, "")
                if not sent or not hmac.compare_digest(sent.encode(), csrf.encode()):
                    raise CsrfFailed(
                        f"This request changes data and needs the {CSRF_HEADER} header "
                        "from your sign-in response."
                    )
        else:
            raise AuthenticationFailed("Sign in, or send a personal API token.")
        return Principal(user, actor_for(uow, user), session_id)


PrincipalDep = Annotated[Principal, Depends(principal)]
