"""The thread that syncs one claimed mailbox until it is stopped, fails, or loses its lease.

Loop: full pass → start IDLE watchers for the watched folders → wait for a change (or the poll
interval) → pass over the changed folders (a full pass each ``poll_interval``) → renew the lease
→ … A failure ends the loop and is recorded on the mailbox (see ``sync.runner``).
"""

from __future__ import annotations

import logging
import threading
import time
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from correspondent.domain.mailbox import (
    FailureOutcome,
    MailboxStatus,
    after_permanent_failure,
    after_transient_failure,
)
from correspondent.domain.mailbox_rules import SyncOptions
from correspondent.domain.settings import PersonalOptions
from correspondent.mail.imap import ImapSession
from correspondent.mail.imap_errors import ImapAuthenticationError, ImapInsecureTransport
from correspondent.services.mailboxes.secrets import SecretUnreadable
from correspondent.sync.connect_slots import ConnectCancelled
from correspondent.sync.context import LeaseLost, SyncContext
from correspondent.sync.folder import sync_folder
from correspondent.sync.mailbox import sync_mailbox_once, watched_folders
from correspondent.sync.watcher import FolderWatcher, Wakeup

if TYPE_CHECKING:
    from correspondent.domain.mailbox import Mailbox
    from correspondent.sync.runner import SyncRunner

log = logging.getLogger(__name__)
FULL_EVERY = 10
PERMANENT = (ImapAuthenticationError, ImapInsecureTransport, SecretUnreadable)


def _now() -> datetime:
    return datetime.now(UTC)


class MailboxWorker(threading.Thread):
    def __init__(self, runner: SyncRunner, mailbox_id: int) -> None:
        super().__init__(name=f"mailbox-{mailbox_id}", daemon=True)
        self.runner = runner
        self.mailbox_id = mailbox_id
        self.wakeup = Wakeup()
        self.once = False
        self._stop_event = threading.Event()
        self._watchers: dict[str, FolderWatcher] = {}

    def stop(self) -> None:
        self._stop_event.set()
        self.wakeup.wake()

    def idle_count(self) -> int:
        """How many of this mailbox's watchers are in IDLE now."""
        return sum(1 for w in list(self._watchers.values()) if w.idling)

    def stopping(self) -> bool:
        return self._stop_event.is_set() or self.runner.stopping.is_set()

    def run(self) -> None:
        session: ImapSession | None = None
        lease_lost = False
        try:
            loaded = self._load()
            if loaded is None:
                return
            mailbox, ctx = loaded
            session = self.runner.connect(mailbox)
            self._loop(mailbox, ctx, session)
        except ConnectCancelled:
            pass  # the runner stops before this mailbox got its turn to connect
        except LeaseLost as error:
            lease_lost = True
            log.warning("%s", error)
        except PERMANENT as error:
            self._record_failure(after_permanent_failure(str(error), _now()), str(error))
        except Exception as error:
            log.warning("sync of mailbox %s failed: %s", self.mailbox_id, error, exc_info=True)
            self._record_failure(None, str(error) or type(error).__name__)
        finally:
            self._stop_watchers()
            if session is not None:
                session.close()
            if not lease_lost:
                with self.runner.uow_factory() as uow:
                    uow.mailboxes.release(self.mailbox_id, self.runner.owner)
                    uow.commit()

    def _loop(self, mailbox: Mailbox, ctx: SyncContext, session: ImapSession) -> None:
        config = self.runner.config
        sync_mailbox_once(ctx, session)
        last_full = time.monotonic()
        polls = 0
        wait = min(config.poll_interval, config.lease_for.total_seconds() / 3)
        while not self.once and not self.stopping():
            folders = watched_folders(ctx)
            self._refresh_watchers(mailbox, [f.name for f in folders])
            changed = self.wakeup.wait(wait)
            log.debug("mailbox %s woke up: %s", self.mailbox_id, sorted(changed))
            if self.stopping():
                return
            loaded = self._load()
            if loaded is None:
                return  # disabled meanwhile
            mailbox, ctx = loaded
            with self.runner.uow_factory() as uow:
                ctx.renew_lease(uow)
                uow.commit()
            if time.monotonic() - last_full >= config.poll_interval:
                # Cheap checks of the folders IDLE did not report; every FULL_EVERY-th poll also
                # retries failed messages and finishes interrupted keyword writes. What IDLE
                # reported is synced in full here too, never left to a cheap check.
                polls += 1
                sync_mailbox_once(ctx, session, full=polls % FULL_EVERY == 0, changed=changed)
                last_full = time.monotonic()
            elif changed:
                for folder in watched_folders(ctx):
                    if folder.name in changed and not self.stopping():
                        sync_folder(ctx, session, folder)

    def _load(self) -> tuple[Mailbox, SyncContext] | None:
        runner = self.runner
        with runner.uow_factory() as uow:
            mailbox = uow.mailboxes.get(self.mailbox_id)
            if mailbox is None or not mailbox.enabled:
                return None
            user = uow.directory.user(mailbox.user_id)
            if user is None:
                return None
            personal = PersonalOptions.from_stored(uow.settings.personal(user.id))
        options = SyncOptions(
            incoming_tracking=personal.incoming_tracking,
            track_replies=personal.track_replies,
            track_keyword=personal.track_keyword,
            process_from=mailbox.process_from,
        )
        assert mailbox.id is not None
        ctx = SyncContext(
            uow_factory=runner.uow_factory,
            tracker=runner.tracker,
            mailbox_id=mailbox.id,
            user_id=user.id,
            user_email=user.email,
            options=options,
            now=_now,
            lease_owner=runner.owner,
            lease_for=runner.config.lease_for,
            header_batch=runner.config.header_batch,
            message_retry=runner.config.message_retry,
            stop_requested=self.stopping,
            regarding_key=runner.config.regarding_key,
        )
        return mailbox, ctx

    def _refresh_watchers(self, mailbox: Mailbox, names: list[str]) -> None:
        if not self.runner.config.use_idle or "IDLE" not in mailbox.capabilities:
            return
        for name in [n for n in self._watchers if n not in names]:
            self._watchers.pop(name).stop()
            self.runner.give_watcher_slot()
        for name in names:
            if name in self._watchers or not self.runner.take_watcher_slot():
                continue
            watcher = FolderWatcher(
                lambda: self.runner.connect(mailbox),
                name,
                self.wakeup,
                self.runner.config.idle_timeout,
            )
            self._watchers[name] = watcher
            watcher.start()
            log.debug("mailbox %s: IDLE watcher started on %r", self.mailbox_id, name)

    def _stop_watchers(self) -> None:
        for watcher in self._watchers.values():
            watcher.stop()
        for watcher in self._watchers.values():
            watcher.join(timeout=5)
            self.runner.give_watcher_slot()
        self._watchers.clear()

    def _record_failure(self, outcome: FailureOutcome | None, reason: str) -> None:
        now = _now()
        with self.runner.uow_factory() as uow:
            mailbox = uow.mailboxes.get(self.mailbox_id)
            if mailbox is None:
                return
            if outcome is None:
                outcome = after_transient_failure(
                    mailbox.failures, reason, self.runner.config.backoff, now
                )
            mailbox.failures = outcome.failures
            mailbox.next_attempt_at = outcome.next_attempt_at
            mailbox.last_error = reason
            mailbox.status = MailboxStatus.DISABLED if outcome.disable else MailboxStatus.FAILING
            if outcome.disable:
                mailbox.enabled = False
            uow.mailboxes.save(mailbox)
            uow.mailboxes.add_alert(self.mailbox_id, outcome.alert)
            uow.commit()
