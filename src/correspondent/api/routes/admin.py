"""Users and roles (administrators), settings, personal options, quarantine, address book."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Query

from correspondent.api.deps import InstallationDep, PrincipalDep
from correspondent.api.schemas import PathId, RoleIn, RoleOut, Text, UserIn, UserOut, UserPatch
from correspondent.services.admin import operations as api_admin

router = APIRouter()
Settings = dict[Text, Text]


@router.get("/users", response_model=list[UserOut], tags=["administration"])
def list_users(principal: PrincipalDep, inst: InstallationDep) -> list[dict[str, Any]]:
    return api_admin.list_users(inst.uow, principal.actor)


@router.post("/users", response_model=UserOut, status_code=201, tags=["administration"])
def create_user(body: UserIn, principal: PrincipalDep, inst: InstallationDep) -> dict[str, Any]:
    """Add a user; their address needs approval (``email_approved``) before mail is tracked."""
    return api_admin.create_user(
        inst.uow,
        principal.actor,
        email=body.email,
        name=body.name,
        roles=body.roles,
        business_unit=body.business_unit,
        password=body.password,
        email_approved=body.email_approved,
    )


@router.patch("/users/{user_id}", response_model=UserOut, tags=["administration"])
def update_user(
    user_id: PathId, body: UserPatch, principal: PrincipalDep, inst: InstallationDep
) -> dict[str, Any]:
    """Change roles, approve the address, or deactivate (a deactivated user can do nothing)."""
    changes = body.model_dump(exclude_unset=True)
    return api_admin.update_user(inst.uow, principal.actor, user_id, changes)


@router.get("/roles", response_model=list[RoleOut], tags=["administration"])
def list_roles(principal: PrincipalDep, inst: InstallationDep) -> list[dict[str, Any]]:
    return api_admin.list_roles(inst.uow, principal.actor)


@router.put("/roles/{name}", response_model=RoleOut, tags=["administration"])
def save_role(
    name: Annotated[str, Path(max_length=100, pattern=r"^[A-Za-z0-9_.-]+$")],
    body: RoleIn,
    principal: PrincipalDep,
    inst: InstallationDep,
) -> dict[str, Any]:
    """Create a role or replace one (built-in roles too): depths per record type and operation."""
    return api_admin.save_role(inst.uow, principal.actor, name, body.description, body.privileges)


@router.get("/settings", response_model=dict[str, str], tags=["administration"])
def get_settings(principal: PrincipalDep, inst: InstallationDep) -> dict[str, str]:
    return api_admin.org_settings(inst.uow, principal.actor)


@router.patch("/settings", response_model=dict[str, str], tags=["administration"])
def set_settings(body: Settings, principal: PrincipalDep, inst: InstallationDep) -> dict[str, str]:
    return api_admin.set_org_settings(inst.uow, principal.actor, body)


@router.get("/quarantine", tags=["administration"])
def list_quarantine(
    principal: PrincipalDep,
    inst: InstallationDep,
    limit: Annotated[int, Query(ge=1, le=1000)] = 200,
) -> list[dict[str, Any]]:
    return api_admin.quarantine(inst.uow, principal.actor, limit)


@router.get("/me/options", response_model=dict[str, str], tags=["personal"])
def get_options(principal: PrincipalDep, inst: InstallationDep) -> dict[str, str]:
    return api_admin.personal_options(inst.uow, principal.user)


@router.patch("/me/options", response_model=dict[str, str], tags=["personal"])
def set_options(body: Settings, principal: PrincipalDep, inst: InstallationDep) -> dict[str, str]:
    return api_admin.set_personal_options(inst.uow, principal.user, body)


@router.get("/address-book", tags=["personal"])
def address_book(
    principal: PrincipalDep,
    inst: InstallationDep,
    q: Annotated[str, Query(min_length=1, max_length=200, pattern=r"^[^\x00]*$")],
    limit: Annotated[int, Query(ge=1, le=100)] = 20,
) -> list[dict[str, Any]]:
    """Contacts by name or address: your own, or all you may read (personal option)."""
    return api_admin.address_book(inst.uow, principal.actor, q, limit)
