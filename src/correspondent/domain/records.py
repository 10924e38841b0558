"""CRM records: the things email is linked to.

Record types are data (``RecordKind``), not classes, so a new email-enabled type (a partner, a
vendor…) is one more entry in ``RECORD_KINDS`` rather than a new table and a rewrite of the
engine. Every record has an owner, a business unit, created/modified times and an active state;
type-specific values live in ``fields``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from correspondent.domain.errors import InvalidInput


def _person_name(fields: Mapping[str, Any]) -> str:
    parts = [
        str(fields.get("first_name") or "").strip(),
        str(fields.get("last_name") or "").strip(),
    ]
    return " ".join(p for p in parts if p)


def _field(name: str) -> Callable[[Mapping[str, Any]], str]:
    return lambda fields: str(fields.get(name) or "").strip()


@dataclass(frozen=True)
class RecordKind:
    """What the engine needs to know about one record type."""

    name: str
    fields: frozenset[str]
    required: frozenset[str]
    display_name: Callable[[Mapping[str, Any]], str]
    email_enabled: bool
    references: Mapping[str, str] = field(default_factory=dict)
    """Fields holding the id of another record, mapped to that record's type."""
    from_precedence: int = 100
    """Resolution order for a From address: lower wins (users come first, at 0)."""


RECORD_KINDS: dict[str, RecordKind] = {
    kind.name: kind
    for kind in (
        RecordKind(
            name="account",
            fields=frozenset({"name", "status", "website", "phone", "account"}),
            required=frozenset({"name"}),
            display_name=_field("name"),
            email_enabled=True,
            references={"account": "account"},
            from_precedence=20,
        ),
        RecordKind(
            name="contact",
            fields=frozenset(
                {"first_name", "last_name", "status", "job_title", "phone", "account"}
            ),
            required=frozenset({"last_name"}),
            display_name=_person_name,
            email_enabled=True,
            references={"account": "account"},
            from_precedence=10,
        ),
        RecordKind(
            name="lead",
            fields=frozenset({"first_name", "last_name", "company", "status", "phone", "topic"}),
            required=frozenset({"last_name"}),
            display_name=_person_name,
            email_enabled=True,
            from_precedence=30,
        ),
        RecordKind(
            name="opportunity",
            fields=frozenset({"name", "status", "account", "contact", "estimated_value"}),
            required=frozenset({"name"}),
            display_name=_field("name"),
            email_enabled=False,
            references={"account": "account", "contact": "contact"},
        ),
        RecordKind(
            name="case",
            fields=frozenset({"title", "status", "account", "contact", "priority"}),
            required=frozenset({"title"}),
            display_name=_field("title"),
            email_enabled=False,
            references={"account": "account", "contact": "contact"},
        ),
    )
}

USER_TYPE = "user"
"""Parties may resolve to users too; users are not records in ``RECORD_KINDS``."""
USER_FROM_PRECEDENCE = 0


def record_kind(type_name: str) -> RecordKind:
    """Return the kind for ``type_name`` or raise InvalidInput naming the valid types."""
    try:
        return RECORD_KINDS[type_name]
    except KeyError:
        valid = ", ".join(sorted(RECORD_KINDS))
        raise InvalidInput(f"Unknown record type {type_name!r}; use one of: {valid}.") from None


@dataclass(frozen=True)
class RecordRef:
    """A pointer to one record (or user): ``type`` and ``id``."""

    type: str
    id: int

    @classmethod
    def parse(cls, text: str) -> RecordRef:
        """Parse ``TYPE:ID`` as written on the command line, e.g. ``account:12``."""
        type_name, sep, id_text = text.partition(":")
        if not sep or not id_text.strip().isdigit():
            raise InvalidInput(
                f"{text!r} is not a record reference; write TYPE:ID, e.g. account:12."
            )
        if type_name != USER_TYPE:
            record_kind(type_name)
        return cls(type_name, int(id_text))

    def __str__(self) -> str:
        return f"{self.type}:{self.id}"


@dataclass
class Record:
    """One CRM record of any kind."""

    id: int
    type: str
    owner_id: int
    business_unit_id: int
    active: bool
    created_at: datetime
    modified_at: datetime
    fields: dict[str, Any]
    emails: list[str]
    """Normalised addresses; the first is the primary one."""

    @property
    def kind(self) -> RecordKind:
        return record_kind(self.type)

    @property
    def name(self) -> str:
        return self.kind.display_name(self.fields) or f"{self.type} {self.id}"

    @property
    def ref(self) -> RecordRef:
        return RecordRef(self.type, self.id)


def normalise_address(address: str) -> str:
    """Addresses match case-insensitively on the full address (BEHAVIOUR §3)."""
    return address.strip().lower()


def validate_record_fields(kind: RecordKind, values: Mapping[str, Any]) -> dict[str, Any]:
    """Check field names and required values for ``kind``; return a clean copy."""
    unknown = set(values) - kind.fields
    if unknown:
        allowed = ", ".join(sorted(kind.fields | {"email", "emails"}))
        names = ", ".join(sorted(unknown))
        raise InvalidInput(f"A {kind.name} has no field {names}; fields are: {allowed}.")
    clean = {k: v for k, v in values.items() if v not in (None, "")}
    for ref_field in kind.references:
        if ref_field in clean:
            text = str(clean[ref_field]).strip()
            if not text.isdigit():
                raise InvalidInput(f"{ref_field} must be the id of a {kind.references[ref_field]}.")
            clean[ref_field] = int(text)
    missing = [name for name in sorted(kind.required) if not str(clean.get(name, "")).strip()]
    if missing:
        raise InvalidInput(f"A {kind.name} needs {', '.join(missing)}.")
    return clean


def validate_address(address: str) -> str:
    """Normalise ``address`` and reject text that is plainly not an email address."""
    clean = normalise_address(address)
    local, at, domain = clean.rpartition("@")
    if not at or not local or "." not in domain or any(c.isspace() for c in clean):
        raise InvalidInput(f"{address!r} is not an email address.")
    return clean
