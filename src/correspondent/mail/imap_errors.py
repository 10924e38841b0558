"""What can go wrong talking to an IMAP server, in the terms the sync needs to decide what to do.

``ImapSession`` turns every IMAPClient, imaplib, socket and TLS exception into one of these, so
callers never see a raw ``OSError`` or ``imaplib.IMAP4.abort``. The split that matters:

* transient (``ImapConnectionError``): retry later with back-off;
* permanent for the mailbox (``ImapAuthenticationError``, ``ImapInsecureTransport``): disable the
  mailbox and alert its owner;
* about one folder (``ImapFolderNotFound``): the folder was deleted or renamed; look it up again;
* about the server (``ImapCapabilityMissing``, ``ImapCommandRejected``): the caller picks a
  fallback or reports the server.

``translate_errors`` is the one place that knows the library's exception types.
"""

import ssl
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from imapclient import exceptions as imap_exc

from correspondent.domain.errors import CorrespondentError


class ImapError(CorrespondentError):
    """Base class for failures of the IMAP adapter."""


class ImapConnectionError(ImapError):
    """The server is unreachable, the session broke, or the server failed temporarily: retry."""


class ImapTlsError(ImapConnectionError):
    """The TLS handshake failed (for example an untrusted certificate): retried, but usually needs
    an administrator."""


class ImapAuthenticationError(ImapError):
    """The server rejected the login or token: permanent until the credentials change."""


class ImapInsecureTransport(ImapError):
    """Plain-text IMAP was requested to a host that is not loopback: refused, permanently."""


class ImapFolderNotFound(ImapError):
    """The folder does not exist (whatever the server's wording)."""

    def __init__(self, folder: str) -> None:
        super().__init__(f"IMAP folder does not exist: {folder!r}")
        self.folder = folder


class ImapCapabilityMissing(ImapError):
    """The server does not offer an extension this call needs."""

    def __init__(self, capability: str) -> None:
        super().__init__(f"IMAP server does not support {capability}")
        self.capability = capability


class ImapCommandRejected(ImapError):
    """The server answered NO or BAD to a command for another reason; the message quotes it."""


_NOT_FOUND_WORDING = ("nonexistent", "doesn't exist", "does not exist", "no such", "not found")
_TEMPORARY_WORDING = ("unavailable", "temporary", "try again")


@contextmanager
def translate_errors(
    action: str, *, folder: str | None = None, on_broken: Callable[[], None] | None = None
) -> Iterator[None]:
    """Re-raise IMAPClient/imaplib/socket/TLS exceptions as ``ImapError`` subclasses.

    ``on_broken`` runs first when the connection is no longer usable, so the session can drop it.
    Folder-not-found is recognised by the server's wording, which differs between servers
    (Dovecot: "Mailbox doesn't exist", others "[NONEXISTENT]", "No such mailbox", ...).
    """
    try:
        yield
    except (imap_exc.IMAPClientAbortError, imap_exc.ProtocolError, OSError, EOFError) as error:
        if on_broken is not None:
            on_broken()
        if isinstance(error, ssl.SSLError | ssl.CertificateError):
            raise ImapTlsError(f"{action}: TLS failed: {error}") from error
        kind = "timed out" if isinstance(error, TimeoutError) else "connection lost"
        raise ImapConnectionError(f"{action}: {kind}: {error}") from error
    except imap_exc.CapabilityError as error:
        raise ImapCapabilityMissing(str(error)) from error
    except imap_exc.LoginError as error:
        message = _message(error)
        if any(word in message.lower() for word in _TEMPORARY_WORDING):
            raise ImapConnectionError(f"{action}: {message}") from error
        raise ImapAuthenticationError(f"{action} refused: {message}") from error
    except imap_exc.IMAPClientError as error:
        message = _message(error)
        if folder is not None and any(word in message.lower() for word in _NOT_FOUND_WORDING):
            raise ImapFolderNotFound(folder) from error
        raise ImapCommandRejected(f"{action}: {message}") from error


def _message(error: Exception) -> str:
    """The server's text: IMAPClient sometimes passes bytes, or ``str(bytes)``, as the argument."""
    argument = error.args[0] if error.args else ""
    if isinstance(argument, bytes):
        return argument.decode("utf-8", "replace")
    message = str(argument)
    if message[:2] in ("b'", 'b"') and message[-1:] == message[1]:  # str() of bytes
        return message[2:-1]
    return message
