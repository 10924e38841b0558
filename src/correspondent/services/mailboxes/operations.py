"""Mailbox use cases as the HTTP API runs them: the same services as the CLI, behind an access rule.

The CLI is the operator's tool and may touch any mailbox. Through the API a user manages their own
mailboxes only; administrators (the ``administrator`` role, ``Actor.is_administrator``) see and
manage every mailbox. Another user's mailbox answers 404, exactly like one that does not exist,
so ids do not reveal whose mailboxes exist. Secrets go in and are never read back out: the views
below come from ``mailboxes.mailbox_status``, which never includes the encrypted secret either.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from correspondent.domain.access import Actor, Operation
from correspondent.domain.errors import NotFound, PermissionDenied
from correspondent.domain.mailbox import Mailbox, WatchedFolder
from correspondent.domain.records import RecordRef
from correspondent.domain.users import User
from correspondent.services.access import authorize
from correspondent.services.mailboxes import folders as tracked_folders
from correspondent.services.mailboxes import setup as mailboxes
from correspondent.services.mailboxes.connect import MailboxConnector
from correspondent.services.ports import UnitOfWorkFactory


def _require_access(uow_factory: UnitOfWorkFactory, actor: Actor, mailbox_id: int) -> Mailbox:
    with uow_factory() as uow:
        mailbox = uow.mailboxes.get(mailbox_id)
    if mailbox is None or not (actor.is_administrator or mailbox.user_id == actor.user_id):
        raise NotFound(f"There is no mailbox with id {mailbox_id}.")
    return mailbox


def _check_regarding(uow_factory: UnitOfWorkFactory, actor: Actor, ref: RecordRef | None) -> None:
    """A folder may only be linked to a record the acting user can read (404 otherwise)."""
    if ref is not None:
        with uow_factory() as uow:
            authorize(uow, actor, ref, Operation.READ)


def list_mailboxes(uow_factory: UnitOfWorkFactory, actor: Actor) -> list[dict[str, Any]]:
    user_id = None if actor.is_administrator else actor.user_id
    return mailboxes.mailbox_status(uow_factory, user_id=user_id)


def mailbox_view(uow_factory: UnitOfWorkFactory, actor: Actor, mailbox_id: int) -> dict[str, Any]:
    _require_access(uow_factory, actor, mailbox_id)
    [view] = mailboxes.mailbox_status(uow_factory, mailbox_id)
    return dict(view)


def add_mailbox(
    uow_factory: UnitOfWorkFactory,
    connector: MailboxConnector,
    actor: Actor,
    user: User,
    item: mailboxes.MailboxInput,
) -> dict[str, Any]:
    """Add a mailbox for the signed-in user (administrators may name another owner)."""
    owner = (item.user_email or user.email).strip().lower()
    if owner != user.email and not actor.is_administrator:
        raise PermissionDenied("Only an administrator may add a mailbox for another user.")
    with uow_factory() as uow:
        existing = uow.mailboxes.by_address(item.address.strip().lower())
    if existing is not None and existing.user_id != user.id and not actor.is_administrator:
        # Replacing the credentials of someone else's mailbox is never a user's business.
        raise PermissionDenied(f"The mailbox {item.address} belongs to another user.")
    mailbox = mailboxes.add_mailbox(uow_factory, connector, replace(item, user_email=owner))
    assert mailbox.id is not None
    return mailbox_view(uow_factory, actor, mailbox.id)


def test_mailbox(
    uow_factory: UnitOfWorkFactory,
    connector: MailboxConnector,
    actor: Actor,
    mailbox_id: int,
    *,
    enable: bool,
) -> dict[str, Any]:
    """Test (and with ``enable`` Test & Enable): connection, login, identity, folders."""
    _require_access(uow_factory, actor, mailbox_id)
    report = mailboxes.run_mailbox_test(uow_factory, connector, mailbox_id, enable=enable)
    return {
        "mailbox_id": report.mailbox_id,
        "enabled": report.enabled,
        "capabilities": sorted(report.capabilities),
        "folders": len(report.folders),
        "sent_folder": report.sent_folder,
    }


def disable_mailbox(uow_factory: UnitOfWorkFactory, actor: Actor, mailbox_id: int) -> None:
    _require_access(uow_factory, actor, mailbox_id)
    mailboxes.disable_mailbox(uow_factory, mailbox_id)


def server_folders(
    uow_factory: UnitOfWorkFactory, connector: MailboxConnector, actor: Actor, mailbox_id: int
) -> list[dict[str, Any]]:
    _require_access(uow_factory, actor, mailbox_id)
    return tracked_folders.server_folders(uow_factory, connector, mailbox_id)


def folder_view(folder: WatchedFolder) -> dict[str, Any]:
    return {
        "id": folder.id,
        "name": folder.name,
        "role": folder.role.value,
        "tracked": folder.tracked,
        "regarding": f"{folder.regarding.type}:{folder.regarding.id}" if folder.regarding else None,
        "active": folder.active,
    }


def track_folder(
    uow_factory: UnitOfWorkFactory,
    connector: MailboxConnector,
    actor: Actor,
    mailbox_id: int,
    name: str,
    regarding: RecordRef | None,
) -> dict[str, Any]:
    _require_access(uow_factory, actor, mailbox_id)
    _check_regarding(uow_factory, actor, regarding)
    folder = tracked_folders.track_folder(uow_factory, connector, mailbox_id, name, regarding)
    return folder_view(folder)


def untrack_folder(
    uow_factory: UnitOfWorkFactory, actor: Actor, mailbox_id: int, name: str
) -> None:
    _require_access(uow_factory, actor, mailbox_id)
    tracked_folders.untrack_folder(uow_factory, mailbox_id, name)


def set_folder_regarding(
    uow_factory: UnitOfWorkFactory,
    actor: Actor,
    mailbox_id: int,
    name: str,
    regarding: RecordRef | None,
) -> int:
    _require_access(uow_factory, actor, mailbox_id)
    _check_regarding(uow_factory, actor, regarding)
    return tracked_folders.set_folder_regarding(uow_factory, mailbox_id, name, regarding)
