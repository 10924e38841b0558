"""Administration: the users (add, approve the email address, roles, business unit, deactivate).

Administrators only; anyone else gets 404 (``AdminDep``). Every change is a form POST through
the use cases of ``services/admin/users.py``, answered by a redirect back (post/redirect/get);
a refused form is shown again with what was entered and why.
"""

from __future__ import annotations

from typing import Annotated, Any

import anyio.to_thread
from fastapi import APIRouter, Form, Path, Query, Request
from fastapi.responses import RedirectResponse, Response

from correspondent.api.deps import InstallationDep
from correspondent.bootstrap import Installation
from correspondent.domain.errors import Conflict, InvalidInput, NotFound
from correspondent.domain.users import User
from correspondent.services.admin import roles, users
from correspondent.web.i18n import N_
from correspondent.web.pages import render
from correspondent.web.session import AdminDep, AdminFormDep, Visitor

router = APIRouter(include_in_schema=False)
UserId = Annotated[int, Path(ge=1, le=2**31 - 1)]
Notice = Annotated[str, Query(max_length=40)]
NOTICES = {"added", "approved", "saved", "deactivated", "activated"}


@router.get("/admin")
async def administration() -> Response:
    return RedirectResponse("/admin/users", status_code=303)


def _directory(inst: Installation, visitor: Visitor) -> dict[str, Any]:
    """What the user pages show: users, business unit names, and the roles to choose from."""
    return {
        "users": users.list_users(inst.uow.read_only, visitor.actor),
        "units": {
            u.id: u.name for u in users.list_business_units(inst.uow.read_only, visitor.actor)
        },
        "roles": [r.name for r in roles.list_roles(inst.uow.read_only, visitor.actor)],
    }


@router.get("/admin/users")
async def users_page(
    request: Request, inst: InstallationDep, visitor: AdminDep, done: Notice = ""
) -> Response:
    context = await anyio.to_thread.run_sync(_directory, inst, visitor)
    return render(
        request,
        "admin/users.html",
        visitor,
        notice=done if done in NOTICES else "",
        errors=[],
        entered={},
        **context,
    )


@router.post("/admin/users")
async def add_user(
    request: Request,
    inst: InstallationDep,
    visitor: AdminFormDep,
    name: Annotated[str, Form(alias="new-user-name", max_length=200)] = "",
    email: Annotated[str, Form(alias="new-user-email", max_length=200)] = "",
    business_unit: Annotated[str, Form(alias="new-user-business-unit", max_length=200)] = "",
    password: Annotated[str, Form(alias="new-user-password", max_length=200)] = "",
    approved: Annotated[str, Form(alias="new-user-approved", max_length=5)] = "",
    role: Annotated[list[str] | None, Form(alias="new-user-roles")] = None,
) -> Response:
    entered = {
        "name": name,
        "email": email,
        "business_unit": business_unit,
        "approved": approved == "on",
        "roles": role or [],
    }

    def add() -> User:
        return users.add_user(
            inst.uow,
            visitor.actor,
            email,
            name,
            roles=role or [],
            business_unit=business_unit.strip() or None,
            email_approved=approved == "on",
            password=password or None,
        )

    try:
        await anyio.to_thread.run_sync(add)
    except (InvalidInput, Conflict) as refused:
        context = await anyio.to_thread.run_sync(_directory, inst, visitor)
        return render(
            request,
            "admin/users.html",
            visitor,
            status_code=422,
            notice="",
            errors=[_field_of(refused, "new-user")],
            entered=entered,
            **context,
        )
    return RedirectResponse("/admin/users?done=added", status_code=303)


USER_ERRORS = {
    "email": N_("Enter a valid email address."),
    "name": N_("Enter the user's name."),
    "roles": N_("Choose roles from the list."),
    "password": N_("A password needs at least 10 characters."),
    "business_unit": N_("Enter the business unit's name."),
}
DUPLICATE_EMAIL = N_("A user with this email address already exists.")


def _field_of(refused: InvalidInput | Conflict, prefix: str) -> tuple[str, str]:
    """The form field a refusal is about (the error summary links to it), and the catalogued
    message (translated by the page)."""
    if isinstance(refused, Conflict):
        return f"{prefix}-email", DUPLICATE_EMAIL
    if isinstance(refused, users.UserRejected) and refused.field in USER_ERRORS:
        return f"{prefix}-{refused.field.replace('_', '-')}", USER_ERRORS[refused.field]
    return "", str(refused)


def _find(inst: Installation, visitor: Visitor, user_id: int) -> dict[str, Any]:
    context = _directory(inst, visitor)
    found = next((u for u in context["users"] if u.id == user_id), None)
    if found is None:
        raise NotFound(f"There is no user with id {user_id}.")
    return {**context, "user": found}


@router.get("/admin/users/{user_id}")
async def user_page(
    request: Request, inst: InstallationDep, visitor: AdminDep, user_id: UserId, done: Notice = ""
) -> Response:
    context = await anyio.to_thread.run_sync(_find, inst, visitor, user_id)
    return render(
        request,
        "admin/user.html",
        visitor,
        notice=done if done in NOTICES else "",
        errors=[],
        entered={},
        **context,
    )


@router.post("/admin/users/{user_id}")
async def save_user(
    request: Request,
    inst: InstallationDep,
    visitor: AdminFormDep,
    user_id: UserId,
    name: Annotated[str, Form(alias="user-name", max_length=200)] = "",
    business_unit: Annotated[str, Form(alias="user-business-unit", max_length=200)] = "",
    role: Annotated[list[str] | None, Form(alias="user-roles")] = None,
) -> Response:
    changes = users.UserChanges(
        name=name.strip() or None, roles=role or [], business_unit=business_unit
    )
    try:
        await anyio.to_thread.run_sync(users.update_user, inst.uow, visitor.actor, user_id, changes)
    except InvalidInput as refused:
        context = await anyio.to_thread.run_sync(_find, inst, visitor, user_id)
        entered = {"name": name, "business_unit": business_unit, "roles": role or []}
        return render(
            request,
            "admin/user.html",
            visitor,
            status_code=422,
            notice="",
            errors=[_field_of(refused, "user")],
            entered=entered,
            **context,
        )
    return RedirectResponse(f"/admin/users/{user_id}?done=saved", status_code=303)


@router.post("/admin/users/{user_id}/approve")
async def approve_email(inst: InstallationDep, visitor: AdminFormDep, user_id: UserId) -> Response:
    changes = users.UserChanges(email_approved=True)
    await anyio.to_thread.run_sync(users.update_user, inst.uow, visitor.actor, user_id, changes)
    return RedirectResponse("/admin/users?done=approved", status_code=303)


@router.post("/admin/users/{user_id}/active")
async def change_active(
    inst: InstallationDep,
    visitor: AdminFormDep,
    user_id: UserId,
    active: Annotated[str, Form(pattern="^(on|off)$")],
) -> Response:
    changes = users.UserChanges(active=active == "on")
    await anyio.to_thread.run_sync(users.update_user, inst.uow, visitor.actor, user_id, changes)
    done = "activated" if active == "on" else "deactivated"
    return RedirectResponse(f"/admin/users/{user_id}?done={done}", status_code=303)
