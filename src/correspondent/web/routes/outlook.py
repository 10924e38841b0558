"""The Outlook add-in's files: its manifest, icons, panes and scripts, all from this server.

Outlook fetches everything the manifest names, so these are public (no session): the pages hold
no data; the panes talk to ``/api/v1`` with the personal token the add-in signed in with. The
panes and scripts are the repository's ``clients/outlook`` and ``clients/shared`` (the same
modules the Thunderbird add-on ships), read from the source tree. The sign-in dialog is a web
app page: the signed-in user approves, and the page hands the pane a new personal token.
"""

from __future__ import annotations

import re
from pathlib import Path

import anyio
from fastapi import APIRouter, Request
from fastapi.responses import FileResponse, PlainTextResponse, Response

from correspondent.bootstrap import Installation
from correspondent.services import auth
from correspondent.web.outlook.icons import SIZES, icon_png
from correspondent.web.outlook.manifest import PublicUrlMissing, build_manifest
from correspondent.web.pages import page_headers, render
from correspondent.web.security import ADDIN_CSP
from correspondent.web.session import FormVisitorDep, VisitorDep

router = APIRouter(include_in_schema=False)
PREFIX = "/addin/outlook"
CLIENTS = Path(__file__).resolve().parents[4] / "clients"
SCRIPT_NAME = re.compile(r"^[a-z][a-z-]*\.js$")
SOURCES = {"app": CLIENTS / "outlook", "shared": CLIENTS / "shared"}
CATALOGUES = {
    "thunderbird": CLIENTS / "thunderbird" / "_locales",
    "outlook": CLIENTS / "outlook" / "_locales",
}
PAGES = ("pane.html", "compose.html")
TOKEN_NAME = "Outlook"


def _addin_headers() -> dict[str, str]:
    headers = page_headers(ADDIN_CSP)
    # Outlook on the web frames the panes; the CSP's frame-ancestors says by whom.
    del headers["X-Frame-Options"]
    return headers


def _file(path: Path, media_type: str) -> Response:
    if not path.is_file():
        return PlainTextResponse(
            f"{path.name} is missing: the add-in's files come from the repository's clients/ "
            "folder (docs/clients.md).",
            status_code=404,
        )
    return FileResponse(path, media_type=media_type, headers={"Cache-Control": "no-cache"})


@router.get(f"{PREFIX}/manifest.xml")
def manifest(request: Request) -> Response:
    """The manifest to sideload or deploy (``docs/clients.md``)."""
    installation: Installation = request.app.state.installation
    catalogs = request.app.state.web_catalogs
    translations = {language: catalog.gettext for language, catalog in catalogs.items()}
    try:
        body = build_manifest(installation.settings.public_url, translations)
    except PublicUrlMissing as error:
        # Said to the administrator who downloads it, in plain words, not as a generic page.
        return PlainTextResponse(str(error), status_code=503)
    return Response(
        body,
        media_type="application/xml",
        headers={"Content-Disposition": 'inline; filename="correspondent-outlook.xml"'},
    )


@router.get(PREFIX + "/icon-{size}.png")
def icon(size: int) -> Response:
    if size not in SIZES:
        return PlainTextResponse("No icon of that size.", status_code=404)
    return Response(
        icon_png(size), media_type="image/png", headers={"Cache-Control": "public, max-age=86400"}
    )


@router.get(PREFIX + "/{page}.html")
def pane_page(page: str) -> Response:
    name = f"{page}.html"
    if name not in PAGES:
        return PlainTextResponse("No such page.", status_code=404)
    response = _file(SOURCES["app"] / name, "text/html; charset=utf-8")
    response.headers.update(_addin_headers())
    return response


@router.get(f"{PREFIX}/pane.css")
def pane_style() -> Response:
    # The Thunderbird add-on's style sheet: system colours, light and dark.
    return _file(CLIENTS / "thunderbird" / "pane.css", "text/css")


@router.get(PREFIX + "/{source}/{name}")
def script(source: str, name: str) -> Response:
    if source not in SOURCES or not SCRIPT_NAME.match(name):
        return PlainTextResponse("No such file.", status_code=404)
    return _file(SOURCES[source] / name, "text/javascript")


@router.get(PREFIX + "/locales/{which}/{language}.json")
def catalogue(which: str, language: str) -> Response:
    if which not in CATALOGUES or language not in ("en", "ja"):
        return PlainTextResponse("No such catalogue.", status_code=404)
    return _file(CATALOGUES[which] / language / "messages.json", "application/json")


@router.get(f"{PREFIX}/sign-in")
def sign_in_dialog(request: Request, visitor: VisitorDep) -> Response:
    """Shown in Outlook's sign-in dialog, after the web app's own sign-in if needed."""
    return render(request, "outlook_sign_in.html", visitor, csp=ADDIN_CSP, token=None)


@router.post(f"{PREFIX}/sign-in")
async def approve_sign_in(request: Request, visitor: FormVisitorDep) -> Response:
    """The user approved: a new personal token for the add-in, handed to the pane by the page."""
    installation: Installation = request.app.state.installation
    new = await anyio.to_thread.run_sync(
        lambda: auth.create_token(
            installation.uow, visitor.actor, visitor.user.email, TOKEN_NAME, None
        )
    )
    return render(request, "outlook_sign_in.html", visitor, csp=ADDIN_CSP, token=new.token)
