"""Use cases for a user's mailbox: add, Test & Enable, disable, status (BEHAVIOUR §2).

Test & Enable checks, in this order: the mailbox address is the user's primary CRM address; the
address is approved when the organisation requires approval; the server accepts a connection and
the login; it lists folders and capabilities. Every outcome is also written as an alert on the
mailbox (error / warning / information), so the owner and admins see it in ``mailbox status``.
Enabling sets "process from" (automatic tracking considers only later mail, §6) unless given.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import Any

from correspondent.domain.errors import Conflict, InvalidInput, NotFound
from correspondent.domain.mailbox import (
    Alert,
    AlertLevel,
    AuthKind,
    FolderRole,
    Mailbox,
    MailboxStatus,
    TlsChoice,
    WatchedFolder,
    check_identity,
)
from correspondent.domain.records import validate_address
from correspondent.domain.settings import OrgSettings
from correspondent.mail.imap_errors import ImapError
from correspondent.mail.imap_responses import FolderInfo
from correspondent.services.directory.entries import require_user
from correspondent.services.mailboxes.connect import MailboxConnector
from correspondent.services.ports import UnitOfWork, UnitOfWorkFactory

INBOX = "INBOX"
WANTED_CAPABILITIES = ("IDLE", "CONDSTORE", "QRESYNC", "SPECIAL-USE", "MOVE")


@dataclass(frozen=True)
class MailboxInput:
    address: str
    host: str
    port: int
    tls: TlsChoice
    login: str
    secret: str
    auth_kind: AuthKind = AuthKind.PASSWORD
    user_email: str | None = None
    """The CRM user the mailbox belongs to; defaults to the mailbox address."""
    process_from: datetime | None = None


@dataclass(frozen=True)
class TestReport:
    mailbox_id: int
    capabilities: frozenset[str]
    folders: list[FolderInfo]
    sent_folder: str | None
    enabled: bool


def _now() -> datetime:
    return datetime.now(UTC)


def require_mailbox(uow: UnitOfWork, mailbox_id: int) -> Mailbox:
    mailbox = uow.mailboxes.get(mailbox_id)
    if mailbox is None:
        raise NotFound(
            f"There is no mailbox with id {mailbox_id}; see 'correspondent mailbox status'."
        )
    return mailbox


def add_mailbox(
    uow_factory: UnitOfWorkFactory, connector: MailboxConnector, item: MailboxInput
) -> Mailbox:
    """Store a mailbox (or new credentials for an existing one); it stays off until enabled."""
    address = validate_address(item.address)
    if not 0 < item.port < 65536:
        raise InvalidInput(f"{item.port} is not a TCP port.")
    if not item.secret:
        raise InvalidInput("A password or OAuth token is needed (--password-stdin).")
    with uow_factory() as uow:
        user = require_user(uow, item.user_email or address)
        secret = connector.secrets.encrypt(item.secret)
        existing = uow.mailboxes.by_address(address)
        if existing is not None and existing.user_id != user.id:
            raise Conflict(f"The mailbox {address} already belongs to another user.")
        if existing is not None:
            mailbox = replace(
                existing,
                host=item.host,
                port=item.port,
                tls=item.tls,
                login=item.login,
                auth_kind=item.auth_kind,
                secret=secret,
                process_from=item.process_from or existing.process_from,
            )
            uow.mailboxes.save(mailbox)
        else:
            mailbox = Mailbox(
                None, user.id, address, item.host, item.port, item.tls, item.login,
                item.auth_kind, secret, process_from=item.process_from,
            )  # fmt: skip
            mailbox.id = uow.mailboxes.add(mailbox, _now())
        uow.commit()
        return mailbox


def _alert(uow_factory: UnitOfWorkFactory, mailbox_id: int, level: AlertLevel, text: str) -> None:
    with uow_factory() as uow:
        uow.mailboxes.add_alert(mailbox_id, Alert(level, text, _now()))
        uow.commit()


def _check_owner(uow: UnitOfWork, mailbox: Mailbox) -> None:
    user = uow.directory.user(mailbox.user_id)
    if user is None:
        raise NotFound(f"The owner of mailbox {mailbox.id} no longer exists.")
    check_identity(mailbox.address, user.email)
    org = OrgSettings.from_stored(uow.settings.org())
    if org.tracking_require_approved_email and not user.email_approved:
        raise InvalidInput(
            f"The email address {user.email} is not approved yet; an administrator must "
            "approve it before its mail is tracked."
        )


def run_mailbox_test(
    uow_factory: UnitOfWorkFactory, connector: MailboxConnector, mailbox_id: int, *, enable: bool
) -> TestReport:
    """Test & Enable (BEHAVIOUR §2); with ``enable=False`` only test."""
    with uow_factory() as uow:
        mailbox = require_mailbox(uow, mailbox_id)
        try:
            _check_owner(uow, mailbox)
        except (InvalidInput, NotFound) as error:
            uow.mailboxes.add_alert(mailbox_id, Alert(AlertLevel.ERROR, str(error), _now()))
            uow.commit()
            raise
    try:
        with connector.open(mailbox) as session:
            capabilities = session.capabilities()
            folders = session.list_folders()
    except ImapError as error:
        _alert(uow_factory, mailbox_id, AlertLevel.ERROR, f"Test failed: {error}")
        raise
    sent = next((f.name for f in folders if f.special_use == "\\Sent"), None)
    missing = [cap for cap in WANTED_CAPABILITIES if cap not in capabilities]
    with uow_factory() as uow:
        mailbox = require_mailbox(uow, mailbox_id)
        now = _now()
        note = f"Incoming: connected to {mailbox.host} and signed in; {len(folders)} folders. "
        note += "Outgoing: not used (Correspondent does not send mail)."
        uow.mailboxes.add_alert(mailbox_id, Alert(AlertLevel.INFORMATION, note, now))
        if missing:
            text = f"The server lacks {', '.join(missing)}: changes are found by polling."
            uow.mailboxes.add_alert(mailbox_id, Alert(AlertLevel.WARNING, text, now))
        mailbox.capabilities = tuple(sorted(capabilities))
        if enable:
            mailbox.enabled = True
            mailbox.status = MailboxStatus.ENABLED
            mailbox.failures = 0
            mailbox.next_attempt_at = None
            mailbox.last_error = None
            mailbox.process_from = mailbox.process_from or now
            ensure_standard_folders(uow, mailbox_id, folders)
            uow.mailboxes.messages.retry_given_up(mailbox_id, now)  # try them once more
            uow.mailboxes.add_alert(
                mailbox_id, Alert(AlertLevel.INFORMATION, "Server-side sync enabled.", now)
            )
        uow.mailboxes.save(mailbox)
        uow.commit()
    return TestReport(mailbox_id, capabilities, folders, sent, enable)


def ensure_standard_folders(uow: UnitOfWork, mailbox_id: int, folders: list[FolderInfo]) -> None:
    """Watch the Inbox and the SPECIAL-USE Sent folder (a no-op when already watched)."""
    watched = {f.role: f for f in uow.mailboxes.folders(mailbox_id, active_only=False)}
    by_name = {f.name: f for f in folders}
    sent = next((f for f in folders if f.special_use == "\\Sent"), None)
    for role, info in ((FolderRole.INBOX, by_name.get(INBOX)), (FolderRole.SENT, sent)):
        if info is None:
            continue
        current = watched.get(role)
        if current is None:
            uow.mailboxes.add_folder(
                WatchedFolder(None, mailbox_id, info.name, role, mailbox_guid=info.mailbox_id)
            )
        elif not current.active or current.name != info.name:
            current.active, current.name = True, info.name
            current.mailbox_guid = info.mailbox_id
            uow.mailboxes.save_folder(current)


def disable_mailbox(uow_factory: UnitOfWorkFactory, mailbox_id: int) -> None:
    with uow_factory() as uow:
        mailbox = require_mailbox(uow, mailbox_id)
        mailbox.enabled = False
        mailbox.status = MailboxStatus.DISABLED
        uow.mailboxes.save(mailbox)
        uow.mailboxes.add_alert(
            mailbox_id, Alert(AlertLevel.INFORMATION, "Sync disabled by the user.", _now())
        )
        uow.commit()


def mailbox_status(
    uow_factory: UnitOfWorkFactory, mailbox_id: int | None = None, *, user_id: int | None = None
) -> list[Any]:
    """Everything the owner needs to see: state, folders, skips, alerts, failed messages
    (one mailbox, the mailboxes of ``user_id``, or all)."""
    with uow_factory() as uow:
        boxes = (
            [require_mailbox(uow, mailbox_id)]
            if mailbox_id is not None
            else uow.mailboxes.all(user_id)
        )
        return [_status_view(uow, mailbox) for mailbox in boxes]


def _status_view(uow: UnitOfWork, mailbox: Mailbox) -> dict[str, Any]:
    assert mailbox.id is not None
    user = uow.directory.user(mailbox.user_id)
    folders = uow.mailboxes.folders(mailbox.id, active_only=False)
    names = {f.id: f.name for f in folders}
    lease_owner, lease_until = uow.mailboxes.lease_of(mailbox.id)
    return {
        "id": mailbox.id,
        "address": mailbox.address,
        "user": user.email if user else None,
        "server": f"{mailbox.host}:{mailbox.port} ({mailbox.tls.value})",
        "login": mailbox.login,
        "auth": mailbox.auth_kind.value,
        "enabled": mailbox.enabled,
        "status": mailbox.status.value,
        "process_from": mailbox.process_from,
        "last_sync_at": mailbox.last_sync_at,
        "last_error": mailbox.last_error,
        "failures": mailbox.failures,
        "next_attempt_at": mailbox.next_attempt_at,
        "lease": {"owner": lease_owner, "until": lease_until} if lease_owner else None,
        "folders": [
            {
                "id": f.id,
                "name": f.name,
                "role": f.role.value,
                "tracked": f.tracked,
                "regarding": f"{f.regarding.type}:{f.regarding.id}" if f.regarding else None,
                "active": f.active,
                "uidvalidity": f.state.uidvalidity,
                "last_uid": f.state.last_uid,
                "skipped": f.skipped,
            }
            for f in folders
        ],
        "alerts": [
            {"level": a.level.value, "text": a.text, "at": a.created_at}
            for a in uow.mailboxes.alerts(mailbox.id)
        ],
        "failed_messages": [
            {
                "folder": names.get(m.folder_id),
                "uid": m.uid,
                "reason": m.reason,
                "attempts": m.attempts,
                "next_retry_at": m.next_retry_at,
                "gave_up": m.next_retry_at is None,
            }
            for m in uow.mailboxes.messages.failures(mailbox.id)
        ],
    }
