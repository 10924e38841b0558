"""Use cases behind the records API: list, get, create, update, deactivate, delete.

Each takes the acting user's ``Actor`` and checks it with ``services.access`` inside the same
unit of work that reads or writes the record.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from correspondent.domain.access import Actor, Operation, scope
from correspondent.domain.errors import InvalidInput, NotFound
from correspondent.domain.records import Record, RecordRef, record_kind
from correspondent.services.access import (
    authorize,
    authorize_create,
    describe,
    readable_refs,
)
from correspondent.services.directory.entries import RecordInput, build_record
from correspondent.services.paging import Page, check_limit, decode_cursor, encode_cursor
from correspondent.services.ports import UnitOfWork, UnitOfWorkFactory
from correspondent.services.records.views import record_view

SORTS = {"id": int, "name": str, "modified_at": datetime}


def _view(uow: UnitOfWork, record: Record) -> dict[str, Any]:
    owner = uow.directory.user_names([record.owner_id]).get(record.owner_id, "")
    return {**record_view(record, owner), "owner_id": record.owner_id}


def _load(uow: UnitOfWork, ref: RecordRef) -> Record:
    record = uow.directory.record(ref)
    if record is None:
        raise NotFound(describe(ref))
    return record


def _check_references(uow: UnitOfWork, actor: Actor, record: Record) -> None:
    refs = [
        RecordRef(t, record.fields[f])
        for f, t in record.kind.references.items()
        if f in record.fields
    ]
    hidden = set(refs) - readable_refs(uow, actor, refs)
    if hidden:
        raise NotFound(describe(sorted(hidden, key=str)[0]))


def list_records(
    uow_factory: UnitOfWorkFactory,
    actor: Actor,
    type_name: str,
    *,
    text: str | None = None,
    owner_id: int | None = None,
    active: bool | None = None,
    sort: str = "id",
    cursor: str | None = None,
    limit: int = 50,
) -> Page:
    record_kind(type_name)
    descending = sort.startswith("-")
    column = sort.lstrip("-")
    if column not in SORTS:
        raise InvalidInput(f"sort must be one of {', '.join(SORTS)} (prefix - for descending).")
    check_limit(limit)
    after = decode_cursor(cursor) if cursor else None
    if after is not None and not isinstance(after[0], SORTS[column]):
        raise InvalidInput("The cursor belongs to another sort order; start again without one.")
    with uow_factory() as uow:
        rows = uow.listing.record_page(
            type_name,
            scope(actor, type_name),
            text=text,
            owner_id=owner_id,
            active=active,
            sort=column,
            descending=descending,
            after=after,
            limit=limit,
        )
        by_id = {r.id: r for r in uow.directory.records_by_ids(type_name, [i for i, _ in rows])}
        names = uow.directory.user_names({r.owner_id for r in by_id.values()})
        items = [
            {
                **record_view(by_id[i], names.get(by_id[i].owner_id, "")),
                "owner_id": by_id[i].owner_id,
            }
            for i, _ in rows
        ]
    next_cursor = encode_cursor(rows[-1][1], rows[-1][0]) if len(rows) == limit else None
    return Page(items, next_cursor)


def get_record(uow_factory: UnitOfWorkFactory, actor: Actor, ref: RecordRef) -> dict[str, Any]:
    record_kind(ref.type)
    with uow_factory() as uow:
        authorize(uow, actor, ref, Operation.READ)
        return _view(uow, _load(uow, ref))


def create_record(
    uow_factory: UnitOfWorkFactory,
    actor: Actor,
    type_name: str,
    values: Mapping[str, Any],
    owner_id: int | None = None,
) -> dict[str, Any]:
    record_kind(type_name)
    with uow_factory() as uow:
        owner = uow.directory.user(owner_id if owner_id is not None else actor.user_id)
        if owner is None or not owner.active:
            raise NotFound(f"There is no active user with id {owner_id}.")
        authorize_create(actor, type_name, owner)
        record = build_record(uow, RecordInput(type_name, values, owner.email))
        _check_references(uow, actor, record)
        record = uow.directory.add_record(record)
        view = _view(uow, record)
        uow.commit()
        return view


def update_record(
    uow_factory: UnitOfWorkFactory, actor: Actor, ref: RecordRef, changes: Mapping[str, Any]
) -> dict[str, Any]:
    record_kind(ref.type)
    with uow_factory() as uow:
        authorize(uow, actor, ref, Operation.WRITE)
        record = _load(uow, ref)
        merged: dict[str, Any] = {**record.fields, **changes}
        if "email" not in changes and "emails" not in changes and record.emails:
            merged["emails"] = ",".join(record.emails)
        owner_email = uow.directory.user_names([record.owner_id])[record.owner_id]
        built = build_record(uow, RecordInput(ref.type, merged, owner_email))
        _check_references(uow, actor, built)
        record.fields, record.emails = built.fields, built.emails
        uow.directory.update_record(record)
        view = _view(uow, _load(uow, ref))
        uow.commit()
        return view


def set_record_active(
    uow_factory: UnitOfWorkFactory, actor: Actor, ref: RecordRef, active: bool
) -> dict[str, Any]:
    record_kind(ref.type)
    with uow_factory() as uow:
        authorize(uow, actor, ref, Operation.WRITE)
        record = _load(uow, ref)
        record.active = active
        uow.directory.update_record(record)
        view = _view(uow, _load(uow, ref))
        uow.commit()
        return view


def delete_record(uow_factory: UnitOfWorkFactory, actor: Actor, ref: RecordRef) -> None:
    record_kind(ref.type)
    with uow_factory() as uow:
        authorize(uow, actor, ref, Operation.DELETE)
        uow.access.delete_record(ref)
        uow.commit()
