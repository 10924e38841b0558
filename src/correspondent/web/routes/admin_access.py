"""Administration: security roles (depth per record type and operation) and record sharing.

Roles go through ``services/admin/roles.py``; sharing and assigning through
``services/admin/sharing.py``, which check the actor's rights on the record in the unit of work
that makes the change, as they do for the API.
"""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import quote

import anyio.to_thread
from fastapi import APIRouter, Form, Path, Query, Request
from fastapi.responses import RedirectResponse, Response
from starlette.datastructures import FormData

from correspondent.api.deps import InstallationDep
from correspondent.bootstrap import Installation
from correspondent.domain.access import SECURED_TYPES, Depth, Operation, ShareAccess
from correspondent.domain.errors import Conflict, InvalidInput, NotFound
from correspondent.domain.records import RecordRef
from correspondent.services.admin import roles, sharing, users
from correspondent.services.records.queries import get_record
from correspondent.web.pages import render
from correspondent.web.routes.records import search_records
from correspondent.web.session import AdminDep, AdminFormDep, Visitor

router = APIRouter(include_in_schema=False)
ROLE_NAME = r"^[A-Za-z0-9_.-]+$"
RoleName = Annotated[str, Path(max_length=100, pattern=ROLE_NAME)]
Notice = Annotated[str, Query(max_length=40)]
ROLE_NOTICES = {"saved", "created"}
SHARING_NOTICES = {"shared", "unshared", "assigned"}
DEPTHS = [d.name.lower() for d in Depth]
OPERATIONS = [o.value for o in Operation]


def _grid(form: FormData) -> dict[str, dict[str, str]]:
    """The privileges the role form sends: one select per record type and operation."""
    return {
        type_name: {
            op: value
            for op in OPERATIONS
            if isinstance(value := form.get(f"{type_name}-{op}", "none"), str)
        }
        for type_name in SECURED_TYPES
    }


def _role_context() -> dict[str, Any]:
    return {"types": SECURED_TYPES, "operations": OPERATIONS, "depths": DEPTHS}


@router.get("/admin/roles")
async def roles_page(
    request: Request, inst: InstallationDep, visitor: AdminDep, done: Notice = ""
) -> Response:
    found = await anyio.to_thread.run_sync(roles.list_roles, inst.uow.read_only, visitor.actor)
    return render(
        request,
        "admin/roles.html",
        visitor,
        roles=found,
        notice=done if done in ROLE_NOTICES else "",
        error="",
        entered="",
        **_role_context(),
    )


@router.post("/admin/roles")
async def create_role(
    request: Request,
    inst: InstallationDep,
    visitor: AdminFormDep,
    name: Annotated[str, Form(alias="new-role-name", max_length=200)] = "",
) -> Response:
    try:
        role = await anyio.to_thread.run_sync(roles.create_role, inst.uow, visitor.actor, name)
    except (InvalidInput, Conflict) as refused:
        found = await anyio.to_thread.run_sync(roles.list_roles, inst.uow.read_only, visitor.actor)
        return render(
            request,
            "admin/roles.html",
            visitor,
            status_code=422,
            roles=found,
            notice="",
            error="exists" if isinstance(refused, Conflict) else "bad-name",
            entered=name,
            **_role_context(),
        )
    return RedirectResponse(f"/admin/roles/{role.name}?done=created", status_code=303)


def _role(inst: Installation, visitor: Visitor, name: str) -> roles.RoleView:
    found = roles.list_roles(inst.uow.read_only, visitor.actor)
    role = next((r for r in found if r.name == name), None)
    if role is None:
        raise NotFound(f"There is no role named {name!r}.")
    return role


@router.get("/admin/roles/{name}")
async def role_page(
    request: Request, inst: InstallationDep, visitor: AdminDep, name: RoleName, done: Notice = ""
) -> Response:
    role = await anyio.to_thread.run_sync(_role, inst, visitor, name)
    return render(
        request,
        "admin/role.html",
        visitor,
        role=role,
        notice=done if done in ROLE_NOTICES else "",
        **_role_context(),
    )


@router.post("/admin/roles/{name}")
async def save_role(
    request: Request, inst: InstallationDep, visitor: AdminFormDep, name: RoleName
) -> Response:
    form = await request.form()
    description = form.get("role-description", "")
    privileges = _grid(form)
    await anyio.to_thread.run_sync(_role, inst, visitor, name)  # only roles that exist
    await anyio.to_thread.run_sync(
        lambda: roles.save_role(
            inst.uow,
            visitor.actor,
            name,
            description if isinstance(description, str) else "",
            privileges,
        )
    )
    return RedirectResponse(f"/admin/roles/{name}?done=saved", status_code=303)


def _sharing(inst: Installation, visitor: Visitor, record: str) -> dict[str, Any]:
    context: dict[str, Any] = {
        "record_text": record,
        "record": None,
        "shares": [],
        "users": [u for u in users.list_users(inst.uow.read_only, visitor.actor) if u.active],
        "matches": [],
    }
    if record and ":" not in record:
        context["matches"] = search_records(inst, visitor, record, "")
    elif record:
        ref = RecordRef.parse(record)
        context["record"] = get_record(inst.uow.read_only, visitor.actor, ref)
        context["shares"] = sharing.list_shares(inst.uow.read_only, visitor.actor, ref)
    return context


@router.get("/admin/sharing")
async def sharing_page(
    request: Request,
    inst: InstallationDep,
    visitor: AdminDep,
    record: Annotated[str, Query(max_length=60)] = "",
    done: Notice = "",
) -> Response:
    try:
        context = await anyio.to_thread.run_sync(_sharing, inst, visitor, record.strip())
        status, error = 200, ""
    except (InvalidInput, NotFound):
        context = await anyio.to_thread.run_sync(_sharing, inst, visitor, "")
        context["record_text"] = record
        status, error = 422, "record"
    return render(
        request,
        "admin/sharing.html",
        visitor,
        status_code=status,
        error=error,
        notice=done if done in SHARING_NOTICES else "",
        access_choices=[a.value for a in ShareAccess],
        **context,
    )


RecordField = Annotated[str, Form(max_length=60)]
UserField = Annotated[int, Form(ge=1, le=2**31 - 1)]


def _back(record: str, done: str) -> Response:
    return RedirectResponse(f"/admin/sharing?record={quote(record)}&done={done}", status_code=303)


@router.post("/admin/sharing/share")
async def share(
    inst: InstallationDep,
    visitor: AdminFormDep,
    record: RecordField,
    user: UserField,
    access: Annotated[ShareAccess, Form()],
) -> Response:
    ref = RecordRef.parse(record)
    await anyio.to_thread.run_sync(sharing.share, inst.uow, visitor.actor, ref, user, access)
    return _back(record, "shared")


@router.post("/admin/sharing/unshare")
async def unshare(
    inst: InstallationDep, visitor: AdminFormDep, record: RecordField, user: UserField
) -> Response:
    ref = RecordRef.parse(record)
    await anyio.to_thread.run_sync(sharing.unshare, inst.uow, visitor.actor, ref, user)
    return _back(record, "unshared")


@router.post("/admin/sharing/assign")
async def assign(
    inst: InstallationDep, visitor: AdminFormDep, record: RecordField, owner: UserField
) -> Response:
    ref = RecordRef.parse(record)
    await anyio.to_thread.run_sync(sharing.assign, inst.uow, visitor.actor, ref, owner)
    return _back(record, "assigned")
