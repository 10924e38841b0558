"""Users as plain dictionaries with stable keys (CLI ``--json`` and the HTTP API)."""

from __future__ import annotations

from typing import Any

from correspondent.domain.users import User


def user_view(user: User) -> dict[str, Any]:
    return {
        "id": user.id,
        "email": user.email,
        "name": user.name,
        "roles": user.roles,
        "business_unit_id": user.business_unit_id,
        "active": user.active,
        "email_approved": user.email_approved,
    }
