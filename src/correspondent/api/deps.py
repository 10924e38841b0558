"""Request-scoped dependencies: the installation and the authenticated principal.

A request is authenticated either by a personal API token (``Authorization: Bearer cor_…``) or
by the browser session cookie. Cookie-authenticated requests that change state must repeat the
session's CSRF token in ``X-CSRF-Token`` (the synchroniser-token pattern): a form posted from
another site carries the cookie but cannot know the token. Token-authenticated requests need no
CSRF token, because browsers never attach bearer tokens on their own.

``PrincipalDep`` authenticates in a transaction of its own. ``AuthenticatedUnitDep`` keeps that
unit of work open for the route, so a hot read (the timeline) authenticates and answers in one
transaction: fewer round trips, and the credentials are checked against the same snapshot that
the answer is read from.
"""

from __future__ import annotations

import hmac
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request, Security
from fastapi.security import APIKeyCookie, HTTPAuthorizationCredentials, HTTPBearer

from correspondent.api.errors import CsrfFailed
from correspondent.bootstrap import Installation
from correspondent.domain.access import Actor
from correspondent.domain.users import User
from correspondent.services.auth import (
    AuthenticationFailed,
    authenticate_session,
    authenticate_token,
)
from correspondent.services.ports import UnitOfWork

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


Bearer = Annotated[HTTPAuthorizationCredentials | None, Security(bearer_scheme)]
SessionCookie = Annotated[str | None, Security(cookie_scheme)]


def _authenticate(
    uow: UnitOfWork,
    request: Request,
    bearer: HTTPAuthorizationCredentials | None,
    session_id: str | None,
) -> Principal:
    if bearer is not None:
        found = authenticate_token(uow, bearer.credentials.strip())
        return Principal(found.user, found.actor)
    if request.headers.get("authorization"):
        raise AuthenticationFailed("Use 'Authorization: Bearer <API token>'.")
    if not session_id:
        raise AuthenticationFailed("Sign in, or send a personal API token.")
    found = authenticate_session(uow, session_id)
    if request.method not in SAFE_METHODS:
        sent = request.headers.get(CSRF_HEADER, "")
        if not sent or not hmac.compare_digest(sent.encode(), found.csrf_token.encode()):
            raise CsrfFailed(
                f"This request changes data and needs the {CSRF_HEADER} header "
                "from your sign-in response."
            )
    return Principal(found.user, found.actor, session_id)


def principal(
    request: Request, inst: InstallationDep, bearer: Bearer, session_id: SessionCookie
) -> Principal:
    with inst.uow() as uow:
        return _authenticate(uow, request, bearer, session_id)


PrincipalDep = Annotated[Principal, Depends(principal)]


@dataclass(frozen=True)
class AuthenticatedUnit:
    """An open unit of work whose first act was to authenticate the request."""

    uow: UnitOfWork
    principal: Principal


def authenticated_unit(
    request: Request, inst: InstallationDep, bearer: Bearer, session_id: SessionCookie
) -> Iterator[AuthenticatedUnit]:
    with inst.uow() as uow:
        yield AuthenticatedUnit(uow, _authenticate(uow, request, bearer, session_id))


# scope="function": the unit of work ends (and its connection returns to the pool) when the
# route returns, not after the response has been sent.
AuthenticatedUnitDep = Annotated[AuthenticatedUnit, Depends(authenticated_unit, scope="function")]
