"""Start-up of many mailboxes: connection attempts are capped, so they do not all hit the server
in the same second (no Dovecot needed: a connector that only counts and fails)."""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field

from correspondent.bootstrap import Installation
from correspondent.domain.access import OPERATOR
from correspondent.domain.mailbox import Mailbox, MailboxStatus, TlsChoice
from correspondent.mail.imap import ImapSession
from correspondent.mail.imap_errors import ImapConnectionError
from correspondent.services.activities.track import MessageTracker
from correspondent.services.admin import users as admin_users
from correspondent.services.mailboxes.add import MailboxInput, add_mailbox
from correspondent.services.mailboxes.connect import MailboxConnector
from correspondent.services.mailboxes.secrets import SecretBox
from correspondent.sync.runner import SyncRunner
from tests.builders import address
from tests.sync.harness import fast_config

MAILBOXES = 12
CAP = 3


@dataclass
class CountingConnector(MailboxConnector):
    """Each attempt takes a moment (like a TLS handshake and login) and then fails."""

    lock: threading.Lock = field(default_factory=threading.Lock)
    current: int = 0
    peak: int = 0
    attempts: int = 0

    def open(self, mailbox: Mailbox) -> ImapSession:
        with self.lock:
            self.current += 1
            self.attempts += 1
            self.peak = max(self.peak, self.current)
        time.sleep(0.05)
        with self.lock:
            self.current -= 1
        raise ImapConnectionError("connect: refused (test)")


def test_simultaneous_connection_attempts_are_capped(installation: Installation) -> None:
    connector = CountingConnector(SecretBox.from_text("k"))
    for _ in range(MAILBOXES):
        user = admin_users.add_user(installation.uow, OPERATOR, address("m", "ourco.example"), "M")
        mailbox = add_mailbox(
            installation.uow,
            connector.secrets,
            OPERATOR,
            MailboxInput(user.email, "127.0.0.1", 1, TlsChoice.PLAIN, user.email, "pw"),
        )
        with installation.uow() as uow:
            mailbox.enabled, mailbox.status = True, MailboxStatus.ENABLED
            uow.mailboxes.save(mailbox)
            uow.commit()
    tracker = MessageTracker(installation.uow, installation.blobs)
    runner = SyncRunner(installation.uow, tracker, connector, fast_config(max_connecting=CAP))
    runner.sync_once()
    assert connector.attempts == MAILBOXES
    assert connector.peak <= CAP
    with installation.uow() as uow:
        assert all(m.status is MailboxStatus.FAILING for m in uow.mailboxes.all())
