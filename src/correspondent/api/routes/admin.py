"""Users and roles (administrators), settings, personal options, quarantine, address book."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query
from fastapi.responses import Response

from correspondent.api.deps import InstallationDep, PrincipalDep
from correspondent.api.routes.activities import file_response
from correspondent.api.schemas import (
    PathId,
    QuarantineOut,
    QuarantineRetryOut,
    RecordOut,
    RoleIn,
    RoleOut,
    Text,
    UserIn,
    UserOut,
    UserPatch,
)
from correspondent.domain.users import User
from correspondent.services.admin import quarantine, roles, settings, users
from correspondent.services.directory.address_book import search_address_book

router = APIRouter()
Settings = dict[Text, Text]


def _user_out(user: User) -> UserOut:
    return UserOut.model_validate(user, from_attributes=True)


@router.get("/users", response_model=list[UserOut], tags=["administration"])
def list_users(principal: PrincipalDep, inst: InstallationDep) -> list[UserOut]:
    return [_user_out(u) for u in users.list_users(inst.uow, principal.actor)]


@router.post("/users", response_model=UserOut, status_code=201, tags=["administration"])
def create_user(body: UserIn, principal: PrincipalDep, inst: InstallationDep) -> UserOut:
    """Add a user; their address needs approval (``email_approved``) before mail is tracked."""
    user = users.add_user(
        inst.uow,
        principal.actor,
        body.email,
        body.name,
        roles=body.roles,
        business_unit=body.business_unit,
        password=body.password,
        email_approved=body.email_approved,
    )
    return _user_out(user)


@router.patch("/users/{user_id}", response_model=UserOut, tags=["administration"])
def update_user(
    user_id: PathId, body: UserPatch, principal: PrincipalDep, inst: InstallationDep
) -> UserOut:
    """Change roles, approve the address, or deactivate (a deactivated user can do nothing)."""
    changes = users.UserChanges(
        name=body.name,
        roles=body.roles,
        active=body.active,
        email_approved=body.email_approved,
        business_unit=body.business_unit,
    )
    return _user_out(users.update_user(inst.uow, principal.actor, user_id, changes))


@router.get("/roles", response_model=list[RoleOut], tags=["administration"])
def list_roles(principal: PrincipalDep, inst: InstallationDep) -> list[RoleOut]:
    return [
        RoleOut.model_validate(r, from_attributes=True)
        for r in roles.list_roles(inst.uow, principal.actor)
    ]


@router.put("/roles/{name}", response_model=RoleOut, tags=["administration"])
def save_role(
    name: Annotated[str, Path(max_length=100, pattern=r"^[A-Za-z0-9_.-]+$")],
    body: RoleIn,
    principal: PrincipalDep,
    inst: InstallationDep,
) -> RoleOut:
    """Create a role or replace one (built-in roles too): depths per record type and operation."""
    role = roles.save_role(inst.uow, principal.actor, name, body.description, body.privileges)
    return RoleOut.model_validate(role, from_attributes=True)


@router.get("/settings", response_model=dict[str, str], tags=["administration"])
def get_settings(principal: PrincipalDep, inst: InstallationDep) -> dict[str, str]:
    return settings.org_settings(inst.uow, principal.actor)


@router.patch("/settings", response_model=dict[str, str], tags=["administration"])
def set_settings(body: Settings, principal: PrincipalDep, inst: InstallationDep) -> dict[str, str]:
    return settings.change_org_settings(inst.uow, principal.actor, body)


@router.get("/quarantine", response_model=list[QuarantineOut], tags=["administration"])
def list_quarantine(
    principal: PrincipalDep,
    inst: InstallationDep,
    limit: Annotated[int, Query(ge=1, le=1000)] = 200,
) -> list[QuarantineOut]:
    return [
        QuarantineOut(
            id=q.id,
            user_id=q.user_id,
            source=q.source,
            reason=q.reason,
            raw_size=q.raw_size,
            received_at=q.received_at.isoformat(),
        )
        for q in quarantine.list_quarantine(inst.uow, principal.actor, limit)
    ]


@router.get(
    "/quarantine/{item_id}/original",
    response_class=Response,
    responses={
        200: {"content": {"message/rfc822": {"schema": {"type": "string", "format": "binary"}}}}
    },
    tags=["administration"],
)
def quarantined_original(
    item_id: PathId, principal: PrincipalDep, inst: InstallationDep
) -> Response:
    """The quarantined message, byte for byte (.eml)."""
    return file_response(
        quarantine.quarantined_original(inst.uow, inst.blobs, principal.actor, item_id)
    )


@router.post(
    "/quarantine/{item_id}/retry", response_model=QuarantineRetryOut, tags=["administration"]
)
def retry_quarantined(
    item_id: PathId, principal: PrincipalDep, inst: InstallationDep
) -> QuarantineRetryOut:
    """Track the message again for its user: tracked (the item is removed) or refused again."""
    outcome = quarantine.retry_quarantined(inst.uow, inst.blobs, principal.actor, item_id)
    return QuarantineRetryOut(
        quarantine_id=outcome.quarantine_id,
        tracked=outcome.tracked,
        activity_id=outcome.activity_id,
        reason=outcome.reason,
    )


@router.get("/me/options", response_model=dict[str, str], tags=["personal"])
def get_options(principal: PrincipalDep, inst: InstallationDep) -> dict[str, str]:
    return settings.personal_options(inst.uow, principal.actor)


@router.patch("/me/options", response_model=dict[str, str], tags=["personal"])
def set_options(body: Settings, principal: PrincipalDep, inst: InstallationDep) -> dict[str, str]:
    return settings.change_personal_options(inst.uow, principal.actor, body)


@router.get("/address-book", response_model=list[RecordOut], tags=["personal"])
def address_book(
    principal: PrincipalDep,
    inst: InstallationDep,
    q: Annotated[str, Query(min_length=1, max_length=200, pattern=r"^[^\x00]*$")],
    limit: Annotated[int, Query(ge=1, le=100)] = 20,
) -> list[RecordOut]:
    """Contacts by name or address: your own, or all you may read (personal option)."""
    found = search_address_book(inst.uow, principal.actor, q, limit)
    return [RecordOut.model_validate(v.as_dict()) for v in found]
