"""Use cases for organisation settings and personal options."""

from __future__ import annotations

from correspondent.domain.settings import (
    ORG_SETTINGS,
    PERSONAL_OPTIONS,
    SettingValues,
    lookup,
    parse_setting,
)
from correspondent.services.directory.entries import require_user
from correspondent.services.ports import UnitOfWorkFactory


def get_org_setting(uow_factory: UnitOfWorkFactory, key: str) -> str:
    lookup(ORG_SETTINGS, key)
    with uow_factory() as uow:
        return SettingValues(ORG_SETTINGS, uow.settings.org()).as_text()[key]


def all_org_settings(uow_factory: UnitOfWorkFactory) -> dict[str, str]:
    with uow_factory() as uow:
        return SettingValues(ORG_SETTINGS, uow.settings.org()).as_text()


def set_org_setting(uow_factory: UnitOfWorkFactory, key: str, value: str) -> str:
    canonical = parse_setting(ORG_SETTINGS, key, value)
    with uow_factory() as uow:
        uow.settings.set_org(key, canonical)
        uow.commit()
    return canonical


def get_personal_option(uow_factory: UnitOfWorkFactory, email: str, key: str) -> str:
    lookup(PERSONAL_OPTIONS, key)
    with uow_factory() as uow:
        user = require_user(uow, email)
        return SettingValues(PERSONAL_OPTIONS, uow.settings.personal(user.id)).as_text()[key]


def set_personal_option(uow_factory: UnitOfWorkFactory, email: str, key: str, value: str) -> str:
    canonical = parse_setting(PERSONAL_OPTIONS, key, value)
    with uow_factory() as uow:
        user = require_user(uow, email)
        uow.settings.set_personal(user.id, key, canonical)
        uow.commit()
    return canonical
