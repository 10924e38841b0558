"""Test, Test & Enable, and disabling a mailbox (BEHAVIOUR §2).

Test & Enable checks, in this order: the mailbox address is the owner's primary CRM address; the
address is approved when the organisation requires approval; the server accepts a connection and
the login; it lists folders and capabilities. Every outcome is also written as an alert on the
mailbox (error / warning / information), so the owner and admins see it in ``mailbox status``.
Enabling sets "process from" (automatic tracking considers only later mail, §6) unless given.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from correspondent.domain.access import Actor
from correspondent.domain.errors import InvalidInput, NotFound
from correspondent.domain.mailbox import (
    Alert,
    AlertLevel,
    FolderRole,
    Mailbox,
    MailboxStatus,
    WatchedFolder,
    check_identity,
)
from correspondent.domain.settings import OrgSettings
from correspondent.mail.imap_errors import ImapError
from correspondent.mail.imap_responses import FolderInfo
from correspondent.services.mailboxes.ownership import require_mailbox
from correspondent.services.ports import MailServer, UnitOfWork, UnitOfWorkFactory

INBOX = "INBOX"
WANTED_CAPABILITIES = ("IDLE", "CONDSTORE", "QRESYNC", "SPECIAL-USE", "MOVE")


@dataclass(frozen=True)
class TestReport:
    """What a test found (the CLI prints it, the API answers it as ``TestOut``)."""

    __test__ = False  # not a pytest test class, whatever its name

    mailbox_id: int
    enabled: bool
    capabilities: list[str]
    """Sorted."""
    folders: int
    """How many folders the server listed."""
    sent_folder: str | None


def _now() -> datetime:
    return datetime.now(UTC)


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
    uow_factory: UnitOfWorkFactory,
    server: MailServer,
    actor: Actor,
    mailbox_id: int,
    *,
    enable: bool,
) -> TestReport:
    """Test & Enable (BEHAVIOUR §2); with ``enable=False`` only test."""
    with uow_factory() as uow:
        mailbox = require_mailbox(uow, actor, mailbox_id)
        try:
            _check_owner(uow, mailbox)
        except (InvalidInput, NotFound) as error:
            uow.mailboxes.add_alert(mailbox_id, Alert(AlertLevel.ERROR, str(error), _now()))
            uow.commit()
            raise
    try:
        with server.open(mailbox) as session:
            capabilities = session.capabilities()
            folders = session.list_folders()
    except ImapError as error:
        with uow_factory() as uow:
            if uow.mailboxes.get(mailbox_id) is not None:  # not removed meanwhile
                uow.mailboxes.add_alert(
                    mailbox_id, Alert(AlertLevel.ERROR, f"Test failed: {error}", _now())
                )
                uow.commit()
        raise
    sent = next((f.name for f in folders if f.special_use == "\\Sent"), None)
    missing = [cap for cap in WANTED_CAPABILITIES if cap not in capabilities]
    with uow_factory() as uow:
        mailbox = require_mailbox(uow, actor, mailbox_id)
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
    return TestReport(mailbox_id, enable, sorted(capabilities), len(folders), sent)


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


def disable_mailbox(uow_factory: UnitOfWorkFactory, actor: Actor, mailbox_id: int) -> None:
    """Stop syncing the mailbox; its activities stay."""
    with uow_factory() as uow:
        mailbox = require_mailbox(uow, actor, mailbox_id)
        mailbox.enabled = False
        mailbox.status = MailboxStatus.DISABLED
        uow.mailboxes.save(mailbox)
        uow.mailboxes.add_alert(
            mailbox_id, Alert(AlertLevel.INFORMATION, "Sync disabled by the user.", _now())
        )
        uow.commit()
