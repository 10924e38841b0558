"""Importing records from rows (CSV): validate everything first, then store in batches.

All or nothing: one bad row means nothing is imported, and every bad row is listed with its line
number, so the user fixes the file once instead of discovering problems one run at a time.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

from correspondent.domain.errors import CorrespondentError, InvalidInput
from correspondent.domain.records import Record
from correspondent.services.directory.entries import RecordInput, build_record
from correspondent.services.ports import UnitOfWorkFactory

BATCH = 1000
MAX_REPORTED = 20


def import_records(
    uow_factory: UnitOfWorkFactory,
    type_name: str,
    rows: Sequence[Mapping[str, str | None]],
    owner_email: str,
    *,
    on_progress: Callable[[int], None] | None = None,
) -> list[int]:
    problems: list[str] = []
    built: list[Record] = []
    with uow_factory() as uow:
        for line, row in enumerate(rows, start=2):  # line 1 holds the headers
            values = {k.strip(): (v or "").strip() for k, v in row.items() if k}
            try:
                built.append(build_record(uow, RecordInput(type_name, values, owner_email)))
            except CorrespondentError as error:
                problems.append(f"line {line}: {error}")
    if problems:
        shown = "\n".join(problems[:MAX_REPORTED])
        more = len(problems) - MAX_REPORTED
        suffix = f"\n… and {more} more" if more > 0 else ""
        raise InvalidInput(f"Nothing was imported; fix these rows:\n{shown}{suffix}")
    ids: list[int] = []
    with uow_factory() as uow:
        for start in range(0, len(built), BATCH):
            batch = built[start : start + BATCH]
            uow.directory.add_records_bulk(batch)
            ids.extend(record.id for record in batch)
            if on_progress:
                on_progress(len(batch))
        uow.commit()
    return ids
