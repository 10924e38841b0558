"""``ImapSession``: one authenticated IMAP connection, with calls named for what sync needs.

A thin layer over IMAPClient in the spirit of nylas' crispin. It holds no credentials (they are
passed to :meth:`ImapSession.login` / :meth:`ImapSession.oauth2_login`), touches no database,
never sleeps or retries, and turns every library, socket and TLS exception into the hierarchy in
:mod:`correspondent.mail.imap_errors`. Once a connection error has been raised the session is
dead: every later call raises ``ImapConnectionError``; open a new session.

IMAP facts this relies on:

* Transport: implicit TLS (port 993), STARTTLS (143, upgrade before login) or plain. Plain is
  refused unless the host is loopback, so a password never crosses a network in clear.
* After login we ``ENABLE CONDSTORE`` when offered, so SELECT reports HIGHESTMODSEQ and FETCH
  returns MODSEQ; ``UID SEARCH MODSEQ n+1`` then ``UID FETCH uids (FLAGS) (CHANGEDSINCE n)``
  lists only messages changed after ``n`` (IMAPClient cannot FETCH the range ``1:*``).
* ``UID SEARCH UID n:*`` always matches the highest UID even when it is below ``n``; results are
  filtered. UIDs missing from a FETCH answer were expunged meanwhile.
* ``BODY.PEEK[...]`` reads without setting ``\\Seen``; plain ``BODY[]`` would mark mail read.
* IDLE (RFC 2177) pushes EXISTS/EXPUNGE/FETCH for the selected folder; the client must send
  DONE before any other command, which :meth:`ImapSession.idle_wait` always does.
* STATUS must not be used on the selected folder (RFC 3501 §6.3.10): Dovecot answers it with
  ``OK [CLIENTBUG]`` and the values of the session's last view, so new mail looks absent. The
  session remembers which folder it selected and what SELECT reported; :meth:`ImapSession.status`
  refuses the selected folder, and :meth:`ImapSession.recheck_selected` asks with NOOP instead:
  the server then reports what changed as untagged EXISTS / EXPUNGE / FETCH responses.
"""

from __future__ import annotations

import ssl
from collections.abc import Iterable, Iterator, Sequence
from contextlib import suppress
from typing import Any, Self

from imapclient import IMAPClient

from correspondent.mail.imap_errors import (
    ImapCapabilityMissing,
    ImapConnectionError,
    translate_errors,
)
from correspondent.mail.imap_responses import (
    HEADER_FIELDS,
    SPECIAL_USE_FLAGS,
    FlagChange,
    FolderInfo,
    FolderStatus,
    MessageHeaders,
    first_int,
    is_change,
    keyword_names,
    mailbox_id,
    message_headers,
    split_flags,
    text,
)
from correspondent.mail.imap_transport import TlsMode, open_client

__all__ = ["ImapSession", "TlsMode"]

CHANGE_RESPONSE_NAMES = ("EXISTS", "EXPUNGE", "FETCH", "RECENT", "VANISHED")
"""imaplib's names for the untagged responses that report a change to the selected folder."""


def _chunks(uids: Sequence[int], size: int) -> Iterator[list[int]]:
    for start in range(0, len(uids), size):
        yield list(uids[start : start + size])


class ImapSession:
    """An IMAP connection; use :meth:`connect`, then a login method, then the sync calls."""

    def __init__(self, client: IMAPClient) -> None:
        self._client: IMAPClient | None = client
        client.normalise_times = False  # keep INTERNALDATE timezone-aware
        self._selected: FolderStatus | None = None
        """What SELECT reported for the selected folder; ``None`` when none is selected."""
        self._selected_changed = False
        """A change to the selected folder was reported since SELECT (see ``recheck_selected``)."""

    @classmethod
    def connect(
        cls,
        host: str,
        port: int,
        tls_mode: TlsMode,
        *,
        ssl_context: ssl.SSLContext | None = None,
        timeout: float = 60.0,
    ) -> Self:
        """Open a connection (not yet authenticated). ``ssl_context`` defaults to system CAs."""
        client = open_client(host, port, tls_mode, ssl_context, timeout)
        session = cls(client)
        if tls_mode is TlsMode.STARTTLS:
            if not session.has_capability("STARTTLS"):
                session.close()
                raise ImapCapabilityMissing("STARTTLS")
            with session._translated("starttls"):
                client.starttls(ssl_context or ssl.create_default_context())
        return session

    # -- authentication -------------------------------------------------------------------

    def login(self, login: str, password: str) -> None:
        """Authenticate with a password; ``ImapAuthenticationError`` when it is refused."""
        with self._translated("login"):
            self._live.login(login, password)
        self._after_login()

    def oauth2_login(self, login: str, access_token: str, mechanism: str = "XOAUTH2") -> None:
        """Authenticate with an OAuth2 bearer token (SASL XOAUTH2, or ``"OAUTHBEARER"``)."""
        self._require(f"AUTH={mechanism}")
        with self._translated("oauth2 login"):
            if mechanism == "OAUTHBEARER":
                self._live.oauthbearer_login(login, access_token)
            else:
                self._live.oauth2_login(login, access_token, mech=mechanism)
        self._after_login()

    def _after_login(self) -> None:
        if self.has_capability("CONDSTORE") and self.has_capability("ENABLE"):
            with self._translated("enable condstore"):
                self._live.enable("CONDSTORE")

    # -- capabilities and folders -----------------------------------------------------------

    def capabilities(self) -> frozenset[str]:
        """The server's capabilities, upper-case (re-read after login)."""
        with self._translated("capability"):
            return frozenset(text(cap).upper() for cap in self._live.capabilities())

    def has_capability(self, name: str) -> bool:
        """Whether the server advertises ``name`` (case-insensitive)."""
        return name.upper() in self.capabilities()

    def _require(self, capability: str) -> None:
        if not self.has_capability(capability):
            raise ImapCapabilityMissing(capability)

    def _mailbox_id_item(self) -> str | None:
        if self.has_capability("OBJECTID"):
            return "MAILBOXID"
        welcome = text(getattr(self._live, "welcome", b"") or b"")
        return "X-GUID" if "dovecot" in welcome.lower() else None

    def list_folders(self) -> list[FolderInfo]:
        """Every folder with its flags, special use and (when available) mailbox id."""
        id_item = self._mailbox_id_item()
        with self._translated("list"):
            listed = self._live.list_folders()
        folders = []
        for raw_flags, delimiter, name in listed:
            flags = frozenset(text(flag) for flag in raw_flags)
            special = next((flag for flag in flags if flag in SPECIAL_USE_FLAGS), None)
            folder = FolderInfo(
                text(name), text(delimiter) if delimiter else None, flags, special, None
            )
            if id_item and folder.selectable:
                if self.is_selected(folder.name):
                    assert self._selected is not None
                    found = self._selected.mailbox_id
                else:
                    with self._translated("status", folder=folder.name):
                        found = mailbox_id(self._live.folder_status(folder.name, [id_item]))
                folder = FolderInfo(folder.name, folder.delimiter, flags, special, found)
            folders.append(folder)
        return folders

    def special_use_folder(self, flag: str) -> str | None:
        """The name of the folder marked with a special-use flag such as ``"\\\\Sent"``."""
        wanted = flag.lower()
        return next(
            (f.name for f in self.list_folders() if (f.special_use or "").lower() == wanted),
            None,
        )

    def status(self, folder: str) -> FolderStatus:
        """Cheap change check without selecting: UIDVALIDITY, UIDNEXT, MESSAGES, HIGHESTMODSEQ.

        Not for the selected folder (``ValueError``): use :meth:`recheck_selected`.
        """
        if self.is_selected(folder):
            raise ValueError(
                f"STATUS of the selected folder {folder!r} gives stale values (RFC 3501 §6.3.10); "
                "use recheck_selected()"
            )
        items = ["MESSAGES", "UIDNEXT", "UIDVALIDITY"]
        if self.has_capability("CONDSTORE"):
            items.append("HIGHESTMODSEQ")
        if id_item := self._mailbox_id_item():
            items.append(id_item)
        with self._translated("status", folder=folder):
            found: dict[bytes, Any] = self._live.folder_status(folder, items)
        return FolderStatus(
            name=folder,
            uidvalidity=int(found[b"UIDVALIDITY"]),
            uidnext=int(found[b"UIDNEXT"]),
            exists=int(found[b"MESSAGES"]),
            highestmodseq=first_int(found.get(b"HIGHESTMODSEQ")),
            mailbox_id=mailbox_id(found),
        )

    def select(self, folder: str) -> FolderStatus:
        """Select ``folder`` read-write (keywords can be stored) and report its state."""
        id_item = self._mailbox_id_item()
        previous = self._selected
        with self._translated("select", folder=folder):
            if previous is not None and self.is_selected(folder):
                found_id = previous.mailbox_id  # no STATUS on the selected folder
            else:
                found_id = (
                    mailbox_id(self._live.folder_status(folder, [id_item])) if id_item else None
                )
            # A failed SELECT leaves no folder selected (RFC 3501 §6.3.1).
            self._selected = None
            selected: dict[bytes, Any] = self._live.select_folder(folder)
            self._take_change_responses()  # SELECT's own EXISTS and RECENT are not changes
        self._selected = FolderStatus(
            name=folder,
            uidvalidity=int(selected[b"UIDVALIDITY"]),
            uidnext=int(selected.get(b"UIDNEXT", 0)),
            exists=int(selected[b"EXISTS"]),
            highestmodseq=first_int(selected.get(b"HIGHESTMODSEQ")),
            mailbox_id=found_id,
        )
        self._selected_changed = False
        return self._selected

    @property
    def selected_folder(self) -> str | None:
        """The name of the selected folder, as it was passed to :meth:`select`."""
        return self._selected.name if self._selected is not None else None

    def recheck_selected(self) -> FolderStatus | None:
        """The selected folder's state without STATUS: NOOP, then the untagged responses.

        Returns what SELECT reported if the server has reported no change since (the values
        still hold), or ``None`` if something changed (or nothing is selected): select again to
        read the new state.
        """
        if self._selected is None:
            return None
        with self._translated("noop", folder=self._selected.name):
            _, responses = self._live.noop()
        changed = self._take_change_responses() or any(is_change(r) for r in responses)
        if changed or self._selected_changed:
            self._selected_changed = False
            return None
        return self._selected

    def _take_change_responses(self) -> bool:
        """Pop the change responses imaplib kept from earlier commands; True if there were any.

        imaplib files every untagged response by name until a command asks for it; EXISTS and
        EXPUNGE that came with our SEARCH or FETCH answers wait there.
        """
        stored: dict[str, list[object]] = self._live._imap.untagged_responses
        found = False
        for name in CHANGE_RESPONSE_NAMES:
            if stored.pop(name, None):
                found = True
        return found

    def is_selected(self, folder: str) -> bool:
        """Whether ``folder`` is the folder this session has selected."""
        if self._selected is None:
            return False
        current = self._selected.name
        # INBOX is case-insensitive (RFC 3501 §5.1); other names are compared as given.
        if current.upper() == "INBOX" and folder.upper() == "INBOX":
            return True
        return current == folder

    # -- messages in the selected folder ----------------------------------------------------

    def search_uids_since(self, uid: int) -> list[int]:
        """UIDs greater than ``uid`` in the selected folder, ascending."""
        with self._translated("search"):
            found = self._live.search(["UID", f"{uid + 1}:*"])
        return sorted(int(found_uid) for found_uid in found if int(found_uid) > uid)

    def search_message_id(self, message_id: str) -> list[int]:
        """UIDs in the selected folder whose Message-ID header contains ``message_id``."""
        with self._translated("search header"):
            found = self._live.search(["HEADER", "Message-ID", message_id])
        return sorted(int(found_uid) for found_uid in found)

    def fetch_headers(self, uids: Sequence[int], batch_size: int = 250) -> list[MessageHeaders]:
        """Flags, INTERNALDATE, size, MODSEQ and the threading/address headers, in batches."""
        items = ["UID", "FLAGS", "INTERNALDATE", "RFC822.SIZE"]
        items.append(f"BODY.PEEK[HEADER.FIELDS ({HEADER_FIELDS})]")
        if self.has_capability("CONDSTORE"):
            items.append("MODSEQ")
        found: list[MessageHeaders] = []
        for batch in _chunks(sorted(uids), batch_size):
            with self._translated("fetch headers"):
                response = self._live.fetch(batch, items)
            response = self._requested_only(response, batch)
            found.extend(message_headers(int(uid), data) for uid, data in response.items())
        return sorted(found, key=lambda headers: headers.uid)

    def fetch_raw(self, uids: Sequence[int], batch_size: int = 25) -> dict[int, bytes]:
        """The full RFC 5322 bytes by UID, without setting ``\\Seen``; expunged UIDs are absent."""
        raw: dict[int, bytes] = {}
        for batch in _chunks(sorted(uids), batch_size):
            with self._translated("fetch body"):
                response = self._live.fetch(batch, ["BODY.PEEK[]"])
            for uid, data in self._requested_only(response, batch).items():
                raw[int(uid)] = bytes(data.get(b"BODY[]") or b"")
        return raw

    def _requested_only(self, response: dict[int, Any], requested: Sequence[int]) -> dict[int, Any]:
        """Drop unsolicited FETCHes (another client's flag change) that came with our answer;
        IMAPClient mixes them in. They are a change to the selected folder, so note one."""
        wanted = set(requested)
        extra = [key for key in response if key not in wanted]
        if not extra:
            return response
        self._selected_changed = True
        return {key: value for key, value in response.items() if key in wanted}

    def changed_since(self, modseq: int) -> dict[int, FlagChange]:
        """Messages whose flags changed (or that arrived) after ``modseq`` (CONDSTORE), by UID.

        Expunged messages are not reported (that needs QRESYNC's VANISHED).
        """
        self._require("CONDSTORE")
        with self._translated("search modseq"):
            self._live.noop()  # the server applies other sessions' changes to its view
            uids = sorted(int(uid) for uid in self._live.search(["MODSEQ", str(modseq + 1)]))
        with self._translated("fetch changedsince"):
            response = self._live.fetch(uids, ["FLAGS"], modifiers=[f"CHANGEDSINCE {modseq}"])
        changes = {}
        for uid, data in response.items():
            flags, keywords = split_flags(data.get(b"FLAGS", ()))
            changes[int(uid)] = FlagChange(
                int(uid), flags, keywords, first_int(data.get(b"MODSEQ")) or 0
            )
        return changes

    def add_keywords(self, uids: Sequence[int], keywords: Iterable[str | bytes]) -> None:
        """Set keywords (``$Tracked``) on messages of the selected folder."""
        names = keyword_names(keywords)
        with self._translated("store +keywords"):
            self._live.add_flags(list(uids), names, silent=True)

    def remove_keywords(self, uids: Sequence[int], keywords: Iterable[str | bytes]) -> None:
        """Clear keywords on messages of the selected folder."""
        names = keyword_names(keywords)
        with self._translated("store -keywords"):
            self._live.remove_flags(list(uids), names, silent=True)

    def idle_wait(self, timeout: float) -> bool:
        """IDLE on the selected folder for up to ``timeout`` seconds; True if it changed.

        Always sends DONE before returning, so the session is usable afterwards.
        """
        self._require("IDLE")
        with self._translated("idle"):
            self._live.idle()
            responses = list(self._live.idle_check(timeout=timeout))
            _, more = self._live.idle_done()
        return any(is_change(response) for response in [*responses, *more])

    def abort(self) -> None:
        """Close the socket at once, from any thread: a blocked IDLE wait returns with
        ``ImapConnectionError``. Used to shut a watcher down without waiting for its timeout."""
        client = self._client
        if client is not None:
            with suppress(Exception):
                client.shutdown()

    def close(self) -> None:
        """Log out and close the socket; never raises, safe to call twice."""
        self._selected = None
        client, self._client = self._client, None
        if client is None:
            return
        try:
            client.logout()
        except Exception:
            with suppress(Exception):
                client.shutdown()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    @property
    def _live(self) -> Any:
        if self._client is None:
            raise ImapConnectionError("IMAP session is closed; open a new one")
        return self._client

    def _translated(self, action: str, *, folder: str | None = None) -> Any:
        return translate_errors(action, folder=folder, on_broken=self._drop)

    def _drop(self) -> None:
        self._selected = None
        client, self._client = self._client, None
        if client is not None:
            with suppress(Exception):
                client.shutdown()
