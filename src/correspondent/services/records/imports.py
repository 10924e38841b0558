"""Importing records from rows (CSV): validate everything first, then store in batches.

All or nothing: one bad row means nothing is imported, and every bad row is listed with its line
number, so the user fixes the file once instead of discovering problems one run at a time.
Checked and stored in one unit of work, so a failure part-way leaves nothing behind.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

from correspondent.domain.access import Actor
from correspondent.domain.errors import CorrespondentError, InvalidInput
from correspondent.domain.records import Record, record_kind
from correspondent.services.access import authorize_create
from correspondent.services.ports import UnitOfWorkFactory
from correspondent.services.records.create import (
    OwnerChoice,
    build_record,
    record_owner,
    require_readable_references,
)

BATCH = 1000
MAX_REPORTED = 20


def import_records(
    uow_factory: UnitOfWorkFactory,
    actor: Actor,
    type_name: str,
    rows: Sequence[Mapping[str, str | None]],
    owner: OwnerChoice = None,
    *,
    on_progress: Callable[[int], None] | None = None,
) -> list[int]:
    """Ids of the records made from ``rows``, all owned by ``owner``."""
    record_kind(type_name)
    problems: list[str] = []
    built: list[Record] = []
    with uow_factory() as uow:
        owning = record_owner(uow, actor, owner)
        authorize_create(actor, type_name, owning)
        for line, row in enumerate(rows, start=2):  # line 1 holds the headers
            values = {k.strip(): (v or "").strip() for k, v in row.items() if k}
            try:
                built.append(build_record(uow, type_name, values, owning))
            except CorrespondentError as error:
                problems.append(f"line {line}: {error}")
        if problems:
            shown = "\n".join(problems[:MAX_REPORTED])
            more = len(problems) - MAX_REPORTED
            suffix = f"\n… and {more} more" if more > 0 else ""
            raise InvalidInput(f"Nothing was imported; fix these rows:\n{shown}{suffix}")
        require_readable_references(uow, actor, built)
        ids: list[int] = []
        for start in range(0, len(built), BATCH):
            batch = built[start : start + BATCH]
            uow.directory.add_records_bulk(batch)
            ids.extend(record.id for record in batch)
            if on_progress:
                on_progress(len(batch))
        uow.commit()
    return ids
