"""Organisation settings (administrators) and personal options (each user's own).

Values are read and written as the text the definitions in ``domain/settings.py`` accept; every
value is validated before any is stored, so a bad one changes nothing, and ``SettingsRejected``
names every bad value at once.
"""

from __future__ import annotations

from collections.abc import Mapping

from correspondent.domain.access import Actor
from correspondent.domain.errors import NotFound
from correspondent.domain.settings import (
    ORG_SETTINGS,
    PERSONAL_OPTIONS,
    SettingValues,
    parse_settings,
)
from correspondent.domain.users import User
from correspondent.services.access import require_administrator
from correspondent.services.directory.entries import require_user
from correspondent.services.ports import UnitOfWork, UnitOfWorkFactory


def org_settings(uow_factory: UnitOfWorkFactory, actor: Actor) -> dict[str, str]:
    require_administrator(actor)
    with uow_factory() as uow:
        return SettingValues(ORG_SETTINGS, uow.settings.org()).as_text()


def change_org_settings(
    uow_factory: UnitOfWorkFactory, actor: Actor, values: Mapping[str, str]
) -> dict[str, str]:
    """Store ``values`` (all or none) and return every setting."""
    require_administrator(actor)
    canonical = parse_settings(ORG_SETTINGS, values)
    with uow_factory() as uow:
        for key, value in canonical.items():
            uow.settings.set_org(key, value)
        changed = SettingValues(ORG_SETTINGS, uow.settings.org()).as_text()
        uow.commit()
        return changed


def personal_options(
    uow_factory: UnitOfWorkFactory, actor: Actor, user_email: str | None = None
) -> dict[str, str]:
    """The actor's options, or (for an administrator) those of the user ``user_email`` names."""
    with uow_factory() as uow:
        user = _whose(uow, actor, user_email)
        return SettingValues(PERSONAL_OPTIONS, uow.settings.personal(user.id)).as_text()


def change_personal_options(
    uow_factory: UnitOfWorkFactory,
    actor: Actor,
    values: Mapping[str, str],
    user_email: str | None = None,
) -> dict[str, str]:
    """Store ``values`` (all or none) for that user and return all their options."""
    canonical = parse_settings(PERSONAL_OPTIONS, values)
    with uow_factory() as uow:
        user = _whose(uow, actor, user_email)
        for key, value in canonical.items():
            uow.settings.set_personal(user.id, key, value)
        changed = SettingValues(PERSONAL_OPTIONS, uow.settings.personal(user.id)).as_text()
        uow.commit()
        return changed


def _whose(uow: UnitOfWork, actor: Actor, user_email: str | None) -> User:
    if user_email is None:
        user = uow.directory.user(actor.user_id)
        if user is None or not user.active:
            raise NotFound("Personal options belong to a user; name one (--user).")
        return user
    user = require_user(uow, user_email)
    if user.id != actor.user_id:
        require_administrator(actor)
    return user
