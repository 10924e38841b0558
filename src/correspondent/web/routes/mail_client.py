"""The Mail client page: the Thunderbird add-on to download, how to install and connect it,
and the personal tokens the user's add-ons (and scripts) hold, each revocable."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

import anyio.to_thread
from fastapi import APIRouter, Path, Query, Request
from fastapi.responses import FileResponse, RedirectResponse, Response

from correspondent.api.deps import InstallationDep
from correspondent.domain.errors import NotFound
from correspondent.services import auth
from correspondent.web.addon_file import THUNDERBIRD_XPI, addon_version
from correspondent.web.pages import render
from correspondent.web.session import FormVisitorDep, VisitorDep

router = APIRouter(include_in_schema=False)
TokenId = Annotated[int, Path(ge=1, le=2**31 - 1)]
XPI_NAME = "correspondent-thunderbird.xpi"


@router.get("/mail-client")
async def mail_client_page(
    request: Request,
    inst: InstallationDep,
    visitor: VisitorDep,
    done: Annotated[str, Query(max_length=40)] = "",
) -> Response:
    tokens = await anyio.to_thread.run_sync(auth.list_tokens, inst.uow.read_only, visitor.actor)
    now = datetime.now(UTC)
    active = [
        token
        for token in tokens
        if token.revoked_at is None and (token.expires_at is None or token.expires_at > now)
    ]
    return render(
        request,
        "mail_client.html",
        visitor,
        tokens=sorted(active, key=lambda token: token.created_at, reverse=True),
        addon_version=addon_version(THUNDERBIRD_XPI),
        xpi_name=XPI_NAME,
        server_address=f"{request.url.scheme}://{request.url.netloc}",
        revoked=done == "revoked",
    )


@router.get(f"/mail-client/{XPI_NAME}")
async def thunderbird_xpi(visitor: VisitorDep) -> Response:
    if not THUNDERBIRD_XPI.is_file():
        raise NotFound("The add-on has not been built on this server: run 'make addon'.")
    return FileResponse(
        THUNDERBIRD_XPI,
        media_type="application/x-xpinstall",
        filename=XPI_NAME,
        headers={"Cache-Control": "no-cache"},
    )


@router.post("/mail-client/tokens/{token_id}/revoke")
async def revoke(inst: InstallationDep, visitor: FormVisitorDep, token_id: TokenId) -> Response:
    await anyio.to_thread.run_sync(auth.revoke_token, inst.uow, visitor.actor, token_id)
    return RedirectResponse("/mail-client?done=revoked", status_code=303)
