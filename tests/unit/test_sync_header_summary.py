"""The sync's first look at a message reads damaged header fields instead of failing the batch."""

from __future__ import annotations

from correspondent.mail.imap_responses import MessageHeaders
from correspondent.sync.facts import summarise


def _headers(block: bytes) -> MessageHeaders:
    return MessageHeaders(
        uid=7,
        flags=frozenset(),
        keywords=frozenset(),
        internal_date=None,
        size=len(block),
        modseq=None,
        header_bytes=block,
    )


def test_raw_8bit_bytes_in_the_id_fields_and_from_are_read() -> None:
    # Old clients wrote raw Latin-1 into these fields; the stdlib's compat32 turns such a field
    # into a Header object, which the id parsers could not read (TypeError for the whole batch).
    summary = summarise(
        _headers(
            b"From: =?iso-8859-1?Q?J\xfcrgen?= <juergen@example.com>\r\n"
            b"Message-ID: <j\xfc@example.com>\r\n"
            b"In-Reply-To: <parent\xe9@example.com>\r\n"
            b"References: <root@example.com> <parent\xe9@example.com>\r\n"
            b"\r\n"
        )
    )
    assert summary.uid == 7
    assert summary.sender == "juergen@example.com"
    assert summary.message_id is not None and summary.message_id.endswith("@example.com")
    assert "root@example.com" in summary.answers
    assert len(summary.answers) == 3


def test_plain_fields_are_read_as_before() -> None:
    summary = summarise(
        _headers(
            b"From: Ann <ann@example.com>\r\nMessage-ID: <m1@example.com>\r\n"
            b"In-Reply-To: <m0@example.com>\r\n\r\n"
        )
    )
    assert summary.sender == "ann@example.com"
    assert summary.message_id == "m1@example.com"
    assert summary.answers == ("m0@example.com",)
