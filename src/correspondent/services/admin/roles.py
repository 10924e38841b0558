"""Security roles: the built-in ones and those an administrator saved (which may replace them)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

from correspondent.domain.access import (
    BUILTIN_ROLES,
    Actor,
    Role,
    format_privileges,
    parse_privileges,
)
from correspondent.domain.errors import Conflict, InvalidInput
from correspondent.services.access import require_administrator, role_catalogue
from correspondent.services.ports import UnitOfWorkFactory

ROLE_NAME = re.compile(r"[A-Za-z0-9_.-]+")
"""What a role name may hold (it is part of the API's paths)."""


@dataclass(frozen=True)
class RoleView:
    name: str
    description: str
    built_in: bool
    """A role of that name ships with Correspondent (saving one replaces it)."""
    privileges: dict[str, dict[str, str]]
    """Depth per record type and operation, as the API writes them."""

    @classmethod
    def of(cls, role: Role) -> RoleView:
        return cls(
            role.name,
            role.description,
            role.name in BUILTIN_ROLES,
            format_privileges(role.privileges),
        )


def list_roles(uow_factory: UnitOfWorkFactory, actor: Actor) -> list[RoleView]:
    require_administrator(actor)
    with uow_factory() as uow:
        return [RoleView.of(r) for _, r in sorted(role_catalogue(uow).items())]


def save_role(
    uow_factory: UnitOfWorkFactory,
    actor: Actor,
    name: str,
    description: str,
    privileges: Mapping[str, Mapping[str, str]],
) -> RoleView:
    require_administrator(actor)
    role = Role(_valid_name(name), description, parse_privileges(privileges))
    with uow_factory() as uow:
        uow.access.save_role(role)
        uow.commit()
    return RoleView.of(role)


def create_role(
    uow_factory: UnitOfWorkFactory, actor: Actor, name: str, description: str = ""
) -> RoleView:
    """A new role that grants nothing yet; a role of that name (built in too) is a Conflict."""
    require_administrator(actor)
    role = Role(_valid_name(name), description, {})
    with uow_factory() as uow:
        if role.name in role_catalogue(uow):
            raise Conflict(f"A role named {role.name!r} exists already; change it instead.")
        uow.access.save_role(role)
        uow.commit()
    return RoleView.of(role)


def _valid_name(name: str) -> str:
    clean = name.strip()
    if not ROLE_NAME.fullmatch(clean) or len(clean) > 100:
        raise InvalidInput(
            "A role name must be 1-100 letters, digits, '_', '.' or '-' (no spaces)."
        )
    return clean
