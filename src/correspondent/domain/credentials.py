"""What a stored API token or browser session says about its user (values, no I/O)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from correspondent.domain.access import Role
from correspondent.domain.users import User


@dataclass(frozen=True)
class TokenRow:
    id: int
    user_id: int
    name: str
    prefix: str
    created_at: datetime
    expires_at: datetime | None
    revoked_at: datetime | None
    last_used_at: datetime | None


@dataclass(frozen=True)
class Credential:
    """A token's or session's user, with the credential's own limits."""

    user: User
    stored_roles: dict[str, Role]
    """Saved definitions of the user's roles (custom roles, edited built-in ones)."""
    expires_at: datetime | None
    revoked_at: datetime | None = None
    csrf_token: str = ""
