"""Sign-in, sign-out, the current user, and personal API tokens."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response

from correspondent.api.deps import (
    SESSION_COOKIE,
    InstallationDep,
    PrincipalDep,
    set_session_cookie,
)
from correspondent.api.schemas import (
    MeOut,
    NewTokenOut,
    PathId,
    SessionOut,
    SignIn,
    TokenIn,
    TokenOut,
    UserOut,
)
from correspondent.domain.access import format_privileges
from correspondent.services import auth

router = APIRouter(tags=["sign-in"])


@router.post("/session", response_model=SessionOut)
def sign_in(
    body: SignIn, request: Request, response: Response, inst: InstallationDep
) -> SessionOut:
    """Sign in with email and password; sets an HttpOnly session cookie and returns a CSRF token."""
    client = request.client.host if request.client else "unknown"
    session = auth.sign_in(inst.uow, body.email, body.password, client)
    set_session_cookie(response, request, session.session_id)
    return SessionOut.model_validate(
        {
            "user": UserOut.model_validate(session.user, from_attributes=True),
            "csrf_token": session.csrf_token,
            "expires_at": session.expires_at,
        }
    )


@router.delete("/session", status_code=204)
def sign_out(principal: PrincipalDep, inst: InstallationDep, response: Response) -> None:
    """End the browser session (API tokens are revoked separately)."""
    if principal.session_id:
        auth.sign_out(inst.uow, principal.session_id)
    response.delete_cookie(SESSION_COOKIE, path="/")


@router.get("/me", response_model=MeOut)
def me(principal: PrincipalDep) -> MeOut:
    return MeOut.model_validate(
        {
            "user": UserOut.model_validate(principal.user, from_attributes=True),
            "privileges": format_privileges(principal.actor.privileges),
        }
    )


@router.get("/tokens", response_model=list[TokenOut])
def list_tokens(principal: PrincipalDep, inst: InstallationDep) -> list[TokenOut]:
    rows = auth.list_tokens(inst.uow, principal.actor)
    return [
        TokenOut(
            id=r.id,
            name=r.name,
            prefix=r.prefix,
            created_at=r.created_at,
            expires_at=r.expires_at,
            revoked_at=r.revoked_at,
        )
        for r in rows
    ]


@router.post("/tokens", response_model=NewTokenOut, status_code=201)
def create_token(body: TokenIn, principal: PrincipalDep, inst: InstallationDep) -> NewTokenOut:
    """Create a personal API token for scripts and add-ins; the token is shown only here."""
    new = auth.create_token(
        inst.uow, principal.actor, principal.user.email, body.name, body.expires_at
    )
    return NewTokenOut(id=new.id, token=new.token, expires_at=new.expires_at)


@router.delete("/tokens/{token_id}", status_code=204)
def revoke_token(token_id: PathId, principal: PrincipalDep, inst: InstallationDep) -> None:
    auth.revoke_token(inst.uow, principal.actor, token_id)
