"""CRM records: list, get, create, update, (de)activate, delete, assign, share, timeline."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request, Response

from correspondent.api.deps import (
    CredentialsDep,
    InstallationDep,
    PrincipalDep,
    authenticated_unit,
    run_short_read,
)
from correspondent.api.schemas import (
    ActivityPage,
    AssignIn,
    PathId,
    QueryId,
    QueryText,
    RecordIn,
    RecordOut,
    RecordPage,
    RecordPatch,
    RecordType,
    ShareIn,
    ShareOut,
)
from correspondent.domain.records import RecordRef
from correspondent.services.activities import timeline as api_timeline
from correspondent.services.admin import sharing as api_sharing
from correspondent.services.records import create, queries, update
from correspondent.services.records.views import RecordView

router = APIRouter(prefix="/records", tags=["records"])
Limit = Annotated[int, Query(ge=1, le=200)]


@router.get("/{type_name}", response_model=RecordPage)
def list_records(
    type_name: RecordType,
    principal: PrincipalDep,
    inst: InstallationDep,
    q: QueryText = None,
    owner_id: QueryId = None,
    active: bool | None = None,
    sort: Annotated[str, Query(pattern="^-?(id|name|modified_at)$")] = "id",
    cursor: Annotated[str | None, Query(max_length=500)] = None,
    limit: Limit = 50,
) -> RecordPage:
    """Records of one type that you may read; pass ``next_cursor`` back for the next page."""
    page = queries.list_records(
        inst.uow,
        principal.actor,
        type_name.value,
        text=q,
        owner_id=owner_id,
        active=active,
        sort=sort,
        cursor=cursor,
        limit=limit,
    )
    return RecordPage(items=[record_out(v) for v in page.items], next_cursor=page.next_cursor)


def record_out(view: RecordView) -> RecordOut:
    return RecordOut.model_validate(view.as_dict())


@router.post("/{type_name}", response_model=RecordOut, status_code=201)
def create_record(
    type_name: RecordType, body: RecordIn, principal: PrincipalDep, inst: InstallationDep
) -> RecordOut:
    view = create.create_record(
        inst.uow, principal.actor, type_name.value, body.fields, body.owner_id
    )
    return record_out(view)


@router.get("/{type_name}/{record_id}", response_model=RecordOut)
def get_record(
    type_name: RecordType, record_id: PathId, principal: PrincipalDep, inst: InstallationDep
) -> RecordOut:
    return record_out(
        queries.get_record(inst.uow, principal.actor, RecordRef(type_name.value, record_id))
    )


@router.patch("/{type_name}/{record_id}", response_model=RecordOut)
def update_record(
    type_name: RecordType,
    record_id: PathId,
    body: RecordPatch,
    principal: PrincipalDep,
    inst: InstallationDep,
) -> RecordOut:
    ref = RecordRef(type_name.value, record_id)
    return record_out(update.update_record(inst.uow, principal.actor, ref, body.fields))


@router.post("/{type_name}/{record_id}/deactivate", response_model=RecordOut)
def deactivate_record(
    type_name: RecordType, record_id: PathId, principal: PrincipalDep, inst: InstallationDep
) -> RecordOut:
    ref = RecordRef(type_name.value, record_id)
    return record_out(update.set_record_active(inst.uow, principal.actor, ref, False))


@router.post("/{type_name}/{record_id}/activate", response_model=RecordOut)
def activate_record(
    type_name: RecordType, record_id: PathId, principal: PrincipalDep, inst: InstallationDep
) -> RecordOut:
    ref = RecordRef(type_name.value, record_id)
    return record_out(update.set_record_active(inst.uow, principal.actor, ref, True))


@router.delete("/{type_name}/{record_id}", status_code=204)
def delete_record(
    type_name: RecordType, record_id: PathId, principal: PrincipalDep, inst: InstallationDep
) -> None:
    update.delete_record(inst.uow, principal.actor, RecordRef(type_name.value, record_id))


@router.post("/{type_name}/{record_id}/assign", status_code=204)
def assign_record(
    type_name: RecordType,
    record_id: PathId,
    body: AssignIn,
    principal: PrincipalDep,
    inst: InstallationDep,
) -> None:
    ref = RecordRef(type_name.value, record_id)
    api_sharing.assign(inst.uow, principal.actor, ref, body.owner_id)


@router.get("/{type_name}/{record_id}/shares", response_model=list[ShareOut])
def list_shares(
    type_name: RecordType, record_id: PathId, principal: PrincipalDep, inst: InstallationDep
) -> list[ShareOut]:
    ref = RecordRef(type_name.value, record_id)
    return [
        ShareOut.model_validate(s) for s in api_sharing.list_shares(inst.uow, principal.actor, ref)
    ]


@router.post("/{type_name}/{record_id}/shares", status_code=204)
def share_record(
    type_name: RecordType,
    record_id: PathId,
    body: ShareIn,
    principal: PrincipalDep,
    inst: InstallationDep,
) -> None:
    ref = RecordRef(type_name.value, record_id)
    api_sharing.share(inst.uow, principal.actor, ref, body.user_id, body.access)


@router.delete("/{type_name}/{record_id}/shares/{user_id}", status_code=204)
def unshare_record(
    type_name: RecordType,
    record_id: PathId,
    user_id: PathId,
    principal: PrincipalDep,
    inst: InstallationDep,
) -> None:
    api_sharing.unshare(inst.uow, principal.actor, RecordRef(type_name.value, record_id), user_id)


@router.get("/{type_name}/{record_id}/timeline", response_model=ActivityPage)
async def timeline(
    request: Request,
    type_name: RecordType,
    record_id: PathId,
    inst: InstallationDep,
    presented: CredentialsDep,
    cursor: Annotated[str | None, Query(max_length=500)] = None,
    limit: Limit = 50,
) -> Response:
    """Activities regarding the record or with it as a party (for an account: its contacts' too)."""
    ref = RecordRef(type_name.value, record_id)

    # The busiest read: authenticated and answered in one transaction, on one worker thread,
    # serialised once (a returned model would be validated again by FastAPI).
    def read() -> bytes:
        with authenticated_unit(inst, presented) as unit:
            actor = unit.principal.actor
            page = api_timeline.timeline(unit.uow, actor, ref, cursor=cursor, limit=limit)
        answer = ActivityPage(items=page.items, next_cursor=page.next_cursor)
        return answer.model_dump_json().encode()

    return Response(await run_short_read(request, read), media_type="application/json")
