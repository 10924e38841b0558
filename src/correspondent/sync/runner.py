"""Runs the sync of many mailboxes in one process: leases, threads, IDLE, back-off, shutdown.

* **Leases.** A supervisor loop looks for enabled mailboxes that are due and whose lease is free
  or expired, and claims each with one conditional UPDATE (``MailboxRepository.claim``). Every
  committing transaction of a pass renews the lease and fails if another worker took it, so
  two workers never commit sync state for the same mailbox; a worker that dies stops renewing,
  and after ``lease_for`` another worker takes over. On the same machine it does not wait: the
  lease names the owner's process (``sync.lease_owner``), and a lease whose process is gone is
  taken over at the next look (``scan_interval``), e.g. by the worker that replaces a killed one.
* **Threads.** One sync thread per claimed mailbox (at most ``max_mailboxes``) plus one IDLE
  watcher per watched folder (at most ``max_watchers`` in the process; beyond that, folders are
  polled with STATUS every ``poll_interval``). Sync functions are plain; only this module knows
  about threads.
* **Start-up.** At most ``max_connecting`` connection attempts (connect, greeting, TLS, login)
  run at once in the process, mailbox threads and IDLE watchers alike (``sync.connect_slots``):
  a worker that claims 200 mailboxes spreads their connections over a few seconds instead of
  missing the server's greeting deadline with some of them.
* **Failures.** Authentication failures (and refused plain text, unreadable secrets) disable
  the mailbox at once with an alert; anything else is transient: back off along
  ``BackoffPolicy`` and disable after ``max_tries`` in a row. A failure ends only that
  mailbox's thread; the others go on.
* **Shutdown.** :meth:`SyncRunner.stop` (SIGTERM in the CLI) lets each pass finish its current
  batch, closes IDLE sockets, releases the leases and returns.
* **Housekeeping.** Every ``housekeeping_interval`` (the first time a few minutes after start) the
  supervisor loop starts the ``housekeeping`` callable it was given (the CLI passes the blob
  sweep) in a thread of its own, so a long sweep delays neither syncing nor shutdown; a failure
  is logged and tried again next time. Several workers may each run it: it is safe to run
  concurrently.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from correspondent.domain.mailbox import BackoffPolicy, Mailbox
from correspondent.domain.message_retry import MessageRetryPolicy
from correspondent.mail.imap import ImapSession
from correspondent.services.activities.track import MessageTracker
from correspondent.services.mailboxes.connect import MailboxConnector
from correspondent.services.ports import UnitOfWorkFactory
from correspondent.sync import lease_owner
from correspondent.sync.connect_slots import ConnectSlots
from correspondent.sync.mailbox_worker import MailboxWorker

log = logging.getLogger(__name__)


def _now() -> datetime:
    return datetime.now(UTC)


def default_owner() -> str:
    return lease_owner.new_owner()


@dataclass
class RunnerConfig:
    owner: str = field(default_factory=default_owner)
    max_mailboxes: int = 500
    max_watchers: int = 2000
    max_connecting: int = 16
    """Connection attempts in progress at once (see "Start-up")."""
    lease_for: timedelta = timedelta(seconds=60)
    poll_interval: float = 60.0
    """Seconds between full passes when IDLE reports nothing."""
    idle_timeout: float = 300.0
    scan_interval: float = 2.0
    """Seconds between looks for due mailboxes."""
    use_idle: bool = True
    header_batch: int = 200
    backoff: BackoffPolicy = field(default_factory=BackoffPolicy)
    message_retry: MessageRetryPolicy = field(default_factory=MessageRetryPolicy)
    """Retries of single messages that failed to track (the mailbox itself is fine)."""
    housekeeping_interval: float = 6 * 3600.0
    """Seconds between runs of the housekeeping callable."""
    housekeeping_first_delay: float = 300.0
    """Seconds from start to the first run (at most one interval)."""
    regarding_key: bytes | None = None
    """The key that signs Set Regarding headers (``domain.regarding_header``); without it the
    sync does not honour them."""


class SyncRunner:
    def __init__(
        self,
        uow_factory: UnitOfWorkFactory,
        tracker: MessageTracker,
        connector: MailboxConnector,
        config: RunnerConfig | None = None,
        housekeeping: Callable[[], object] | None = None,
    ) -> None:
        self.uow_factory = uow_factory
        self.tracker = tracker
        self.connector = connector
        self.config = config or RunnerConfig()
        self.housekeeping = housekeeping
        self._housekeeper: threading.Thread | None = None
        self._stopping = threading.Event()
        self._workers: dict[int, MailboxWorker] = {}
        self._watcher_slots = threading.BoundedSemaphore(self.config.max_watchers)
        self._connect_slots = ConnectSlots(self.config.max_connecting, self._stopping)

    @property
    def owner(self) -> str:
        return self.config.owner

    def run(self) -> None:
        """Sync until :meth:`stop` is called; blocks the calling thread."""
        log.info("sync worker %s started", self.owner)
        first = min(self.config.housekeeping_first_delay, self.config.housekeeping_interval)
        housekeeping_due = time.monotonic() + first
        try:
            while not self._stopping.is_set():
                self.start_due()
                if self.housekeeping is not None and time.monotonic() >= housekeeping_due:
                    if self._housekeeper is None or not self._housekeeper.is_alive():
                        self._housekeeper = threading.Thread(
                            target=self._housekeep, name="housekeeping", daemon=True
                        )
                        self._housekeeper.start()
                    housekeeping_due = time.monotonic() + self.config.housekeeping_interval
                self._stopping.wait(self.config.scan_interval)
        finally:
            self._shutdown()

    def _housekeep(self) -> None:
        assert self.housekeeping is not None
        try:
            log.info("housekeeping: %s", self.housekeeping())
        except Exception:  # the next run tries again; syncing goes on meanwhile
            log.exception(
                "housekeeping failed; trying again in %.0f s", self.config.housekeeping_interval
            )

    def stop(self) -> None:
        self._stopping.set()

    def running(self) -> list[int]:
        return [mid for mid, worker in self._workers.items() if worker.is_alive()]

    def start_due(self) -> list[int]:
        """Claim due mailboxes up to the capacity and start their threads; returns their ids."""
        for mailbox_id in [mid for mid, w in self._workers.items() if not w.is_alive()]:
            del self._workers[mailbox_id]
        room = self.config.max_mailboxes - len(self._workers)
        if room <= 0 or self._stopping.is_set():
            return []
        started: list[int] = []
        now = _now()
        with self.uow_factory() as uow:
            dead = [o for o in uow.mailboxes.lease_holders(now) if lease_owner.is_dead(o)]
            if dead:
                log.debug("leases of dead workers may be taken over: %s", ", ".join(sorted(dead)))
            due = uow.mailboxes.due(now, self.owner, room + len(self._workers), dead)
        for mailbox_id in due:
            if mailbox_id in self._workers or len(started) >= room:
                continue
            with self.uow_factory() as uow:
                claimed = uow.mailboxes.claim(
                    mailbox_id, self.owner, now + self.config.lease_for, now, dead
                )
                uow.commit()
            if not claimed:
                continue
            worker = MailboxWorker(self, mailbox_id)
            self._workers[mailbox_id] = worker
            worker.start()
            started.append(mailbox_id)
        return started

    def sync_once(self) -> None:
        """Claim every due mailbox, run one pass each (in threads), and wait for them."""
        for mailbox_id in self.start_due():
            self._workers[mailbox_id].once = True
        for worker in list(self._workers.values()):
            worker.once = True
            worker.wakeup.wake()
            worker.join()
        self._workers.clear()

    def _shutdown(self) -> None:
        for worker in self._workers.values():
            worker.stop()
        for worker in self._workers.values():
            worker.join(timeout=30)
        self._workers.clear()
        if self._housekeeper is not None:
            # A sweep cut short loses nothing: each deletion commits with its row lock.
            self._housekeeper.join(timeout=5)
        log.info("sync worker %s stopped", self.owner)

    # -- used by the mailbox workers -----------------------------------------------------------
    @property
    def stopping(self) -> threading.Event:
        return self._stopping

    def connect(self, mailbox: Mailbox) -> ImapSession:
        """Open a signed-in session once a connection slot is free (``ConnectCancelled`` if the
        runner stops while waiting)."""
        return self._connect_slots.run(lambda: self.connector.open(mailbox))

    def take_watcher_slot(self) -> bool:
        return self._watcher_slots.acquire(blocking=False)

    def give_watcher_slot(self) -> None:
        self._watcher_slots.release()
