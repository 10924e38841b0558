"""Users of the CRM and the business units that group them."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class BusinessUnit:
    id: int
    name: str
    parent_id: int | None


@dataclass
class User:
    """A person who signs in and tracks mail; ``email`` is the primary address (normalised)."""

    id: int
    email: str
    name: str
    business_unit_id: int
    roles: list[str] = field(default_factory=list)
    active: bool = True
    email_approved: bool = False
