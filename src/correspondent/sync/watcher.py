"""IDLE watchers: one connection per watched folder, blocked in IDLE, that wake the mailbox's
sync thread when the server reports a change (RFC 2177).

IDLE only reports on the selected folder, so each folder needs its own connection; a watcher is
a thread that spends its life blocked in a socket read, which costs little memory. The server
may end an IDLE after 30 minutes, so the wait is renewed every ``idle_timeout`` seconds. A
dropped connection is reopened after a growing pause; the sync thread is woken meanwhile so it
polls instead. :meth:`FolderWatcher.stop` closes the socket, which ends a blocked wait at once.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

from correspondent.mail.imap import ImapSession

log = logging.getLogger(__name__)


class Wakeup:
    """The folders that changed since the sync thread last looked, and an event to wait on."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._folders: set[str] = set()
        self._event = threading.Event()

    def notify(self, folder: str) -> None:
        with self._lock:
            self._folders.add(folder)
        self._event.set()

    def wake(self) -> None:
        self._event.set()

    def wait(self, timeout: float) -> set[str]:
        """Block until a change or ``timeout``; returns (and forgets) the changed folders."""
        self._event.wait(timeout)
        with self._lock:
            self._event.clear()
            changed, self._folders = self._folders, set()
        return changed


class FolderWatcher(threading.Thread):
    def __init__(
        self,
        open_session: Callable[[], ImapSession],
        folder: str,
        wakeup: Wakeup,
        idle_timeout: float = 300.0,
    ) -> None:
        super().__init__(name=f"idle:{folder}", daemon=True)
        self.folder = folder
        self._open = open_session
        self._wakeup = wakeup
        self._idle_timeout = idle_timeout
        self._stopping = threading.Event()
        self._session: ImapSession | None = None
        self.idling = False
        """True while the connection is selected and waiting in IDLE."""

    def run(self) -> None:
        pause = 1.0
        while not self._stopping.is_set():
            try:
                self._session = self._open()
                if self._stopping.is_set():
                    break
                self._session.select(self.folder)
                # What arrived before IDLE began (while connecting, or while the connection was
                # down) is never reported by IDLE: ask the sync thread for a look now.
                self._wakeup.notify(self.folder)
                pause = 1.0
                self.idling = True
                while not self._stopping.is_set():
                    if self._session.idle_wait(self._idle_timeout):
                        log.debug("IDLE on %r reports a change", self.folder)
                        self._wakeup.notify(self.folder)
            except Exception as error:  # ImapError, or a socket closed by stop()
                self.idling = False
                if self._stopping.is_set():
                    break
                log.info("IDLE on %r interrupted (%s); reconnecting in %.0f s", self.folder,
                         error, pause)  # fmt: skip
                self._wakeup.notify(self.folder)  # look now, something may have been missed
                self._stopping.wait(pause)
                pause = min(pause * 2, 60.0)
            finally:
                session, self._session = self._session, None
                if session is not None:
                    session.close()

    def stop(self) -> None:
        self._stopping.set()
        session = self._session
        if session is not None:
            session.abort()
