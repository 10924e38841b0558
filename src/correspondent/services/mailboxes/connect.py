"""Opening an authenticated IMAP session for a stored mailbox (password or XOAUTH2 token).

The only place that decrypts a mailbox secret; it is handed to the session's login call and not
kept. TLS verification uses the system CAs, or ``ca_file`` when the server has a private CA.
"""

from __future__ import annotations

import ssl
from dataclasses import dataclass, field
from pathlib import Path

from correspondent.domain.mailbox import AuthKind, Mailbox, TlsChoice
from correspondent.mail.imap import ImapSession, TlsMode
from correspondent.services.mailboxes.secrets import SecretBox

_TLS = {
    TlsChoice.IMPLICIT: TlsMode.IMPLICIT,
    TlsChoice.STARTTLS: TlsMode.STARTTLS,
    TlsChoice.PLAIN: TlsMode.PLAIN,
}


@dataclass
class MailboxConnector:
    secrets: SecretBox
    ca_file: Path | None = None
    timeout: float = 60.0

    _context: ssl.SSLContext | None = field(default=None, init=False, repr=False)

    def ssl_context(self) -> ssl.SSLContext:
        """One verifying context for every connection (each holds the CA store: ~1 MB)."""
        if self._context is None:
            cafile = str(self.ca_file) if self.ca_file is not None else None
            self._context = ssl.create_default_context(cafile=cafile)
        return self._context

    def open(self, mailbox: Mailbox) -> ImapSession:
        """Connect and log in; raises the ``ImapError`` subclasses of the adapter."""
        session = ImapSession.connect(
            mailbox.host,
            mailbox.port,
            _TLS[mailbox.tls],
            ssl_context=self.ssl_context(),
            timeout=self.timeout,
        )
        try:
            secret = self.secrets.decrypt(mailbox.secret)
            if mailbox.auth_kind is AuthKind.XOAUTH2:
                session.oauth2_login(mailbox.login, secret)
            else:
                session.login(mailbox.login, secret)
        except BaseException:
            session.close()
            raise
        return session
