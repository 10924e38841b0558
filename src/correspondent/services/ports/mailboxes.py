"""What the mailbox use cases and the sync need from storage."""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping, Sequence
from datetime import datetime
from typing import Protocol

from correspondent.domain.folder_messages import FailedMessage, MappedMessage, Outcome
from correspondent.domain.mailbox import Alert, AlertLevel, FolderSyncState, Mailbox, WatchedFolder
from correspondent.domain.records import RecordRef
from correspondent.mail.imap_responses import FolderInfo


class MailboxMessageRepository(Protocol):
    """The sync's UID → activity map and its per-message failure list."""

    def record(
        self,
        mailbox_id: int,
        folder_id: int,
        uidvalidity: int,
        uid: int,
        *,
        activity_id: int | None,
        message_id: str | None,
        outcome: Outcome,
        now: datetime,
    ) -> None:
        """Remember what became of one UID; a second record of the same UID updates it."""

    def record_many(
        self,
        mailbox_id: int,
        folder_id: int,
        uidvalidity: int,
        rows: Sequence[tuple[int, int | None, str | None, Outcome]],
        now: datetime,
    ) -> None:
        """``record`` for each (uid, activity id, Message-ID, outcome), in one statement."""

    def mapped(
        self, folder_id: int, uidvalidity: int, uids: Iterable[int] | None = None
    ) -> dict[int, MappedMessage]: ...

    def set_outcome(
        self, folder_id: int, uidvalidity: int, uid: int | Sequence[int], outcome: Outcome
    ) -> None: ...

    def keyword_pending(self, folder_id: int, uidvalidity: int) -> list[int]:
        """Tracked UIDs whose ``$Tracked`` is not yet known to be on the server."""

    def mark_keyword_written(
        self, folder_id: int, uidvalidity: int, uids: Sequence[int]
    ) -> None: ...

    def no_longer_tracked(
        self, folder_id: int, uidvalidity: int, user_id: int, limit: int
    ) -> list[int]:
        """UIDs we tracked whose activity the user no longer tracks (untracked or deleted)."""

    def forget(self, folder_id: int, uidvalidity: int, uids: Sequence[int]) -> None:
        """Drop map rows of UIDs that left the folder (the activities stay)."""

    def forget_other_uidvalidity(self, folder_id: int, uidvalidity: int) -> None: ...

    def relink(self, folder_id: int, uidvalidity: int, regarding: RecordRef) -> int:
        """Set the folder's regarding record on every activity tracked in it (§7)."""

    def tracked_by_user(self, user_id: int, message_ids: Iterable[str]) -> dict[str, int]:
        """Message-ID → activity the user tracks, for the given Message-IDs."""

    def tracked_since(
        self, user_id: int, since: datetime | None, limit: int
    ) -> list[tuple[int, str, datetime]]:
        """(activity, Message-ID, tracked at) the user began tracking after ``since``."""

    def mapped_message_ids(self, mailbox_id: int, message_ids: Iterable[str]) -> set[str]: ...

    def record_failure(self, mailbox_id: int, failure: FailedMessage, now: datetime) -> None:
        """Insert or update the failure of one UID with its attempt count and next retry."""

    def failures(self, mailbox_id: int, folder_id: int | None = None) -> list[FailedMessage]: ...

    def resolve_failure(self, folder_id: int, uidvalidity: int, uid: int) -> None: ...

    def resolve_failures(self, folder_id: int, uidvalidity: int, uids: Sequence[int]) -> None:
        """``resolve_failure`` for many UIDs, in one statement."""

    def retry_given_up(self, mailbox_id: int, now: datetime) -> int:
        """Put the messages the sync gave up on back on the schedule, from the first attempt."""


class MailboxRepository(Protocol):
    """Mailboxes, their leases, alerts and watched folders."""

    @property
    def messages(self) -> MailboxMessageRepository: ...

    def add(self, mailbox: Mailbox, now: datetime) -> int: ...

    def save(self, mailbox: Mailbox) -> None: ...

    def get(self, mailbox_id: int) -> Mailbox | None: ...

    def remove(self, mailbox_id: int) -> None:
        """Delete the mailbox with its folders, alerts, UID map and failures (not activities)."""

    def by_address(self, address: str) -> Mailbox | None: ...

    def all(self, user_id: int | None = None) -> list[Mailbox]: ...

    def due(
        self, now: datetime, owner: str, limit: int, dead_owners: Collection[str] = ()
    ) -> list[int]:
        """Enabled mailboxes whose retry time has come and whose lease is free, ours, or held
        by one of ``dead_owners``."""

    def claim(
        self,
        mailbox_id: int,
        owner: str,
        until: datetime,
        now: datetime,
        dead_owners: Collection[str] = (),
    ) -> bool:
        """Take the mailbox's lease if it is free, expired, already ours or held by one of
        ``dead_owners`` (atomic)."""

    def lease_holders(self, now: datetime) -> set[str]:
        """The owners of the unexpired leases of enabled mailboxes (a worker checks which of
        them are dead)."""

    def renew(self, mailbox_id: int, owner: str, until: datetime) -> bool:
        """Extend our lease; False when another worker took it (we must stop)."""

    def release(self, mailbox_id: int, owner: str) -> None: ...

    def lease_of(self, mailbox_id: int) -> tuple[str | None, datetime | None]: ...

    def tracked_watermark(self, mailbox_id: int) -> datetime | None: ...

    def set_tracked_watermark(self, mailbox_id: int, value: datetime) -> None: ...

    def add_alert(self, mailbox_id: int, alert: Alert) -> None: ...

    def alerts(self, mailbox_id: int, limit: int = 20) -> list[Alert]: ...

    def recent_alerts(
        self, mailbox_ids: Collection[int], levels: Collection[AlertLevel], limit: int
    ) -> list[tuple[int, Alert]]:
        """The newest alerts of those levels of any of the mailboxes, with each one's mailbox."""

    def folders(self, mailbox_id: int, *, active_only: bool = True) -> list[WatchedFolder]: ...

    def add_folder(self, folder: WatchedFolder) -> int: ...

    def save_folder(self, folder: WatchedFolder) -> None: ...

    def advance(self, folder_id: int, state: FolderSyncState) -> bool:
        """Move the folder's position forward (never back); False if the UIDVALIDITY changed."""

    def reset_state(self, folder_id: int, uidvalidity: int) -> None:
        """Start the folder again under a new UIDVALIDITY; its old UIDs are void."""

    def add_skips(self, folder_id: int, counts: Mapping[str, int]) -> None: ...


class MailServerSession(Protocol):
    """A signed-in session with a mailbox's IMAP server, as the mailbox use cases use it."""

    def capabilities(self) -> frozenset[str]: ...

    def list_folders(self) -> list[FolderInfo]: ...

    def __enter__(self) -> MailServerSession: ...

    def __exit__(self, *exc_info: object) -> None: ...


class MailServer(Protocol):
    """Opens sessions to a mailbox's server (``services.mailboxes.connect.MailboxConnector``)."""

    def open(self, mailbox: Mailbox) -> MailServerSession:
        """Connect and log in; raises the ``ImapError`` subclasses of the mail adapter."""


class SecretSealer(Protocol):
    """Encrypts a mailbox password or token for storage (``SecretBox``)."""

    def encrypt(self, plain: str) -> str: ...
