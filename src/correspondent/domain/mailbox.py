"""Mailboxes synchronised with an IMAP server, the folders the sync watches, and its health.

A ``Mailbox`` belongs to one CRM user and is usable for tracking only when its address is the
user's primary address (BEHAVIOUR §2). The sync watches three kinds of folder
(``FolderRole``): the Inbox (automatic tracking of incoming mail, §6), the Sent folder found by
SPECIAL-USE (track replies, §4) and the folders the user chose to track (§7). Every watched
folder has one ``WatchedFolder`` row that carries its sync position (``FolderSyncState``).

Health: a transient failure (network, server busy) schedules a retry along ``BackoffPolicy``;
after ``max_tries`` failures in a row, or at once on an authentication failure, the mailbox is
disabled and an ``Alert`` tells the owner what to do. This module is pure: no I/O, no clock
(callers pass ``now``).
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from correspondent.domain.errors import InvalidInput
from correspondent.domain.records import RecordRef

TRACKED_KEYWORD = "$Tracked"
"""Written on every tracked message; removing it in a mail client untracks (§8)."""
TRACKED_CATEGORY = "Tracked to Correspondent"
"""The Outlook category the add-in sets on a message it tracks (and removes on untrack)."""
# An IMAP keyword is an atom, without spaces, so a server that shows Outlook categories as
# keywords (Exchange does, for the categories it can spell as atoms) cannot show this one as it
# is named; these are the spellings the sync takes for it (case-insensitively), like $Tracked.
TRACKED_CATEGORY_KEYWORDS = frozenset(
    {"tracked_to_correspondent", "trackedtocorrespondent", "tracked-to-correspondent"}
)


def means_tracked(keyword: str) -> bool:
    """``$Tracked``, or the add-in's category where the server exposes it as a keyword."""
    lowered = keyword.lower()
    return lowered == TRACKED_KEYWORD.lower() or lowered in TRACKED_CATEGORY_KEYWORDS


class AuthKind(enum.StrEnum):
    PASSWORD = "password"
    XOAUTH2 = "xoauth2"


class TlsChoice(enum.StrEnum):
    IMPLICIT = "implicit"
    STARTTLS = "starttls"
    PLAIN = "plain"


class MailboxStatus(enum.StrEnum):
    NEW = "new"
    """Added, never tested."""
    ENABLED = "enabled"
    """Tested and syncing."""
    FAILING = "failing"
    """Enabled, the last attempt failed, a retry is scheduled."""
    DISABLED = "disabled"
    """Not synced: disabled by the user, or by the sync after a permanent failure."""


class AlertLevel(enum.StrEnum):
    ERROR = "error"
    WARNING = "warning"
    INFORMATION = "information"


class FolderRole(enum.StrEnum):
    INBOX = "inbox"
    SENT = "sent"
    OTHER = "other"
    """A folder watched only because the user tracks it."""


@dataclass(frozen=True)
class Alert:
    level: AlertLevel
    text: str
    created_at: datetime
    id: int | None = None


@dataclass
class Mailbox:
    id: int | None
    user_id: int
    address: str
    host: str
    port: int
    tls: TlsChoice
    login: str
    auth_kind: AuthKind
    secret: str
    """Encrypted at rest; the sync decrypts it only to log in."""
    enabled: bool = False
    status: MailboxStatus = MailboxStatus.NEW
    process_from: datetime | None = None
    last_sync_at: datetime | None = None
    last_error: str | None = None
    failures: int = 0
    next_attempt_at: datetime | None = None
    capabilities: tuple[str, ...] = ()


@dataclass(frozen=True)
class FolderSyncState:
    """Where the sync stands in one folder; UIDs mean something only within ``uidvalidity``."""

    uidvalidity: int | None = None
    last_uid: int = 0
    highestmodseq: int | None = None


@dataclass
class WatchedFolder:
    """A folder the sync reads: the Inbox, Sent, or one the user tracks (any depth)."""

    id: int | None
    mailbox_id: int
    name: str
    role: FolderRole
    tracked: bool = False
    """The user tracks this folder: every message in it becomes an activity (source folder)."""
    regarding: RecordRef | None = None
    mailbox_guid: str | None = None
    """RFC 8474 MAILBOXID or Dovecot's X-GUID: survives a rename, changes on delete+recreate."""
    active: bool = True
    """False once the folder was deleted on the server, or is no longer tracked."""
    state: FolderSyncState = field(default_factory=FolderSyncState)
    skipped: dict[str, int] = field(default_factory=dict)
    """How many messages each named rule skipped (nothing is skipped silently)."""


class UidValidityAction(enum.Enum):
    CONTINUE = "continue"
    FIRST_SYNC = "first_sync"
    RESYNC = "resync"
    """The stored UIDs are void: forget them and read the folder again (identity keys make the
    second look at a message a no-op, so nothing is tracked twice)."""


def decide_uidvalidity(state: FolderSyncState, server_uidvalidity: int) -> UidValidityAction:
    if state.uidvalidity is None:
        return UidValidityAction.FIRST_SYNC
    if state.uidvalidity != server_uidvalidity:
        return UidValidityAction.RESYNC
    return UidValidityAction.CONTINUE


@dataclass(frozen=True)
class BackoffPolicy:
    """Delays between attempts after transient failures: ``first * factor**n`` up to ``cap``.

    The reference retries 10 times, 5 minutes apart; we start sooner (a dropped connection
    usually heals in seconds) and grow to the same 5 minutes.
    """

    max_tries: int = 10
    first: timedelta = timedelta(seconds=15)
    factor: float = 2.0
    cap: timedelta = timedelta(minutes=5)

    def delay(self, failures: int) -> timedelta:
        """The wait after the ``failures``-th failure in a row (1-based)."""
        if failures < 1:
            return timedelta(0)
        seconds = self.first.total_seconds() * self.factor ** (failures - 1)
        return min(timedelta(seconds=seconds), self.cap)

    def gives_up(self, failures: int) -> bool:
        return failures >= self.max_tries


@dataclass(frozen=True)
class FailureOutcome:
    failures: int
    next_attempt_at: datetime | None
    disable: bool
    alert: Alert


def after_transient_failure(
    failures_before: int, reason: str, policy: BackoffPolicy, now: datetime
) -> FailureOutcome:
    """What a transient failure does to a mailbox: retry later, or disable after too many."""
    failures = failures_before + 1
    if policy.gives_up(failures):
        text = (
            f"Sync disabled after {failures} failed attempts in a row; last error: {reason}. "
            "Fix the cause, then run 'correspondent mailbox enable'."
        )
        return FailureOutcome(failures, None, True, Alert(AlertLevel.ERROR, text, now))
    wait = policy.delay(failures)
    text = (
        f"Sync attempt {failures} of {policy.max_tries} failed: {reason}. "
        f"Retrying in {int(wait.total_seconds())} s."
    )
    return FailureOutcome(failures, now + wait, False, Alert(AlertLevel.WARNING, text, now))


def after_permanent_failure(reason: str, now: datetime) -> FailureOutcome:
    """An authentication or configuration failure: disable at once, no retries."""
    text = (
        f"Sync disabled: {reason}. Update the credentials with 'correspondent mailbox add' "
        "and run 'correspondent mailbox enable'."
    )
    return FailureOutcome(0, None, True, Alert(AlertLevel.ERROR, text, now))


def check_identity(mailbox_address: str, user_email: str) -> None:
    """A mailbox tracks mail only for the user whose primary address it is (BEHAVIOUR §2)."""
    if mailbox_address.strip().lower() != user_email.strip().lower():
        raise InvalidInput(
            f"To track email, the mailbox address ({mailbox_address}) must be the same as "
            f"your email address in the CRM ({user_email})."
        )
