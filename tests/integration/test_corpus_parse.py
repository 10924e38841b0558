"""parse_message over every file of the shared real-world corpus (../shared/corpus).

Each file must either parse or be rejected with a readable reason; never crash. A few known
files are checked in detail. The corpus is data owned by other projects: it is read in place,
never copied into this repository.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from email import policy
from email.parser import BytesParser
from pathlib import Path

import pytest

from correspondent.domain.errors import MessageRejected
from correspondent.mail.message import ParsedMessage
from correspondent.mail.parse import PARSER_FAULT_REASON, parse_message
from tests.support.corpus import require_corpus

CORPUS = require_corpus()


FILES = sorted(path for path in CORPUS.rglob("*") if path.is_file())
MIKEL = CORPUS / "mikel-mail" / "spec" / "fixtures" / "emails"


def _parse(relative: Path) -> ParsedMessage:
    return parse_message(relative.read_bytes())


def _has_replacement(parsed: ParsedMessage) -> bool:
    names = [a.display_name for a in (*parsed.from_, *parsed.to, *parsed.cc)]
    return any("\ufffd" in text for text in [parsed.subject, parsed.text_body, *names])


@pytest.mark.parametrize("path", FILES, ids=lambda path: str(path.relative_to(CORPUS)))
def test_every_corpus_file_parses_or_is_rejected_with_a_reason(path: Path) -> None:
    try:
        parsed = parse_message(path.read_bytes())
    except MessageRejected as rejection:
        assert rejection.reason.strip()
        assert rejection.reason.split(":")[0] != PARSER_FAULT_REASON.split(":")[0], rejection.reason
        return
    assert isinstance(parsed, ParsedMessage)


def test_the_corpus_is_mostly_messages() -> None:
    parsed = 0
    for path in FILES:
        try:
            parse_message(path.read_bytes())
            parsed += 1
        except MessageRejected:
            pass
    assert parsed >= 250, f"only {parsed} of {len(FILES)} corpus files parsed"


def test_japanese_utf8_subject_name_and_body() -> None:
    parsed = _parse(MIKEL / "multi_charset" / "japanese.eml")
    assert parsed.subject == "まみむめも"
    assert parsed.to[0].display_name == "みける"
    assert parsed.text_body.startswith("かきくえこ")
    assert not _has_replacement(parsed)


def test_japanese_iso_2022_jp_body() -> None:
    parsed = _parse(MIKEL / "multi_charset" / "japanese_iso_2022.eml")
    assert parsed.subject == "まみむめも"
    assert parsed.text_body.strip() == "すみません。"


def test_japanese_shift_jis_body() -> None:
    parsed = _parse(MIKEL / "multi_charset" / "japanese_shift_jis.eml")
    assert "このメールはテスト用のメールです。" in parsed.text_body
    assert not _has_replacement(parsed)
    assert parsed.decode_problems == ()


def test_japanese_attachment_names() -> None:
    short = _parse(MIKEL / "multi_charset" / "japanese_attachment.eml")
    assert [a.filename for a in short.attachments] == ["てすと.txt"]
    long = _parse(MIKEL / "multi_charset" / "japanese_attachment_long_name.eml")
    assert long.subject == "まみむめも" * 10
    assert [a.filename for a in long.attachments] == ["かきくけこ" * 5 + ".txt"]


def test_korean_ks_c_5601_body() -> None:
    parsed = _parse(MIKEL / "multi_charset" / "ks_c_5601-1987.eml")
    assert parsed.text_body.strip() == "스티해"


def test_obsolete_syntax_example_parses() -> None:
    parsed = _parse(CORPUS / "james-mime4j/core/src/test/resources/testmsgs/obsolete.msg")
    assert parsed.subject.startswith("The obsolete syntax allow spaces before the colon")


def test_endless_enclosure_is_rejected_as_too_many_parts() -> None:
    with pytest.raises(MessageRejected, match="MIME parts"):
        _parse(CORPUS / "flanker/tests/fixtures/messages/enclosed-endless.eml")


def test_raw_utf8_attachment_name_cut_mid_character() -> None:
    parsed = _parse(CORPUS / "flanker/tests/fixtures/messages/russian-attachment-yahoo.eml")
    (attachment,) = parsed.attachments
    assert attachment.filename.startswith("Картинка с очень, очень длинным")
    assert attachment.filename.endswith("\ufffd")
    assert any("filename" in problem for problem in parsed.decode_problems)


def test_multipart_digest_children_are_forwarded_messages() -> None:
    parsed = _parse(CORPUS / "flanker/tests/fixtures/messages/torture.eml")
    assert parsed.subject == "Multi-media mail demonstration"
    names = [a.filename for a in parsed.attachments if a.content_type == "message/rfc822"]
    assert "Re: a MIME-Version misfeature.eml" in names


def _best_of_three(parse: Callable[[bytes], object], messages: list[bytes]) -> float:
    timings = []
    for _ in range(3):
        started = time.perf_counter()
        for raw in messages:
            parse(raw)
        timings.append(time.perf_counter() - started)
    return min(timings)


def test_throughput_is_within_three_times_a_bare_stdlib_parse() -> None:
    messages = []
    for path in FILES:
        raw = path.read_bytes()
        try:
            parse_message(raw)
        except MessageRejected:
            continue
        messages.append(raw)
    bare = _best_of_three(BytesParser(policy=policy.default).parsebytes, messages)
    ours = _best_of_three(parse_message, messages)
    assert ours <= 3 * bare, f"parse_message {ours:.3f} s vs bare BytesParser {bare:.3f} s"
