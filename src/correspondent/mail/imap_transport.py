"""Opening the TCP/TLS connection for an IMAP session.

Three transports: implicit TLS (usually port 993), STARTTLS (port 143, upgraded before any
credentials are sent) and plain text. Plain text is allowed only to loopback hosts (a local test
server or a local proxy); anything else would send the password in clear, so it is refused before
a socket is opened. Certificates are verified against ``ssl_context`` (system CAs by default).
"""

from __future__ import annotations

import ipaddress
import ssl
from enum import Enum

from imapclient import IMAPClient, SocketTimeout

from correspondent.mail.imap_errors import ImapInsecureTransport, translate_errors


class TlsMode(Enum):
    """How the connection is protected."""

    IMPLICIT = "implicit"
    STARTTLS = "starttls"
    PLAIN = "plain"


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def open_client(
    host: str,
    port: int,
    tls_mode: TlsMode,
    ssl_context: ssl.SSLContext | None,
    timeout: float,
) -> IMAPClient:
    """Connect and read the greeting; STARTTLS is left to the caller (it needs capabilities)."""
    if tls_mode is TlsMode.PLAIN and not _is_loopback(host):
        raise ImapInsecureTransport(
            f"plain-text IMAP to {host!r} refused: use implicit TLS or STARTTLS "
            "(plain is allowed for loopback hosts only)"
        )
    with translate_errors("connect"):
        return IMAPClient(
            host,
            port=port,
            ssl=tls_mode is TlsMode.IMPLICIT,
            ssl_context=ssl_context or ssl.create_default_context(),
            timeout=SocketTimeout(connect=min(timeout, 15.0), read=timeout),
        )
