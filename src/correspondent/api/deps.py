"""Request-scoped dependencies: the installation and the authenticated principal.

A request is authenticated either by a personal API token (``Authorization: Bearer cor_…``) or
by the browser session cookie. Cookie-authenticated requests that change state must repeat the
session's CSRF token in ``X-CSRF-Token`` (the synchroniser-token pattern): a form posted from
another site carries the cookie but cannot know the token. Token-authenticated requests need no
CSRF token, because browsers never attach bearer tokens on their own.

``PrincipalDep`` authenticates in a transaction of its own. A hot read (the timeline) takes the
``CredentialsDep`` instead, read from the request without I/O, and calls ``authenticated_unit``
in the one worker thread that also answers: authentication and the answer share a transaction
(fewer round trips, one snapshot), and the request hops to a worker thread once rather than
once per dependency.
"""

from __future__ import annotations

import hmac
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Annotated, TypeVar

import anyio.to_thread
from fastapi import Depends, Request, Response, Security
from fastapi.security import APIKeyCookie, HTTPAuthorizationCredentials, HTTPBearer

from correspondent.api.errors import CsrfFailed
from correspondent.bootstrap import Installation
from correspondent.domain.access import Actor
from correspondent.domain.users import User
from correspondent.services.auth import (
    SESSION_LIFETIME,
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


def set_session_cookie(response: Response, request: Request, session_id: str) -> None:
    """The browser session cookie, as both the API's and the web app's sign-in set it."""
    response.set_cookie(
        SESSION_COOKIE,
        session_id,
        max_age=int(SESSION_LIFETIME.total_seconds()),
        httponly=True,
        samesite="strict",
        secure=request.url.scheme == "https",
        path="/",
    )


# async: a plain ``def`` dependency would cost every request a hop to the thread pool.
async def installation(request: Request) -> Installation:
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


@dataclass(frozen=True)
class Credentials:
    """What a request presents to authenticate itself, read from it without any I/O."""

    method: str
    bearer: str | None
    session_id: str | None
    authorization_sent: bool
    csrf_token: str


async def credentials(request: Request, bearer: Bearer, session_id: SessionCookie) -> Credentials:
    """The request's credentials; 401 at once if it presents none that could be valid.

    Checked here, before FastAPI validates the route's own parameters, so a request without
    credentials gets 401 rather than a 422 describing what it got wrong (a request with a
    token is authenticated where the route says, for the timeline after that validation).
    """
    presented = Credentials(
        method=request.method,
        bearer=bearer.credentials.strip() if bearer is not None else None,
        session_id=session_id or None,
        authorization_sent=bool(request.headers.get("authorization")),
        csrf_token=request.headers.get(CSRF_HEADER, ""),
    )
    if presented.bearer is None:
        if presented.authorization_sent:
            raise AuthenticationFailed("Use 'Authorization: Bearer <API token>'.")
        if presented.session_id is None:
            raise AuthenticationFailed("Sign in, or send a personal API token.")
    return presented


CredentialsDep = Annotated[Credentials, Depends(credentials)]


def authenticate(uow: UnitOfWork, presented: Credentials) -> Principal:
    if presented.bearer is not None:
        found = authenticate_token(uow, presented.bearer)
        return Principal(found.user, found.actor)
    assert presented.session_id is not None, "credentials() lets no request through without"
    found = authenticate_session(uow, presented.session_id)
    if presented.method not in SAFE_METHODS:
        sent = presented.csrf_token
        if not sent or not hmac.compare_digest(sent.encode(), found.csrf_token.encode()):
            raise CsrfFailed(
                f"This request changes data and needs the {CSRF_HEADER} header "
                "from your sign-in response."
            )
    return Principal(found.user, found.actor, presented.session_id)


def principal(inst: InstallationDep, presented: CredentialsDep) -> Principal:
    with inst.uow.read_only() as uow:
        return authenticate(uow, presented)


PrincipalDep = Annotated[Principal, Depends(principal)]


@dataclass(frozen=True)
class AuthenticatedUnit:
    """An open unit of work whose first act was to authenticate the request."""

    uow: UnitOfWork
    principal: Principal


@contextmanager
def authenticated_unit(inst: Installation, presented: Credentials) -> Iterator[AuthenticatedUnit]:
    """A read-only unit of work whose first act is to authenticate; call it from a worker thread."""
    with inst.uow.read_only() as uow:
        yield AuthenticatedUnit(uow, authenticate(uow, presented))


T = TypeVar("T")

SHORT_READ_THREADS = 1


async def run_short_read(request: Request, read: Callable[[], T]) -> T:
    """Run ``read`` (blocking, a few milliseconds of Python and a few queries) in a worker thread,
    at most ``SHORT_READ_THREADS`` at a time per process; the rest wait their turn in order.

    More threads add no speed to work that holds the GIL, only latency: each thread returning
    from a database round trip waits for the GIL behind the others (up to the 5 ms switch
    interval each time), so under load every read took longer (docs/benchmarks.md).
    """
    state = request.app.state
    limiter = getattr(state, "short_read_limiter", None)
    if limiter is None:  # made here: a limiter belongs to the running event loop
        limiter = state.short_read_limiter = anyio.CapacityLimiter(SHORT_READ_THREADS)
    return await anyio.to_thread.run_sync(read, limiter=limiter)
