"""Decoding header fields from their raw (unfolded) values.

Protocol facts:

* Non-ASCII text reaches headers in two ways: RFC 2047 encoded-words (``=?charset?B|Q?...?=``)
  and, against the rules but common, raw 8-bit bytes in no declared charset. The parser hands us
  the latter as surrogate escapes (U+DC80-U+DCFF), which must never leak out of this package.
* White space between two adjacent encoded-words is not part of the text (RFC 2047 section 6.2),
  and one multi-byte character may be split across two encoded-words of the same charset, so
  adjacent words are joined as bytes before being decoded.
* Encoded-words are only legal in display names, but mailers put them inside quoted strings too;
  we decode names after splitting the address list, so a decoded comma cannot split an address.
* We deliberately use ``email.utils.getaddresses`` on the raw value instead of the
  ``policy.default`` header registry: it is several times faster and tolerant of broken input.
"""

from __future__ import annotations

import binascii
import re
from datetime import UTC, datetime
from email.policy import Compat32
from email.utils import getaddresses, parsedate_to_datetime

from correspondent.mail.charsets import DecodedText, codecs_for, decode_declared, decode_undeclared
from correspondent.mail.message import MailAddress

_ENCODED_WORD = re.compile(r"=\?([^?\s]+)\?([bBqQ])\?([^?]*)\?=")
_SURROGATES = re.compile("[\udc80-\udcff]")
_LINE_BREAKS = re.compile(r"[\r\n]")
# NUL is never part of an address (and PostgreSQL text cannot hold it).
_ADDRESS = re.compile(r"^[^@\s<>,;\"\x00]+@[^@\s<>,;\"\x00]+$")
# A token starts where a run of address characters starts: without the look-behind, a long run
# without "@" is scanned again from each of its characters (quadratic: 24 KB took 4 s).
_ADDRESS_CHARS = r"[^@\s<>,;:\"()\[\]\x00]"
_ADDRESS_TOKEN = re.compile(rf"(?<!{_ADDRESS_CHARS}){_ADDRESS_CHARS}+@{_ADDRESS_CHARS}+")
_ADDRESS_SPECIALS = re.compile(r'[,;:<>@"()\[\]\\]')
_MESSAGE_ID = re.compile(r"<([^<>]*)>")
_NOT_IN_IDS = re.compile(r"[\s\x00-\x1f\x7f]+")  # white space and control characters
_NOT_BASE64_TEXT = re.compile(rb"[^A-Za-z0-9+/=\s]")
_NOT_BASE64 = re.compile(rb"[^A-Za-z0-9+/=]")


class RawFieldPolicy(Compat32):
    """``compat32`` (the fast policy), but a field reads back as its unfolded raw text, 8-bit
    bytes as surrogate escapes: what the functions here take. Plain ``compat32`` turns 8-bit
    fields into ``email.header.Header`` objects, which they cannot read."""

    def header_fetch_parse(self, name: str, value: str) -> str:
        return _LINE_BREAKS.sub("", value)


RAW_FIELDS = RawFieldPolicy()
"""The policy for header blocks read only to be passed to ``parse_addresses``,
``parse_message_id`` and ``parse_references`` (``BytesHeaderParser(policy=RAW_FIELDS)``)."""


def _raw_bytes(text: str) -> bytes:
    return text.encode("ascii", "surrogateescape")


def _plain_text(text: str, hint: str | None) -> DecodedText:
    """Text outside encoded-words: ASCII, or 8-bit bytes smuggled in as surrogates."""
    if text.isascii():
        return decode_undeclared(text.encode("ascii"), hint)
    if _SURROGATES.search(text) is None:
        return DecodedText(text)
    try:
        return decode_undeclared(_raw_bytes(text), hint)
    except UnicodeEncodeError:
        # Real non-ASCII characters next to surrogates: decode only the surrogate runs.
        return DecodedText(_SURROGATES.sub("\ufffd", text), replaced=True)


def _payload_bytes(payload: str, charset: str) -> bytes:
    """The bytes of an encoded-word's payload, which should be ASCII but often is not.

    Old Eudora and Outlook Express put raw 8-bit bytes inside encoded-words; they reach us as
    surrogate escapes and are bytes *of the word's charset*. Real non-ASCII characters only
    appear when a caller decoded the surrounding text first; they go back to bytes in the word's
    charset when it can hold them, else in UTF-8.
    """
    if payload.isascii():
        return payload.encode("ascii")
    out = bytearray()
    for char in payload:
        if char.isascii() or "\udc80" <= char <= "\udcff":
            out += char.encode("ascii", "surrogateescape")
            continue
        try:
            out += char.encode(codecs_for(charset)[0])
        except (IndexError, LookupError, UnicodeError, ValueError):
            out += char.encode("utf-8")
    return bytes(out)


def _escape_raw_q_bytes(match: re.Match[str]) -> str:
    """Write the raw 8-bit bytes inside a Q encoded-word as ``=XX`` escapes."""
    payload = match.group(3)
    if match.group(2) not in "qQ" or _SURROGATES.search(payload) is None:
        return match.group(0)
    escaped = _SURROGATES.sub(lambda raw: f"={ord(raw.group(0)) - 0xDC00:02X}", payload)
    return f"=?{match.group(1)}?{match.group(2)}?{escaped}?="


def _word_bytes(encoding: str, payload: str, charset: str) -> tuple[bytes, bool]:
    """Decode one encoded-word's payload to bytes; True when part of it was damage."""
    data = _payload_bytes(payload, charset)
    if encoding in "qQ":
        return binascii.a2b_qp(data, header=True), False
    damaged = _NOT_BASE64_TEXT.search(data) is not None
    data = _NOT_BASE64.sub(b"", data)
    data = data[: len(data) - 1] if len(data) % 4 == 1 else data  # a lone sextet carries no byte
    try:
        return binascii.a2b_base64(data + b"=" * (-len(data) % 4)), damaged
    except (binascii.Error, ValueError):
        return b"", True


def decode_text(value: str, hint: str | None, problems: list[str], what: str) -> str:
    """Decode an unstructured header value (or a display name, or a file name)."""
    return without_nul(_decode_text(value, hint, problems, what), problems, what)


def without_nul(text: str, problems: list[str], what: str) -> str:
    """NUL means nothing in mail text and PostgreSQL cannot store it: U+FFFD, noted."""
    if "\x00" not in text:
        return text
    problems.append(f"{what}: NUL characters replaced")
    return text.replace("\x00", "\ufffd")


def _decode_text(value: str, hint: str | None, problems: list[str], what: str) -> str:
    if "=?" not in value:
        decoded = _plain_text(value, hint)
        if decoded.replaced:
            problems.append(f"{what}: undecodable characters replaced")
        return decoded.text
    chunks: list[tuple[str | None, bytes | str]] = []  # (charset, bytes) or (None, text)
    pos = 0
    damaged = False
    for match in _ENCODED_WORD.finditer(value):
        between = value[pos : match.start()]
        previous_is_word = bool(chunks) and chunks[-1][0] is not None
        if between and not (previous_is_word and between.isspace()):
            chunks.append((None, between))
        charset = match.group(1).lower().split("*", 1)[0]
        data, word_damaged = _word_bytes(match.group(2), match.group(3), charset)
        damaged = damaged or word_damaged
        last = chunks[-1] if chunks else None
        if last is not None and last[0] == charset and isinstance(last[1], bytes):
            chunks[-1] = (charset, last[1] + data)
        else:
            chunks.append((charset, data))
        pos = match.end()
    if pos < len(value):
        chunks.append((None, value[pos:]))
    parts: list[str] = []
    replaced = False
    for charset, content in chunks:
        if isinstance(content, bytes):
            decoded = decode_declared(content, charset, hint)
        else:
            decoded = _plain_text(content, hint)
        replaced = replaced or decoded.replaced
        parts.append(decoded.text)
    if replaced:
        problems.append(f"{what}: undecodable characters replaced")
    if damaged:
        problems.append(f"{what}: damaged encoded-word, decoded as far as possible")
    return "".join(parts)


def _valid_address(address: str) -> str | None:
    address = address.strip()
    if _ADDRESS.match(address):
        return address
    # "John Doe j@x.example" without angle brackets: salvage a lone address-like token.
    tokens = _ADDRESS_TOKEN.findall(address)
    return tokens[0] if len(tokens) == 1 else None


def _protect_specials(match: re.Match[str]) -> str:
    """Escape address-list specials that senders leave unescaped inside Q encoded-words."""
    if match.group(2) not in "qQ":
        return match.group(0)
    escaped = _ADDRESS_SPECIALS.sub(lambda special: f"={ord(special.group(0)):02X}", match.group(3))
    return f"=?{match.group(1)}?{match.group(2)}?{escaped}?="


def parse_addresses(
    values: list[str], hint: str | None, problems: list[str], what: str
) -> tuple[MailAddress, ...]:
    """Parse every instance of one address header; duplicates within it are dropped."""
    found: dict[str, MailAddress] = {}
    for value in values:
        if _SURROGATES.search(value):
            # Raw bytes inside an encoded-word belong to the word's charset: keep them as bytes
            # before the rest of the field is decoded as undeclared text.
            if "=?" in value:
                value = _ENCODED_WORD.sub(_escape_raw_q_bytes, value)
            text = _plain_text(value, hint).text
        else:
            text = value
        if "=?" in text:
            text = _ENCODED_WORD.sub(_protect_specials, text)
        unreadable: list[str] = []
        for name, address in getaddresses([text]):
            valid = _valid_address(address)
            if valid is None:
                if address.strip() or name.strip():
                    unreadable.append(address.strip() or name.strip())
                continue
            key = valid.lower()
            if key not in found:
                display = decode_text(name, hint, problems, f"{what} display name").strip()
                found[key] = MailAddress(address=key, display_name=display)
        if unreadable:
            # Lists without commas ("a@x b@x") confuse getaddresses: fall back to the bare
            # address-shaped tokens of the field. Pieces without any "@" were never addresses.
            salvaged = [token.lower() for token in _ADDRESS_TOKEN.findall(text)]
            for key in salvaged:
                found.setdefault(key, MailAddress(address=key))
            lost = [item for item in unreadable if not salvaged or "@" not in item]
            if lost:
                shown = ", ".join(repr(item[:80]) for item in lost)
                problems.append(f"{what}: unreadable address {shown} skipped")
    return tuple(found.values())


def _clean_id(value: str) -> str:
    return _NOT_IN_IDS.sub("", value)


def parse_message_id(value: str | None) -> str | None:
    """The first message id in a Message-ID or In-Reply-To field, without brackets."""
    if value is None:
        return None
    if _SURROGATES.search(value):
        value = decode_undeclared(_raw_bytes(value)).text
    match = _MESSAGE_ID.search(value)
    if match is not None:
        cleaned = _clean_id(match.group(1))
    else:
        tokens = value.split()
        cleaned = _clean_id(tokens[0]).strip("<>") if tokens else ""
    return cleaned or None


def parse_references(value: str | None) -> tuple[str, ...]:
    """The message ids of a References field, oldest first, without duplicates."""
    if not value:
        return ()
    if _SURROGATES.search(value):
        value = decode_undeclared(_raw_bytes(value)).text
    ids = _MESSAGE_ID.findall(value) or value.replace(",", " ").split()
    cleaned = (_clean_id(item).strip("<>") for item in ids)
    return tuple(dict.fromkeys(item for item in cleaned if item))


def parse_date(value: str | None) -> datetime | None:
    """The Date field as an aware UTC datetime; None when absent or unreadable."""
    if not value or _SURROGATES.search(value):
        return None
    try:
        parsed = parsedate_to_datetime(value.strip())
        if parsed.tzinfo is None:  # "-0000": time in UTC, zone unknown (RFC 5322 3.3)
            return parsed.replace(tzinfo=UTC)
        return parsed.astimezone(UTC)
    except (ValueError, TypeError, OverflowError, IndexError):
        return None
