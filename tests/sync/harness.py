"""A mailbox wired to a Dovecot user, a runner to sync it, and a mail client to act on it."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from imapclient import IMAPClient

from correspondent.bootstrap import Installation
from correspondent.domain.access import OPERATOR
from correspondent.domain.activity import Tracker
from correspondent.domain.mailbox import BackoffPolicy, TlsChoice
from correspondent.domain.records import RecordRef
from correspondent.domain.users import User
from correspondent.services.activities.track import MessageTracker
from correspondent.services.admin import users as admin_users
from correspondent.services.mailboxes import folders as tracked_folders
from correspondent.services.mailboxes.add import MailboxInput, add_mailbox
from correspondent.services.mailboxes.connect import MailboxConnector
from correspondent.services.mailboxes.enable import run_mailbox_test
from correspondent.services.mailboxes.secrets import SecretBox
from correspondent.services.records.create import create_record
from correspondent.sync.runner import RunnerConfig, SyncRunner
from tests.builders import make_message, unique
from tests.support.waiting import wait_until as wait_until  # re-exported for the sync tests

FAST_BACKOFF = BackoffPolicy(
    max_tries=3, first=timedelta(milliseconds=50), factor=1.0, cap=timedelta(milliseconds=50)
)


def fast_config(**overrides: object) -> RunnerConfig:
    values: dict[str, object] = {
        "poll_interval": 30.0,
        "idle_timeout": 30.0,
        "scan_interval": 0.05,
        "lease_for": timedelta(seconds=30),
        "backoff": FAST_BACKOFF,
    }
    values.update(overrides)
    return RunnerConfig(**values)  # type: ignore[arg-type]


@dataclass
class SyncEnv:
    installation: Installation
    connector: MailboxConnector
    mailbox_id: int
    user: User
    client: IMAPClient
    host: str
    port: int
    sent_from: str = field(default_factory=lambda: f"{unique('ext')}@partner.example")

    # -- syncing ----------------------------------------------------------------------------
    def runner(self, **overrides: object) -> SyncRunner:
        tracker = MessageTracker(self.installation.uow, self.installation.blobs)
        return SyncRunner(self.installation.uow, tracker, self.connector, fast_config(**overrides))

    def sync(self) -> None:
        """One full pass, through the runner (lease claimed and released)."""
        self.runner(use_idle=False).sync_once()

    @staticmethod
    def runner_has_watchers(runner: SyncRunner, count: int) -> bool:
        """Whether the runner's mailbox threads have ``count`` IDLE watchers in IDLE."""
        workers = list(runner._workers.values())
        return sum(w.idle_count() for w in workers) >= count

    # -- acting as the mail client ----------------------------------------------------------
    def message(self, **kwargs: object) -> tuple[str, bytes]:
        message_id = f"{unique('m')}@client.example"
        values: dict[str, object] = {
            "sender": self.sent_from,
            "to": [self.user.email],
            "message_id": f"<{message_id}>",
        }
        values.update(kwargs)
        return message_id, make_message(**values)  # type: ignore[arg-type]

    def append(self, folder: str, flags: tuple[str, ...] = (), **kwargs: object) -> str:
        message_id, raw = self.message(**kwargs)
        self.client.append(folder, raw, flags=flags)
        return message_id

    def create(self, folder: str) -> None:
        self.client.create_folder(folder)

    def uid_of(self, folder: str, message_id: str) -> int:
        self.client.select_folder(folder)
        uids = self.client.search(["HEADER", "Message-ID", message_id])
        assert len(uids) == 1, (folder, message_id, uids)
        return int(uids[0])

    def move(self, message_id: str, source: str, target: str) -> None:
        uid = self.uid_of(source, message_id)
        self.client.move([uid], target)

    def copy(self, message_id: str, source: str, target: str) -> None:
        uid = self.uid_of(source, message_id)
        self.client.copy([uid], target)

    def keywords(self, folder: str, message_id: str) -> set[str]:
        uid = self.uid_of(folder, message_id)
        flags = self.client.get_flags([uid])[uid]
        return {f.decode() if isinstance(f, bytes) else str(f) for f in flags}

    def store(self, folder: str, message_id: str, add: list[str], remove: list[str] = []) -> None:  # noqa: B006
        uid = self.uid_of(folder, message_id)
        if add:
            self.client.add_flags([uid], add)
        if remove:
            self.client.remove_flags([uid], remove)

    # -- the CRM side -----------------------------------------------------------------------
    def track_folder(self, folder: str, regarding: RecordRef | None = None) -> None:
        tracked_folders.track_folder(
            self.installation.uow, self.connector, OPERATOR, self.mailbox_id, folder, regarding
        )

    def activity(self, message_id: str) -> int | None:
        with self.installation.uow() as uow:
            found = uow.activities.by_message_ids([message_id])
        return found[message_id][0] if message_id in found else None

    def activity_count(self, message_id: str) -> int:
        with self.installation.uow() as uow:
            return len(_activity_ids(uow, message_id))

    def trackers(self, activity_id: int) -> list[Tracker]:
        with self.installation.uow() as uow:
            return [t for t in uow.activities.trackers_of(activity_id) if t.user_id == self.user.id]

    def regarding(self, activity_id: int) -> RecordRef | None:
        with self.installation.uow() as uow:
            return uow.activities.regarding_of(activity_id)[1]

    def set_option(self, key: str, value: str) -> None:
        with self.installation.uow() as uow:
            uow.settings.set_personal(self.user.id, key, value)
            uow.commit()

    def record(self, type_name: str = "account", **values: str) -> RecordRef:
        values = values or {"name": unique("Acme ")}
        record = create_record(self.installation.uow, OPERATOR, type_name, values, self.user.email)
        return RecordRef(type_name, record.id)


def _activity_ids(uow: object, message_id: str) -> list[int]:
    import sqlalchemy as sa

    from correspondent.storage.tables import activities

    conn = uow._conn  # type: ignore[attr-defined]
    return list(
        conn.execute(
            sa.select(activities.c.id).where(activities.c.message_id == message_id)
        ).scalars()
    )


def make_env(
    installation: Installation,
    host: str,
    port: int,
    login: str,
    password: str,
    client: IMAPClient,
    *,
    process_from: datetime | None = None,
) -> SyncEnv:
    user = admin_users.add_user(installation.uow, OPERATOR, login, "Mail User")
    connector = MailboxConnector(SecretBox.from_text("test-key"), timeout=10)
    mailbox = add_mailbox(
        installation.uow,
        connector.secrets,
        OPERATOR,
        MailboxInput(
            login, host, port, TlsChoice.PLAIN, login, password,
            process_from=process_from or datetime.now(UTC) - timedelta(days=1),
        ),
    )  # fmt: skip
    assert mailbox.id is not None
    run_mailbox_test(installation.uow, connector, OPERATOR, mailbox.id, enable=True)
    return SyncEnv(installation, connector, mailbox.id, user, client, host, port)
