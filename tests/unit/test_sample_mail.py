"""The sample mail generator: deterministic, well-formed, and the mix the benchmark relies on."""

from __future__ import annotations

import email
import re
import time
from datetime import UTC, datetime, timedelta
from email import policy
from email.headerregistry import AddressHeader
from email.message import EmailMessage, Message
from email.parser import BytesHeaderParser
from email.utils import parsedate_to_datetime

import pytest

from correspondent.demo.sample_mail import SampleMessage, generate_messages
from correspondent.domain.errors import InvalidInput
from correspondent.mail.sniff import detect_executable_kind

NOW = datetime(2026, 3, 1, tzinfo=UTC)
JAPANESE = re.compile(r"[\u3040-\u30ff\u4e00-\u9fff]")


@pytest.fixture(scope="module")
def sample() -> list[SampleMessage]:
    return list(generate_messages(2000, seed=7, now=NOW))


def _parse(raw: bytes) -> EmailMessage:
    return email.message_from_bytes(raw, policy=policy.default)


def _headers(raw: bytes) -> Message:
    return BytesHeaderParser(policy=policy.default).parsebytes(raw)


def test_same_arguments_give_the_same_bytes() -> None:
    first = [m.raw for m in generate_messages(150, seed=3, now=NOW)]
    again = [m.raw for m in generate_messages(150, seed=3, now=NOW)]
    other = [m.raw for m in generate_messages(150, seed=4, now=NOW)]
    assert first == again
    assert first != other


def test_mix_proportions(sample: list[SampleMessage]) -> None:
    n = len(sample)
    html = sum(b"Content-Type: multipart/alternative" in m.raw for m in sample) / n
    attachments = sum(b"Content-Disposition: attachment" in m.raw for m in sample) / n
    replies = sum(_headers(m.raw)["In-Reply-To"] is not None for m in sample) / n
    japanese = sum(m.is_japanese for m in sample) / n
    assert html == pytest.approx(0.60, abs=0.05)
    assert attachments == pytest.approx(0.20, abs=0.03)
    assert replies == pytest.approx(1 / 3, abs=0.04)
    assert japanese == pytest.approx(0.05, abs=0.02)
    # The flags describe the bytes.
    for m in sample:
        assert m.is_html == (b"multipart/alternative" in m.raw)
        assert bool(m.attachment_names) == (b"Content-Disposition: attachment" in m.raw)


@pytest.mark.parametrize("target", [30_000, 12_000])
def test_average_size_is_near_the_target(target: int) -> None:
    sizes = [len(m.raw) for m in generate_messages(2000, seed=1, now=NOW, average_size=target)]
    assert sum(sizes) / len(sizes) == pytest.approx(target, rel=0.25)


def test_message_ids_are_unique(sample: list[SampleMessage]) -> None:
    ids = [m.message_id for m in sample]
    assert len(set(ids)) == len(ids)
    for m in sample[:50]:
        assert _headers(m.raw)["Message-ID"] == f"<{m.message_id}>"


def test_replies_point_at_earlier_messages(sample: list[SampleMessage]) -> None:
    seen: dict[str, SampleMessage] = {}
    replies = 0
    for m in sample:
        headers = _headers(m.raw)
        if m.in_reply_to is not None:
            replies += 1
            parent = seen[m.in_reply_to]  # KeyError if it is not an earlier message
            assert headers["In-Reply-To"] == f"<{m.in_reply_to}>"
            references = re.findall(r"<([^>]+)>", str(headers["References"]))
            assert references[-1] == m.in_reply_to
            assert all(ref in seen for ref in references)
            assert str(headers["Subject"]).startswith(("Re: ", "返信: "))
            assert m.sent_at > parent.sent_at
        seen[m.message_id] = m
    assert replies > 500


def test_dates_fall_in_the_last_180_days_in_order(sample: list[SampleMessage]) -> None:
    assert all(NOW - timedelta(days=180) <= m.sent_at <= NOW for m in sample)
    assert [m.sent_at for m in sample] == sorted(m.sent_at for m in sample)
    parsed = parsedate_to_datetime(str(_headers(sample[10].raw)["Date"]))
    assert parsed == sample[10].sent_at.replace(microsecond=0)


def test_japanese_messages_decode_to_japanese(sample: list[SampleMessage]) -> None:
    japanese = [m for m in sample if m.is_japanese]
    assert japanese
    charsets = set()
    for m in japanese:
        message = _parse(m.raw)
        assert JAPANESE.search(str(message["Subject"]))
        body = message.get_body(("plain",))
        assert body is not None
        charsets.add(body.get_content_charset())
        assert "お世話になっております" in body.get_content()
        for attachment in message.iter_attachments():
            assert JAPANESE.search(attachment.get_filename() or "")
    assert {"iso-2022-jp", "utf-8"} <= charsets
    assert any(b"=?iso-2022-jp?" in m.raw for m in japanese)


def test_messages_are_well_formed(sample: list[SampleMessage]) -> None:
    for m in sample[:250]:
        head, _, _ = m.raw.partition(b"\r\n\r\n")
        assert head.isascii()
        assert b"\n" not in m.raw.replace(b"\r\n", b"")  # CRLF only, no bare LF
        assert max(len(line) for line in m.raw.split(b"\r\n")) <= 998
        message = _parse(m.raw)
        for part in message.walk():
            assert not part.defects, (m.message_id, part.defects)
            if not part.is_multipart():
                part.get_content()
        names = tuple(a.get_filename() for a in message.iter_attachments())
        assert names == m.attachment_names


def test_attachments_look_like_their_type_and_pass_the_sniffer(
    sample: list[SampleMessage],
) -> None:
    magics = {"pdf": b"%PDF-", "png": b"\x89PNG", "csv": b"date,", "docx": b"PK\x03\x04"}
    checked = 0
    for m in (m for m in sample if m.attachment_names):
        for attachment in _parse(m.raw).iter_attachments():
            data = attachment.get_payload(decode=True)
            assert isinstance(data, bytes)
            extension = (attachment.get_filename() or "").rsplit(".", 1)[-1]
            assert data.startswith(magics[extension])
            assert detect_executable_kind(data[:4096]) is None
            checked += 1
        if checked > 60:
            break
    assert checked > 60


def test_given_people_are_used() -> None:
    people = [("Ann Lee", "ann@corp.test"), ("Bo Ek", "bo@corp.test"), ("Cy Day", "cy@client.test")]
    addresses = {address for _, address in people}
    for m in generate_messages(100, seed=2, people=people, internal_domain="corp.test", now=NOW):
        headers = _headers(m.raw)
        for field in ("From", "To"):
            header = headers[field]
            assert isinstance(header, AddressHeader)
            assert header.addresses[0].addr_spec in addresses


def test_no_people_is_refused() -> None:
    with pytest.raises(InvalidInput):
        next(generate_messages(1, people=[]))


def test_fast_enough_for_the_benchmark() -> None:
    start = time.process_time()  # processor time: a busy machine must not fail this
    for _ in generate_messages(2000, seed=5, now=NOW):
        pass
    assert time.process_time() - start < 3.0  # about 0.5 s; 10,000 take a few seconds
