"""Changing records: new values, (de)activation and deletion, each checked in its own unit."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from correspondent.domain.access import Actor, Operation
from correspondent.domain.records import RecordRef, record_kind
from correspondent.services.access import authorize
from correspondent.services.ports import UnitOfWorkFactory
from correspondent.services.records.create import build_record, require_readable_references
from correspondent.services.records.queries import load_record
from correspondent.services.records.views import RecordView, record_view


def update_record(
    uow_factory: UnitOfWorkFactory, actor: Actor, ref: RecordRef, changes: Mapping[str, Any]
) -> RecordView:
    """Merge ``changes`` into the record's values; the addresses stay unless changed."""
    record_kind(ref.type)
    with uow_factory() as uow:
        authorize(uow, actor, ref, Operation.WRITE)
        record = load_record(uow, ref)
        merged: dict[str, Any] = {**record.fields, **changes}
        if "email" not in changes and "emails" not in changes and record.emails:
            merged["emails"] = ",".join(record.emails)
        owner = uow.directory.user(record.owner_id)
        if owner is None:
            raise RuntimeError(f"{ref} has owner {record.owner_id}, who does not exist")
        built = build_record(uow, ref.type, merged, owner)
        require_readable_references(uow, actor, [built])
        record.fields, record.emails = built.fields, built.emails
        uow.directory.update_record(record)
        view = record_view(uow, load_record(uow, ref))
        uow.commit()
        return view


def set_record_active(
    uow_factory: UnitOfWorkFactory, actor: Actor, ref: RecordRef, active: bool
) -> RecordView:
    record_kind(ref.type)
    with uow_factory() as uow:
        authorize(uow, actor, ref, Operation.WRITE)
        record = load_record(uow, ref)
        record.active = active
        uow.directory.update_record(record)
        view = record_view(uow, load_record(uow, ref))
        uow.commit()
        return view


def delete_record(uow_factory: UnitOfWorkFactory, actor: Actor, ref: RecordRef) -> None:
    record_kind(ref.type)
    with uow_factory() as uow:
        authorize(uow, actor, ref, Operation.DELETE)
        uow.access.delete_record(ref)
        uow.commit()
