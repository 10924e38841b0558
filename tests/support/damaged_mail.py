"""Hypothesis strategies for damaged real-world mail, and the rule every such message must obey.

The messages mix, in every header field the tracker reads, what real mailers get wrong: raw 8-bit
bytes, malformed RFC 2047 encoded-words, broken and unknown charsets, bare CR and bare LF, NUL
bytes and overlong lines; bodies are single parts or multiparts whose part headers carry the same
damage in their parameters (charsets, names, RFC 2231 file names).

Every generated message starts with a field the parser recognises, so it *is* mail: it must
become an activity, or a quarantine item because it breaks a resource limit (``LimitExceeded``).
"""

from __future__ import annotations

import base64
import quopri

from hypothesis import strategies as st

from correspondent.domain.errors import MessageRejected
from correspondent.mail.limits import LimitExceeded
from correspondent.mail.message import ParsedMessage

ADDRESS_FIELDS = ("From", "To", "Cc", "Bcc", "Reply-To", "Sender")
TRACKED_FIELDS = (
    *ADDRESS_FIELDS,
    "Subject",
    "Date",
    "Message-ID",
    "In-Reply-To",
    "References",
    "Content-Type",
    "Content-Disposition",
    "Content-Transfer-Encoding",
    "Content-ID",
)
PART_FIELDS = ("Content-Type", "Content-Disposition", "Content-Transfer-Encoding", "Content-ID")

_CHARSETS = st.sampled_from(
    [
        b"utf-8",
        b"UTF-8",
        b"iso-8859-1",
        b"windows-1252",
        b"us-ascii",
        b"iso-2022-jp",
        b"shift_jis",
        b"euc-kr",
        b"gb2312",
        b"big5",
        b"koi8-r",
        b"utf-16",
        b"utf-7",
        b"x-unknown",
        b"unknown-8bit",
        b"bogus",
        b"zlib",
        b"base64",
        b"rot13",
        b"idna",
        b"utf-8*en",
        b"",
        b"\xff\xfe",
        b"iso-8859-1\x00",
    ]
)
_TEXT = st.text(
    st.characters(codec="utf-8", exclude_categories=("Cs",)),  # no lone surrogates
    max_size=20,
)


def _encoded(text: str, charset: bytes, kind: str) -> bytes:
    """``text`` in ``charset`` (UTF-8 when it cannot hold it), B or Q encoded."""
    try:
        data = text.encode(charset.decode("ascii").split("*")[0])
    except (LookupError, UnicodeError, ValueError, TypeError):
        data = text.encode("utf-8")
    if kind in "bB":
        return base64.b64encode(data)
    return quopri.encodestring(data, header=True).replace(b"=\n", b"")


@st.composite
def encoded_words(draw: st.DrawFn) -> bytes:
    """Well-formed, malformed and lying RFC 2047 encoded-words."""
    charset = draw(_CHARSETS)
    kind = draw(st.sampled_from(["B", "Q", "b", "q", "X", ""]))
    payload = draw(
        st.one_of(
            st.builds(lambda t: _encoded(t, charset, kind), _TEXT),  # what was meant
            st.binary(max_size=16),  # raw 8-bit bytes where escapes belong
            st.text("ABCabc0123+/=_?%", max_size=16).map(str.encode),  # broken escapes
            st.builds(  # Eudora: the escapes written as the 8-bit bytes themselves
                lambda t: t.encode("latin-1", "replace"), st.text(max_size=12)
            ),
        )
    )
    close = draw(st.sampled_from([b"?=", b"?=", b"?=", b"", b"?", b"="]))
    return b"=?" + charset + b"?" + kind.encode() + b"?" + payload + close


_WELL_FORMED = st.sampled_from(
    [
        b"a@x.example",
        b"<b@x.example>",
        b"Name <n@x.example>",
        b'"Last, First" <lf@x.example>',
        b"Group: g1@x.example, g2@x.example;",
        b"undisclosed-recipients:;",
        b"j\xc3\xbcrgen@x.example",
        b"<id-1@x.example>",
        b"<id-2@x.example> <id-3@x.example>",
        b"Mon, 1 Jan 2024 00:00:00 +0000",
        b"Thu, 31 Feb 2024 25:61:61 +9999",
        b"multipart/mixed; boundary=zz",
        b"text/plain; charset=shift_jis",
        b'text/html; charset="utf-8"',
        b"base64",
        b"quoted-printable",
        b"8bit",
        b"x-uuencode",
        b"binary",
        b"attachment; filename=a.pdf",
        b"attachment; filename*=utf-8''%E6%97%A5.txt",
        b"attachment; filename*0*=utf-8''%E6%97; filename*1*=%A5.txt",
        b"inline; filename*=iso-8859-1'de'%FC.txt",
        b'image/png; name="=?utf-8?B?5pel?="',
        b"message/rfc822",
    ]
)
_DAMAGE = st.sampled_from(
    [
        b"\x00",
        b"\r",
        b"\n",
        b"\r\n",
        b"\r\n ",
        b"\n\t",
        b"\t",
        b"\x0c",
        b"\x1b$B",
        b"\x1b(B",
        b"\xef\xbb\xbf",
        b'"',
        b"<",
        b">",
        b",",
        b";",
        b":",
        b"(",
        b")",
        b"\\",
        b"=?",
        b"?=",
        b"%",
        b"'",
        b"*",
    ]
)
_FRAGMENT = st.one_of(
    st.text("abcXYZ019 .-_@", max_size=12).map(str.encode),
    _WELL_FORMED,
    st.binary(min_size=1, max_size=12).map(lambda raw: bytes(b | 0x80 for b in raw)),
    _TEXT.map(str.encode),
    encoded_words(),
    _DAMAGE,
    st.integers(990, 6000).map(lambda n: b"x" * n),  # an overlong line without a fold
)
header_values = st.lists(_FRAGMENT, max_size=10).map(b"".join)


def _case(name: str, shape: int) -> bytes:
    return (name, name.lower(), name.upper())[shape].encode()


@st.composite
def _fields(draw: st.DrawFn, names: tuple[str, ...], min_size: int) -> list[bytes]:
    count = draw(st.integers(min_size, 8))
    return [
        _case(draw(st.sampled_from(names)), draw(st.integers(0, 2)))
        + draw(st.sampled_from([b": ", b":", b" : ", b":\t"]))
        + draw(header_values)
        for _ in range(count)
    ]


@st.composite
def _parameter_values(draw: st.DrawFn) -> bytes:
    """A damaged charset, name or file name inside a Content-Type/-Disposition parameter."""
    value = draw(header_values)
    shape = draw(st.integers(0, 4))
    if shape == 0:
        return b'"' + value + b'"'
    if shape == 1:
        return draw(_CHARSETS) + b"''" + value  # RFC 2231 extended value
    return value


@st.composite
def _part(draw: st.DrawFn, newline: bytes) -> bytes:
    fields = draw(_fields(PART_FIELDS, 0))
    parameters = [
        b"Content-Type: "
        + draw(st.sampled_from([b"text/plain", b"text/html", b"application/pdf", b"image/png"]))
        + b"; charset="
        + draw(_parameter_values())
        + b"; name="
        + draw(_parameter_values()),
        b"Content-Disposition: "
        + draw(st.sampled_from([b"attachment", b"inline", b"\xff"]))
        + draw(st.sampled_from([b"; filename=", b"; filename*=", b"; filename*0*="]))
        + draw(_parameter_values()),
    ]
    head = fields + draw(st.lists(st.sampled_from(parameters), max_size=2))
    return newline.join(head) + newline + newline + draw(st.binary(max_size=120))


@st.composite
def damaged_messages(draw: st.DrawFn) -> bytes:
    """A message that is mail (it starts with a recognised field) and damaged everywhere."""
    newline = draw(st.sampled_from([b"\r\n", b"\n"]))
    first = draw(st.sampled_from(TRACKED_FIELDS)).encode() + b": " + draw(header_values)
    head = [first, *draw(_fields(TRACKED_FIELDS, 0))]
    if draw(st.booleans()):
        parts = draw(st.lists(_part(newline), max_size=4))
        head.append(b"Content-Type: multipart/mixed; boundary=zz")
        body = b"".join(b"--zz" + newline + part + newline for part in parts) + b"--zz--"
    else:
        body = draw(st.binary(max_size=300))
    return newline.join(head) + newline + newline + body + newline


def texts_of(parsed: ParsedMessage) -> list[str]:
    """Every piece of text tracking stores from a parsed message."""
    addresses = (*parsed.from_, *parsed.to, *parsed.cc, *parsed.bcc)
    return [
        parsed.subject,
        parsed.text_body,
        parsed.html_body or "",
        parsed.message_id or "",
        parsed.in_reply_to or "",
        *parsed.references,
        *(a.address for a in addresses),
        *(a.display_name for a in addresses),
        *(a.filename for a in parsed.attachments),
        *(a.content_type for a in parsed.attachments),
        *(a.content_id or "" for a in parsed.attachments),
        *parsed.decode_problems,
    ]


def assert_limit_rejection(rejection: MessageRejected) -> None:
    """Mail may only be quarantined for breaking a limit, never for tripping up the parser."""
    assert isinstance(rejection, LimitExceeded), rejection.reason
    assert rejection.reason.strip()
