"""The Outlook add-in's files: its manifest, icons, panes and scripts, all from this server.

Outlook fetches everything the manifest names, so these are public (no session): the pages hold
no data; the panes talk to ``/api/v1`` with the personal token the add-in signed in with.
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import PlainTextResponse, Response

from correspondent.bootstrap import Installation
from correspondent.web.outlook.icons import SIZES, icon_png
from correspondent.web.outlook.manifest import PublicUrlMissing, build_manifest

router = APIRouter(include_in_schema=False)
PREFIX = "/addin/outlook"


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
