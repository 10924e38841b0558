"""Use cases for users, roles, settings, personal options, the quarantine and the address book.

Administration (users, roles, organisation settings, quarantine) needs the administrator role;
personal options and the address book act on the signed-in user only.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from correspondent.domain.access import (
    BUILTIN_ROLES,
    Actor,
    Role,
    Scope,
    format_privileges,
    parse_privileges,
    scope,
)
from correspondent.domain.errors import InvalidInput, NotFound
from correspondent.domain.settings import (
    PERSONAL_OPTIONS,
    PersonalOptions,
    SettingValues,
    parse_setting,
)
from correspondent.domain.users import User
from correspondent.services.access import require_administrator, role_catalogue
from correspondent.services.admin import settings as configuration
from correspondent.services.admin.views import user_view
from correspondent.services.auth import hash_password
from correspondent.services.directory import entries as directory
from correspondent.services.ports import UnitOfWorkFactory
from correspondent.services.records.views import record_view


def list_users(uow_factory: UnitOfWorkFactory, actor: Actor) -> list[dict[str, Any]]:
    require_administrator(actor)
    return [user_view(u) for u in directory.list_users(uow_factory)]


def _check_roles(uow_factory: UnitOfWorkFactory, roles: list[str]) -> None:
    with uow_factory() as uow:
        unknown = set(roles) - set(role_catalogue(uow))
    if unknown:
        raise InvalidInput(f"Unknown role(s): {', '.join(sorted(unknown))}.")


def create_user(
    uow_factory: UnitOfWorkFactory,
    actor: Actor,
    *,
    email: str,
    name: str,
    roles: list[str],
    business_unit: str | None,
    password: str | None,
    email_approved: bool,
) -> dict[str, Any]:
    """Users added through the API need approval unless the administrator approves them here."""
    require_administrator(actor)
    _check_roles(uow_factory, roles)
    user = directory.add_user(
        uow_factory,
        email,
        name,
        roles=roles,
        business_unit=business_unit,
        email_approved=email_approved,
        password_hash=hash_password(password) if password else None,
    )
    return user_view(user)


def update_user(
    uow_factory: UnitOfWorkFactory, actor: Actor, user_id: int, changes: Mapping[str, Any]
) -> dict[str, Any]:
    require_administrator(actor)
    if changes.get("roles") is not None:
        _check_roles(uow_factory, list(changes["roles"]))
    with uow_factory() as uow:
        user = uow.directory.user(user_id)
        if user is None:
            raise NotFound(f"There is no user with id {user_id}.")
        for key in ("name", "roles", "active", "email_approved"):
            if changes.get(key) is not None:
                setattr(user, key, changes[key])
        if user.id == actor.user_id and not user.active:
            raise InvalidInput("You cannot deactivate yourself.")
        uow.directory.update_user(user)
        if not user.active:
            uow.auth.delete_sessions_of(user.id)
        uow.commit()
        return user_view(user)


def role_view(role: Role) -> dict[str, Any]:
    return {
        "name": role.name,
        "description": role.description,
        "built_in": role.name in BUILTIN_ROLES,
        "privileges": format_privileges(role.privileges),
    }


def list_roles(uow_factory: UnitOfWorkFactory, actor: Actor) -> list[dict[str, Any]]:
    require_administrator(actor)
    with uow_factory() as uow:
        return [role_view(r) for _, r in sorted(role_catalogue(uow).items())]


def save_role(
    uow_factory: UnitOfWorkFactory,
    actor: Actor,
    name: str,
    description: str,
    privileges: Mapping[str, Mapping[str, str]],
) -> dict[str, Any]:
    require_administrator(actor)
    if not name.strip() or len(name) > 100:
        raise InvalidInput("A role name must be 1-100 characters.")
    role = Role(name.strip(), description, parse_privileges(privileges))
    with uow_factory() as uow:
        uow.access.save_role(role)
        uow.commit()
    return role_view(role)


def org_settings(uow_factory: UnitOfWorkFactory, actor: Actor) -> dict[str, str]:
    require_administrator(actor)
    return configuration.all_org_settings(uow_factory)


def set_org_settings(
    uow_factory: UnitOfWorkFactory, actor: Actor, values: Mapping[str, str]
) -> dict[str, str]:
    require_administrator(actor)
    for key, value in values.items():
        configuration.set_org_setting(uow_factory, key, value)
    return configuration.all_org_settings(uow_factory)


def personal_options(uow_factory: UnitOfWorkFactory, user: User) -> dict[str, str]:
    with uow_factory() as uow:
        return SettingValues(PERSONAL_OPTIONS, uow.settings.personal(user.id)).as_text()


def set_personal_options(
    uow_factory: UnitOfWorkFactory, user: User, values: Mapping[str, str]
) -> dict[str, str]:
    canonical = {k: parse_setting(PERSONAL_OPTIONS, k, v) for k, v in values.items()}
    with uow_factory() as uow:
        for key, value in canonical.items():
            uow.settings.set_personal(user.id, key, value)
        uow.commit()
    return personal_options(uow_factory, user)


def quarantine(uow_factory: UnitOfWorkFactory, actor: Actor, limit: int) -> list[dict[str, Any]]:
    require_administrator(actor)
    with uow_factory() as uow:
        return [
            {
                "id": q.id,
                "user_id": q.user_id,
                "source": q.source,
                "reason": q.reason,
                "raw_size": q.raw_size,
                "received_at": q.received_at.isoformat(),
            }
            for q in uow.quarantine.list(limit)
        ]


def address_book(
    uow_factory: UnitOfWorkFactory, actor: Actor, text: str, limit: int
) -> list[dict[str, Any]]:
    """Contacts matching ``text``: the user's own, or all they may read (personal option)."""
    if not text.strip():
        raise InvalidInput("Type part of a name or address to search the address book.")
    with uow_factory() as uow:
        options = PersonalOptions.from_stored(uow.settings.personal(actor.user_id))
        readable = scope(actor, "contact")
        wanted = (
            readable
            if options.address_book == "readable"
            else (readable if readable.nothing else Scope(actor.user_id, owner_id=actor.user_id))
        )
        ids = uow.listing.search_contacts(wanted, text, limit)
        return [record_view(r) for r in uow.directory.records_by_ids("contact", ids)]
