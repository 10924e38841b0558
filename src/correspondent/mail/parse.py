"""Raw RFC 5322 bytes -> ``ParsedMessage``: the only entry point into MIME for the system.

Stages, with the time budget checked between them: cheap checks on the raw bytes (size, header
block, boundary count) -> the stdlib feed parser -> checks on the parsed tree (depth, parts,
part headers) -> header fields -> bodies and attachments.

Why not plain ``BytesParser(policy=policy.default)``:

* ``BytesParser.parsebytes`` decodes the whole input to one ``str`` and reads it through a
  ``StringIO``, which holds it again as UCS-4: a 70 MB message peaks above 600 MB. Feeding
  ``BytesFeedParser`` (the engine behind ``BytesParser``) in 1 MiB slices stays near the size
  of the message itself.
* ``policy.default`` builds a structured header object on every header *read*, through a slow
  pure-Python grammar; it also rejects or mangles much real-world breakage. ``_RawHeaderPolicy``
  is ``policy.default`` except that reading a header returns its unfolded raw text (with 8-bit
  bytes as surrogate escapes), which ``headers`` decodes with our own charset rules.

``parse_message`` raises ``MessageRejected`` for hostile or non-message input (the message's fault:
quarantine, with a readable reason) and ``MessageDeferred`` when it could not be parsed *now*
(a starved machine, memory exhausted): the caller tries again later.
"""

from __future__ import annotations

import logging
import re
from email.message import Message
from email.parser import BytesFeedParser
from email.policy import EmailPolicy

from correspondent.domain.activity import content_digest
from correspondent.domain.errors import MessageDeferred, MessageRejected
from correspondent.mail.headers import (
    decode_text,
    parse_addresses,
    parse_date,
    parse_message_id,
    parse_references,
)
from correspondent.mail.limits import (
    Deadline,
    LimitExceeded,
    ParseLimits,
    check_raw,
    check_structure,
)
from correspondent.mail.message import ParsedMessage
from correspondent.mail.mime_parts import Bodies, collect_bodies, get_param
from correspondent.mail.mime_split import split_message

__all__ = [
    "PARSER_FAULT_REASON",
    "LimitExceeded",
    "ParseLimits",
    "message_tree",
    "parse_message",
]

log = logging.getLogger(__name__)

PARSER_FAULT_REASON = (
    "Correspondent's parser failed on this message: a fault in Correspondent, not in the "
    "message. The message is kept unchanged; report it to your administrator, who finds the "
    "details in the log under message {digest}. Tracking it again after an upgrade may succeed."
)
"""The quarantine reason when parsing failed with an unexpected error (``{digest}``: the first
characters of the message's sha256, as logged)."""

_FEED_CHUNK = 1024 * 1024
# The fast path holds the message as one str (and its parts as slices of it): for big messages
# the feed parser's 1 MiB slices keep the peak lower (see the module docstring).
_FAST_PATH_MAX_BYTES = 8 * 1024 * 1024
_UTF8_BOM = b"\xef\xbb\xbf"
_LINE_BREAKS = re.compile(r"[\r\n]")
_HEADER_END = re.compile(rb"\r?\n\r?\n")
_BARE_CR = re.compile(rb"\r(?!\n)")
# RFC 5322 section 4.5.3 (obs-optional): white space may precede the colon of a field name.
_OBSOLETE_FIELD_NAME = re.compile(rb"^([!-9;-~]+)[ \t]+:", re.MULTILINE)
# At least one of these must be present for the input to count as a message at all: the fields of
# RFC 5322 section 3.6, the MIME fields of RFC 2045 and RFC 2183, and a few every MTA adds.
_MESSAGE_FIELDS = frozenset(
    (
        "from",
        "sender",
        "reply-to",
        "to",
        "cc",
        "bcc",
        "subject",
        "date",
        "message-id",
        "in-reply-to",
        "references",
        "comments",
        "keywords",
        "received",
        "return-path",
        "resent-date",
        "resent-from",
        "resent-sender",
        "resent-to",
        "resent-cc",
        "resent-bcc",
        "resent-message-id",
        "mime-version",
        "content-type",
        "content-transfer-encoding",
        "content-disposition",
        "content-id",
        "content-description",
        "delivered-to",
        "x-mailer",
    )
)


class _RawHeaderPolicy(EmailPolicy):
    """``policy.default``, but header reads return unfolded raw text instead of objects."""

    def header_fetch_parse(self, name: str, value: str) -> str:
        # The stdlib's own Message methods (content type, boundary, params) work on text;
        # unfolding is removing the line breaks only (RFC 5322 section 2.2.3).
        return _LINE_BREAKS.sub("", value)


_POLICY = _RawHeaderPolicy()


def message_tree(raw: bytes, *, fast_path: bool = True) -> Message:
    """The MIME tree of ``raw``, as the stdlib feed parser builds it (after the repairs below).

    ``fast_path``: build it with ``mime_split`` when the message is one it reproduces exactly
    (nearly all mail; several times faster), else with the feed parser.
    """
    # Editors on Windows save .eml files with a UTF-8 byte-order mark; it is not part of the
    # first field name (MimeKit skips it too).
    start = len(_UTF8_BOM) if raw.startswith(_UTF8_BOM) else 0
    end = _HEADER_END.search(raw, start)
    header_end = end.end() if end is not None else len(raw)
    # The stdlib parser does not know the obsolete "Name :" syntax; fix the top header block.
    header = _OBSOLETE_FIELD_NAME.sub(rb"\1:", raw[start:header_end])
    if end is not None:
        # Lines end in LF here, so a bare CR is damage inside a field. The stdlib would end the
        # line there, and the rest of the field, not being a field, would end the header block:
        # every field after it would be lost. MimeKit keeps the CR in the value; we unfold it.
        header = _BARE_CR.sub(b" ", header)
    if fast_path and len(raw) <= _FAST_PATH_MAX_BYTES:
        text = header.decode("ascii", "surrogateescape") + raw[header_end:].decode(
            "ascii", "surrogateescape"
        )
        tree = split_message(text, _POLICY)
        if tree is not None:
            return tree
    parser = BytesFeedParser(policy=_POLICY)
    parser.feed(header)
    view = memoryview(raw)
    for start in range(header_end, len(raw), _FEED_CHUNK):
        parser.feed(bytes(view[start : start + _FEED_CHUNK]))
    return parser.close()


def _charset_hint(message: Message) -> str | None:
    """The first declared charset in the message: the likeliest one for undeclared 8-bit."""
    for part in message.walk():
        charset = get_param(part, "charset")
        if isinstance(charset, str) and charset.isascii() and charset.strip():
            return charset.strip()
    return None


def _parse(raw: bytes, limits: ParseLimits) -> ParsedMessage:
    deadline = Deadline(limits)
    check_raw(raw, limits)
    try:
        message = message_tree(raw)
    except RecursionError:
        raise LimitExceeded(
            f"MIME nesting deeper than {limits.max_depth} levels (parser recursion limit)",
            "max_depth",
        ) from None
    deadline.check("parsing the MIME structure")
    if not any(name.lower() in _MESSAGE_FIELDS for name in message):
        raise MessageRejected("not an email message: no RFC 5322 or MIME header fields")
    check_structure(message, limits)

    hint = _charset_hint(message)
    problems: list[str] = []

    def addresses(name: str) -> tuple[str, ...] | list[str]:
        return message.get_all(name) or []

    from_ = parse_addresses(list(addresses("from")), hint, problems, "From")
    to = parse_addresses(list(addresses("to")), hint, problems, "To")
    cc = parse_addresses(list(addresses("cc")), hint, problems, "Cc")
    bcc = parse_addresses(list(addresses("bcc")), hint, problems, "Bcc")
    total = len(from_) + len(to) + len(cc) + len(bcc)
    if total > limits.max_addresses:
        raise LimitExceeded(
            f"more than {limits.max_addresses} addresses ({total})", "max_addresses"
        )
    subject_value = message.get("subject")
    subject = decode_text(str(subject_value or ""), hint, problems, "Subject").strip()
    deadline.check("reading header fields")

    bodies = collect_bodies(message, Bodies(hint=hint, deadline=deadline, problems=problems))
    deadline.check("reading MIME parts")
    return ParsedMessage(
        message_id=parse_message_id(message.get("message-id")),
        in_reply_to=parse_message_id(message.get("in-reply-to")),
        references=parse_references(message.get("references")),
        subject=subject,
        sent_at=parse_date(message.get("date")),
        from_=from_,
        to=to,
        cc=cc,
        bcc=bcc,
        text_body=bodies.text_body,
        html_body=bodies.html_body,
        attachments=tuple(bodies.attachments),
        decode_problems=tuple(dict.fromkeys(problems)),
    )


def parse_message(raw: bytes, limits: ParseLimits | None = None) -> ParsedMessage:
    """Parse one message; raise ``MessageRejected`` when it cannot or must not be parsed,
    ``MessageDeferred`` when it cannot be parsed now."""
    try:
        return _parse(raw, limits or ParseLimits())
    except (MessageRejected, MessageDeferred):
        raise
    except MemoryError:
        # Within the size limits, running out of memory is the machine's state, not the message's.
        raise MessageDeferred("not enough memory to parse the message now") from None
    except Exception as error:  # last-resort guard: a parser bug must not stop the mailbox
        # The exception's text means nothing to the user and may quote the message; it goes to
        # the log with its traceback, under the digest the quarantine item shows.
        digest = content_digest(raw)
        log.exception("parsing failed on message sha256:%s (a bug in Correspondent)", digest)
        raise MessageRejected(PARSER_FAULT_REASON.format(digest=digest[:12])) from error
