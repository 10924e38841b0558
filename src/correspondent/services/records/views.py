"""Records as plain dictionaries with stable keys (CLI ``--json`` and the HTTP API)."""

from __future__ import annotations

from typing import Any

from correspondent.domain.records import Record


def record_view(record: Record, owner_email: str = "") -> dict[str, Any]:
    return {
        "type": record.type,
        "id": record.id,
        "name": record.name,
        **record.fields,
        "email": record.emails[0] if record.emails else None,
        "emails": record.emails,
        "owner": owner_email,
        "active": record.active,
        "created_at": record.created_at.isoformat(),
        "modified_at": record.modified_at.isoformat(),
    }
