"""Property tests: whatever the bytes, parse_message returns a ParsedMessage or rejects them."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from correspondent.domain.errors import MessageRejected
from correspondent.mail.message import ParsedMessage
from correspondent.mail.parse import PARSER_FAULT_REASON, parse_message
from tests.support.damaged_mail import assert_limit_rejection, damaged_messages, texts_of

_FIELD_NAMES = st.sampled_from(
    [
        "From",
        "To",
        "Cc",
        "Bcc",
        "Subject",
        "Date",
        "Message-ID",
        "In-Reply-To",
        "References",
        "Content-Type",
        "Content-Transfer-Encoding",
        "Content-Disposition",
        "X-Custom",
    ]
)
_CHARSETS = st.sampled_from(
    [
        "utf-8",
        "iso-2022-jp",
        "shift_jis",
        "euc-jp",
        "gb2312",
        "windows-1252",
        "us-ascii",
        "bogus",
        "utf-16",
        "zlib",
        "",
    ]
)
_HEADER_TEXT = st.one_of(
    st.binary(max_size=80).map(lambda raw: raw.replace(b"\r", b"").replace(b"\n", b" ")),
    st.builds(
        lambda charset, kind, text: f"=?{charset}?{kind}?{text}?=".encode(),
        _CHARSETS,
        st.sampled_from(["B", "Q", "b", "x"]),
        st.text(alphabet="ABCabc0123+/=_?%", max_size=24),
    ),
    st.sampled_from(
        [
            b"a@x.example",
            b"Group: a@x, b@y;",
            b"<id@x>",
            b"Mon, 1 Jan 2024 00:00:00 +0000",
            b"multipart/mixed; boundary=zz",
            b"text/plain; charset=shift_jis",
            b"base64",
            b"quoted-printable",
            b"attachment; filename*0*=utf-8''%E6%97; filename*1*=%A5.txt",
            b"message/rfc822",
            b"text/html",
            b'image/png; name="=?utf-8?B?5pel?="',
        ]
    ),
)
_HEADER = st.builds(lambda name, value: name.encode() + b": " + value, _FIELD_NAMES, _HEADER_TEXT)
_BODY = st.one_of(
    st.binary(max_size=300),
    st.lists(
        st.one_of(st.just(b"--zz"), st.just(b"--zz--"), _HEADER, st.binary(max_size=40)),
        max_size=12,
    ).map(b"\r\n".join),
)


def _outcome(raw: bytes) -> None:
    try:
        parsed = parse_message(raw)
    except MessageRejected as rejection:
        assert rejection.reason
        # The last-resort guard firing means a bug in our code, not a hostile message.
        assert rejection.reason.split(":")[0] != PARSER_FAULT_REASON.split(":")[0], rejection.reason
        return
    assert isinstance(parsed, ParsedMessage)
    texts = [parsed.subject, parsed.text_body, parsed.html_body or ""]
    texts += [a.display_name for a in (*parsed.from_, *parsed.to, *parsed.cc, *parsed.bcc)]
    texts += [a.filename for a in parsed.attachments]
    for text in texts:
        text.encode("utf-8")  # no surrogate escapes leak out of the parser


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=2000))
def test_arbitrary_bytes(raw: bytes) -> None:
    _outcome(raw)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(_HEADER, min_size=1, max_size=10),
    _BODY,
    st.sampled_from([b"\r\n", b"\n"]),
)
def test_generated_messages(headers: list[bytes], body: bytes, newline: bytes) -> None:
    _outcome(newline.join(headers) + newline + newline + body)


@settings(max_examples=1000, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(damaged_messages())
def test_damaged_mail_is_parsed_or_breaks_a_limit(raw: bytes) -> None:
    try:
        parsed = parse_message(raw)
    except MessageRejected as rejection:
        assert_limit_rejection(rejection)
        return
    for text in texts_of(parsed):
        text.encode("utf-8")  # no surrogate escapes leak out of the parser
