"""Typed views of IMAP responses, and the parsing of IMAPClient's raw dicts into them.

Facts that shape these types:

* A UID names a message only within one (folder, UIDVALIDITY). When UIDVALIDITY changes (the
  folder was recreated or the server rebuilt its index), every stored UID of that folder is void.
* UIDNEXT only grows; a cheap STATUS showing the same UIDVALIDITY, UIDNEXT, MESSAGES and
  HIGHESTMODSEQ (RFC 7162 CONDSTORE) as last time means nothing changed.
* Flags starting with a backslash are system flags (``\\Seen``); all others are keywords
  (``$Tracked``, ``Track``). Keywords are case-insensitive atoms shared by every client.
* The mailbox id survives RENAME and changes when a folder is deleted and recreated: RFC 8474
  MAILBOXID when the server offers OBJECTID, else Dovecot's mailbox GUID (STATUS ``X-GUID``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from correspondent.domain.errors import InvalidInput

SPECIAL_USE_FLAGS = frozenset(
    {"\\All", "\\Archive", "\\Drafts", "\\Flagged", "\\Important", "\\Junk", "\\Sent", "\\Trash"}
)
# X-CORRESPONDENT-REGARDING: Set Regarding written by the Outlook add-in before sending.
HEADER_FIELDS = (
    "MESSAGE-ID IN-REPLY-TO REFERENCES FROM TO CC SUBJECT DATE X-CORRESPONDENT-REGARDING"
)
CHANGE_RESPONSES = frozenset({b"EXISTS", b"EXPUNGE", b"FETCH", b"RECENT"})


@dataclass(frozen=True)
class FolderInfo:
    """One LISTed folder. ``special_use`` is e.g. ``"\\Sent"`` (RFC 6154) or ``None``."""

    name: str
    delimiter: str | None
    flags: frozenset[str]
    special_use: str | None
    mailbox_id: str | None

    @property
    def selectable(self) -> bool:
        """False for ``\\Noselect`` / ``\\NonExistent`` hierarchy placeholders."""
        return not {"\\noselect", "\\nonexistent"} & {flag.lower() for flag in self.flags}


@dataclass(frozen=True)
class FolderStatus:
    """What SELECT or STATUS says about a folder; ``highestmodseq`` needs CONDSTORE."""

    name: str
    uidvalidity: int
    uidnext: int
    exists: int
    highestmodseq: int | None
    mailbox_id: str | None


@dataclass(frozen=True)
class MessageHeaders:
    """The cheap first look at a message: enough to decide whether to fetch its body."""

    uid: int
    flags: frozenset[str]
    keywords: frozenset[str]
    internal_date: dt.datetime | None
    size: int
    modseq: int | None
    header_bytes: bytes


@dataclass(frozen=True)
class FlagChange:
    """A message whose flags changed after a given MODSEQ (CONDSTORE ``CHANGEDSINCE``)."""

    uid: int
    flags: frozenset[str]
    keywords: frozenset[str]
    modseq: int


def text(value: object) -> str:
    """IMAP atoms arrive as bytes or str; return str."""
    if isinstance(value, bytes):
        return value.decode("utf-8", "replace")
    return str(value)


def split_flags(raw: Iterable[object]) -> tuple[frozenset[str], frozenset[str]]:
    """Split FETCH FLAGS into (system flags, keywords)."""
    names = [text(flag) for flag in raw]
    return (
        frozenset(name for name in names if name.startswith("\\")),
        frozenset(name for name in names if not name.startswith("\\")),
    )


def first_int(value: object) -> int | None:
    """MODSEQ comes as ``(5,)``, sizes as ``5``; ``None`` when absent."""
    if isinstance(value, tuple | list):
        value = value[0] if value else None
    return None if value is None else int(text(value))


def mailbox_id(status: Mapping[bytes, Any]) -> str | None:
    """The MAILBOXID (``(F123)`` parses as a 1-tuple) or X-GUID of a STATUS answer."""
    value = status.get(b"MAILBOXID", status.get(b"X-GUID"))
    if isinstance(value, tuple | list):
        value = value[0] if value else None
    return None if value is None else text(value)


def message_headers(uid: int, data: Mapping[bytes, Any]) -> MessageHeaders:
    """Build ``MessageHeaders`` from one entry of an IMAPClient FETCH result."""
    flags, keywords = split_flags(data.get(b"FLAGS", ()))
    header = next((value for key, value in data.items() if key.startswith(b"BODY[HEADER")), b"")
    internal_date = data.get(b"INTERNALDATE")
    return MessageHeaders(
        uid=uid,
        flags=flags,
        keywords=keywords,
        internal_date=internal_date if isinstance(internal_date, dt.datetime) else None,
        size=first_int(data.get(b"RFC822.SIZE")) or 0,
        modseq=first_int(data.get(b"MODSEQ")),
        header_bytes=bytes(header or b""),
    )


def is_change(response: object) -> bool:
    """Whether an unsolicited response (from IDLE) reports a change to the mailbox."""
    if not isinstance(response, tuple) or len(response) < 2:
        return False
    return response[1] in CHANGE_RESPONSES or response[0] == b"VANISHED"


def keyword_names(keywords: Iterable[str | bytes]) -> list[str]:
    """Validate keyword names: atoms, not system flags (those start with a backslash)."""
    names = [text(keyword) for keyword in keywords]
    for name in names:
        if not name or name.startswith("\\") or any(c in name for c in ' ()[]{}%*"\\\r\n'):
            raise InvalidInput(f"not an IMAP keyword: {name!r}")
    return names
