"""What the owner sees of a mailbox: state, folders, skips, alerts and failed messages.

The views never include the encrypted secret. The field names are those of the CLI's
``mailbox status --json`` and of the API's ``MailboxOut``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from correspondent.domain.access import Actor
from correspondent.domain.mailbox import Mailbox, WatchedFolder
from correspondent.services.mailboxes.ownership import require_mailbox
from correspondent.services.ports import UnitOfWork, UnitOfWorkFactory


@dataclass(frozen=True)
class LeaseView:
    owner: str
    until: datetime | None


@dataclass(frozen=True)
class FolderView:
    """A watched folder (the answer to tracking one)."""

    id: int | None
    name: str
    role: str
    tracked: bool
    regarding: str | None
    """``TYPE:ID`` of the folder's record."""
    active: bool

    @classmethod
    def of(cls, folder: WatchedFolder) -> FolderView:
        return cls(
            folder.id, folder.name, folder.role.value, folder.tracked, regarding_text(folder),
            folder.active,
        )  # fmt: skip


@dataclass(frozen=True)
class FolderStateView(FolderView):
    """A watched folder with its sync position and skip counts."""

    uidvalidity: int | None
    last_uid: int
    skipped: dict[str, int]
    """Messages skipped, per named rule."""


@dataclass(frozen=True)
class AlertView:
    level: str
    text: str
    at: datetime


@dataclass(frozen=True)
class FailedMessageView:
    folder: str | None
    uid: int
    reason: str
    attempts: int
    next_retry_at: datetime | None
    gave_up: bool


@dataclass(frozen=True)
class MailboxView:
    id: int
    address: str
    user: str | None
    server: str
    login: str
    auth: str
    enabled: bool
    status: str
    process_from: datetime | None
    last_sync_at: datetime | None
    last_error: str | None
    failures: int
    next_attempt_at: datetime | None
    lease: LeaseView | None
    folders: list[FolderStateView]
    alerts: list[AlertView]
    failed_messages: list[FailedMessageView]
    host: str
    port: int
    tls: str
    """``implicit``, ``starttls`` or ``plain`` (``server`` says all three in one text)."""


def regarding_text(folder: WatchedFolder) -> str | None:
    """The folder's record as ``TYPE:ID`` (as ``--regarding`` takes it), or None."""
    regarding = folder.regarding
    return f"{regarding.type}:{regarding.id}" if regarding else None


def list_mailboxes(uow_factory: UnitOfWorkFactory, actor: Actor) -> list[MailboxView]:
    """The actor's mailboxes; every mailbox for administrators (and the operator)."""
    with uow_factory() as uow:
        user_id = None if actor.is_administrator else actor.user_id
        return [mailbox_view(uow, mailbox) for mailbox in uow.mailboxes.all(user_id)]


def mailbox_status(uow_factory: UnitOfWorkFactory, actor: Actor, mailbox_id: int) -> MailboxView:
    """One mailbox the actor may manage."""
    with uow_factory() as uow:
        return mailbox_view(uow, require_mailbox(uow, actor, mailbox_id))


def mailbox_view(uow: UnitOfWork, mailbox: Mailbox) -> MailboxView:
    assert mailbox.id is not None
    user = uow.directory.user(mailbox.user_id)
    folders = uow.mailboxes.folders(mailbox.id, active_only=False)
    names = {f.id: f.name for f in folders}
    lease_owner, lease_until = uow.mailboxes.lease_of(mailbox.id)
    return MailboxView(
        id=mailbox.id,
        address=mailbox.address,
        user=user.email if user else None,
        server=f"{mailbox.host}:{mailbox.port} ({mailbox.tls.value})",
        login=mailbox.login,
        auth=mailbox.auth_kind.value,
        enabled=mailbox.enabled,
        status=mailbox.status.value,
        process_from=mailbox.process_from,
        last_sync_at=mailbox.last_sync_at,
        last_error=mailbox.last_error,
        failures=mailbox.failures,
        next_attempt_at=mailbox.next_attempt_at,
        lease=LeaseView(lease_owner, lease_until) if lease_owner else None,
        folders=[
            FolderStateView(
                f.id,
                f.name,
                f.role.value,
                f.tracked,
                regarding_text(f),
                f.active,
                f.state.uidvalidity,
                f.state.last_uid,
                f.skipped,
            )
            for f in folders
        ],
        alerts=[
            AlertView(a.level.value, a.text, a.created_at) for a in uow.mailboxes.alerts(mailbox.id)
        ],
        failed_messages=[
            FailedMessageView(
                folder=names.get(m.folder_id),
                uid=m.uid,
                reason=m.reason,
                attempts=m.attempts,
                next_retry_at=m.next_retry_at,
                gave_up=m.next_retry_at is None,
            )
            for m in uow.mailboxes.messages.failures(mailbox.id)
        ],
        host=mailbox.host,
        port=mailbox.port,
        tls=mailbox.tls.value,
    )
