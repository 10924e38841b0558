"""The parsed form of one RFC 5322 message, as the rest of Correspondent sees it.

``mail.parse.parse_message`` produces it from raw bytes; nothing else in the system touches MIME.
All text is already decoded to ``str``; anything that could not be decoded was replaced with
U+FFFD and is listed in ``decode_problems``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime


@dataclass(frozen=True)
class MailAddress:
    """One mailbox from an address header: ``address`` is lower-cased and stripped."""

    address: str
    display_name: str = ""


@dataclass(frozen=True)
class MailAttachment:
    """A leaf MIME part kept as a file (attachment or inline image).

    ``filename`` is the decoded name exactly as the sender gave it (possibly hostile: path
    separators, bidi controls); the attachment policy cleans it. ``content`` is the decoded body.
    """

    filename: str
    content_type: str
    content: bytes
    content_id: str | None = None
    inline: bool = False


@dataclass(frozen=True)
class ParsedMessage:
    """What tracking needs from a message."""

    message_id: str | None
    """Normalised Message-ID: angle brackets and white space removed; None when absent/empty."""
    in_reply_to: str | None
    references: tuple[str, ...]
    subject: str
    sent_at: datetime | None
    """The Date header as an aware UTC datetime; None when missing or unparseable."""
    from_: tuple[MailAddress, ...]
    to: tuple[MailAddress, ...]
    cc: tuple[MailAddress, ...]
    bcc: tuple[MailAddress, ...]
    text_body: str
    html_body: str | None
    """The HTML body as sent, NOT sanitised: ``mail.sanitize`` does that before storage."""
    attachments: tuple[MailAttachment, ...] = ()
    decode_problems: tuple[str, ...] = field(default=())
    """Human-readable notes on text that could not be decoded and was replaced visibly."""
