"""Security roles: the built-in ones and those an administrator saved (which may replace them)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from correspondent.domain.access import (
    BUILTIN_ROLES,
    Actor,
    Role,
    format_privileges,
    parse_privileges,
)
from correspondent.domain.errors import InvalidInput
from correspondent.services.access import require_administrator, role_catalogue
from correspondent.services.ports import UnitOfWorkFactory


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
    if not name.strip() or len(name) > 100:
        raise InvalidInput("A role name must be 1-100 characters.")
    role = Role(name.strip(), description, parse_privileges(privileges))
    with uow_factory() as uow:
        uow.access.save_role(role)
        uow.commit()
    return RoleView.of(role)
