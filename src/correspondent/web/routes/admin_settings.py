"""Administration: the organisation settings, all saved together or none (per-field errors).

The form sends every setting; ``change_org_settings`` validates them all before storing any
and names each refused value (``SettingsRejected``), so the page is shown again with what was
entered and an error at each refused field.
"""

from __future__ import annotations

from typing import Annotated

import anyio.to_thread
from fastapi import APIRouter, Query, Request
from fastapi.responses import RedirectResponse, Response

from correspondent.api.deps import InstallationDep
from correspondent.domain.settings import SettingsRejected
from correspondent.services.admin.settings import change_org_settings, org_settings
from correspondent.web.admin_forms import MAX_BYTES, ORG_SETTINGS_FORM, settings_from_form
from correspondent.web.pages import render
from correspondent.web.session import AdminDep, AdminFormDep

router = APIRouter(include_in_schema=False)


@router.get("/admin/settings")
async def settings_page(
    request: Request,
    inst: InstallationDep,
    visitor: AdminDep,
    done: Annotated[str, Query(max_length=40)] = "",
) -> Response:
    values = await anyio.to_thread.run_sync(org_settings, inst.uow.read_only, visitor.actor)
    return render(
        request,
        "admin/settings.html",
        visitor,
        sections=ORG_SETTINGS_FORM,
        values=values,
        problems={},
        saved=done == "saved",
        max_bytes=f"{MAX_BYTES:,}",
    )


@router.post("/admin/settings")
async def save_settings(request: Request, inst: InstallationDep, visitor: AdminFormDep) -> Response:
    form = await request.form()
    values = settings_from_form({k: v for k, v in form.items() if isinstance(v, str)})
    try:
        await anyio.to_thread.run_sync(change_org_settings, inst.uow, visitor.actor, values)
    except SettingsRejected as refused:
        return render(
            request,
            "admin/settings.html",
            visitor,
            status_code=422,
            sections=ORG_SETTINGS_FORM,
            values=values,
            problems=refused.problems,
            saved=False,
            max_bytes=f"{MAX_BYTES:,}",
        )
    return RedirectResponse("/admin/settings?done=saved", status_code=303)
