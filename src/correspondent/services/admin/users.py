"""Users of the CRM: list, add and change them (administrators, and the CLI's operator)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from correspondent.domain.access import Actor
from correspondent.domain.errors import Conflict, InvalidInput, NotFound
from correspondent.domain.records import validate_address
from correspondent.domain.users import BusinessUnit, User
from correspondent.services.access import require_administrator, role_catalogue
from correspondent.services.auth import hash_password
from correspondent.services.ports import UnitOfWork, UnitOfWorkFactory

DEFAULT_BUSINESS_UNIT = "Head office"


class UserRejected(InvalidInput):
    """One value given for a user cannot be used; ``field`` names it (email, name, roles,
    business_unit), so a form can point at it."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


DEFAULT_ROLES = ("salesperson",)


def list_users(uow_factory: UnitOfWorkFactory, actor: Actor) -> list[User]:
    require_administrator(actor)
    with uow_factory() as uow:
        return uow.directory.list_users()


def user_by_email(uow_factory: UnitOfWorkFactory, actor: Actor, email: str) -> User:
    """The user whose primary address is ``email``, active or not (the CLI names users by
    address, and a deactivated user must be found to be activated again)."""
    require_administrator(actor)
    with uow_factory() as uow:
        user = uow.directory.user_by_email(email.strip().lower())
    if user is None:
        raise NotFound(
            f"No user has the email address {email!r}; add one with 'correspondent user add'."
        )
    return user


def list_business_units(uow_factory: UnitOfWorkFactory, actor: Actor) -> list[BusinessUnit]:
    require_administrator(actor)
    with uow_factory() as uow:
        return uow.directory.business_units()


def add_user(
    uow_factory: UnitOfWorkFactory,
    actor: Actor,
    email: str,
    name: str,
    *,
    roles: Iterable[str] = (),
    business_unit: str | None = None,
    email_approved: bool = True,
    password: str | None = None,
) -> User:
    """Add a user; until ``email_approved`` none of their mail is tracked."""
    require_administrator(actor)
    try:
        address = validate_address(email)
    except InvalidInput as bad:
        raise UserRejected("email", str(bad)) from None
    if not name.strip():
        raise UserRejected("name", "A user needs a name (--name).")
    wanted_roles = sorted(set(roles)) or list(DEFAULT_ROLES)
    try:
        password_hash = hash_password(password) if password else None
    except InvalidInput as bad:
        raise UserRejected("password", str(bad)) from None
    with uow_factory() as uow:
        _check_roles(uow, wanted_roles)
        if uow.directory.user_by_email(address) is not None:
            raise Conflict(f"A user with the email address {address} already exists.")
        user = uow.directory.add_user(
            User(
                id=0,
                email=address,
                name=name.strip(),
                business_unit_id=_business_unit_id(uow, business_unit),
                roles=wanted_roles,
                email_approved=email_approved,
            ),
            password_hash,
        )
        uow.commit()
        return user


@dataclass(frozen=True)
class UserChanges:
    """What to change about a user; None leaves a value as it is."""

    name: str | None = None
    roles: list[str] | None = None
    active: bool | None = None
    email_approved: bool | None = None
    business_unit: str | None = None
    """The unit's name; a name no unit has yet creates the unit (as ``add_user`` does)."""


def update_user(
    uow_factory: UnitOfWorkFactory, actor: Actor, user_id: int, changes: UserChanges
) -> User:
    """Change a user; deactivating one also ends their sessions."""
    require_administrator(actor)
    with uow_factory() as uow:
        if changes.roles is not None:
            _check_roles(uow, changes.roles)
        user = uow.directory.user(user_id)
        if user is None:
            raise NotFound(f"There is no user with id {user_id}.")
        if changes.roles is not None:
            user.roles = list(changes.roles)
        if changes.name is not None:
            user.name = changes.name
        if changes.active is not None:
            user.active = changes.active
        if changes.email_approved is not None:
            user.email_approved = changes.email_approved
        if changes.business_unit is not None:
            if not changes.business_unit.strip():
                raise UserRejected("business_unit", "A business unit needs a name.")
            user.business_unit_id = _business_unit_id(uow, changes.business_unit.strip())
        if user.id == actor.user_id and not user.active:
            raise InvalidInput("You cannot deactivate yourself.")
        uow.directory.update_user(user)
        if not user.active:
            uow.auth.delete_sessions_of(user.id)
        uow.commit()
        return user


def _check_roles(uow: UnitOfWork, roles: Iterable[str]) -> None:
    unknown = set(roles) - set(role_catalogue(uow))
    if unknown:
        raise UserRejected("roles", f"Unknown role(s): {', '.join(sorted(unknown))}.")


def _business_unit_id(uow: UnitOfWork, name: str | None) -> int:
    wanted = name or DEFAULT_BUSINESS_UNIT
    unit = uow.directory.business_unit_by_name(wanted)
    if unit is None:
        if name and uow.directory.business_units():
            # A named unit other than the default must be created under the root one.
            root = uow.directory.business_units()[0]
            unit = uow.directory.add_business_unit(wanted, root.id)
        else:
            unit = uow.directory.add_business_unit(wanted, None)
    return unit.id
