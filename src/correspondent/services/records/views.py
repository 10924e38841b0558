"""One view of a record for every entry point: the CLI's output and ``--json``, and the API."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from correspondent.domain.records import Record, RecordRef
from correspondent.services.ports import UnitOfWork


@dataclass(frozen=True)
class RecordView:
    """A record with its owner's address; ``fields`` are the type's own values."""

    type: str
    id: int
    name: str
    fields: dict[str, Any]
    emails: list[str]
    owner_id: int
    owner: str
    """The owner's email address."""
    active: bool
    created_at: datetime
    modified_at: datetime

    @property
    def ref(self) -> RecordRef:
        return RecordRef(self.type, self.id)

    @property
    def email(self) -> str | None:
        return self.emails[0] if self.emails else None

    def as_dict(self) -> dict[str, Any]:
        """Flat, with stable keys: the type's fields sit beside the common ones."""
        return {
            "type": self.type,
            "id": self.id,
            "name": self.name,
            **self.fields,
            "email": self.email,
            "emails": self.emails,
            "owner": self.owner,
            "owner_id": self.owner_id,
            "active": self.active,
            "created_at": self.created_at.isoformat(),
            "modified_at": self.modified_at.isoformat(),
        }


def record_views(uow: UnitOfWork, records: Sequence[Record]) -> list[RecordView]:
    """Views of ``records`` in their order; the owners' addresses come in one query."""
    owners = uow.directory.user_names({r.owner_id for r in records})
    return [
        RecordView(
            type=r.type,
            id=r.id,
            name=r.name,
            fields=dict(r.fields),
            emails=list(r.emails),
            owner_id=r.owner_id,
            owner=owners.get(r.owner_id, ""),
            active=r.active,
            created_at=r.created_at,
            modified_at=r.modified_at,
        )
        for r in records
    ]


def record_view(uow: UnitOfWork, record: Record) -> RecordView:
    return record_views(uow, [record])[0]
