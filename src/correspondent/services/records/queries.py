"""Reading records: one by reference, or a page of one type, as far as the actor may read."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from correspondent.domain.access import Actor, Operation, scope
from correspondent.domain.errors import InvalidInput, NotFound
from correspondent.domain.records import Record, RecordRef, record_kind
from correspondent.services.access import authorize, describe
from correspondent.services.paging import check_limit, decode_cursor, encode_cursor
from correspondent.services.ports import UnitOfWork, UnitOfWorkFactory
from correspondent.services.records.views import RecordView, record_view, record_views

SORTS = {"id": int, "name": str, "modified_at": datetime}


@dataclass(frozen=True)
class RecordPage:
    items: list[RecordView]
    next_cursor: str | None
    """Pass it back for the next page; None on the last one."""


def load_record(uow: UnitOfWork, ref: RecordRef) -> Record:
    record = uow.directory.record(ref)
    if record is None:
        raise NotFound(describe(ref))
    return record


def get_record(uow_factory: UnitOfWorkFactory, actor: Actor, ref: RecordRef) -> RecordView:
    record_kind(ref.type)
    with uow_factory() as uow:
        authorize(uow, actor, ref, Operation.READ)
        return record_view(uow, load_record(uow, ref))


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
) -> RecordPage:
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
        items = record_views(uow, [by_id[i] for i, _ in rows])
    next_cursor = encode_cursor(rows[-1][1], rows[-1][0]) if len(rows) == limit else None
    return RecordPage(items, next_cursor)
