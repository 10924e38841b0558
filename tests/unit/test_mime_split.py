"""The fast MIME path builds exactly the feed parser's tree, or declines.

Compared on every file of the shared corpus, on the generated sample mail (which must all take
the fast path), and on generated structures with the edge cases of boundaries and line ends.
"""

from __future__ import annotations

from email.message import Message
from email.policy import Policy
from typing import Any
from unittest import mock

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import correspondent.mail.parse as parse_module
from correspondent.demo.sample_mail import generate_messages
from correspondent.mail.mime_split import split_message
from correspondent.mail.parse import message_tree, parse_message
from tests.support.corpus import FILES, require_corpus


def signature(message: Message) -> Any:
    """Everything the tree holds, recursively (the defects list aside: nothing reads it)."""
    state = {k: v for k, v in vars(message).items() if k not in ("defects", "policy", "_payload")}
    payload = vars(message)["_payload"]
    if isinstance(payload, list):
        payload = [signature(part) for part in payload]
    return type(message).__name__, state, payload


def fast_and_slow(raw: bytes) -> tuple[Any, Any]:
    slow = signature(message_tree(raw, fast_path=False))
    fast = signature(message_tree(raw, fast_path=True))
    return fast, slow


def test_every_corpus_file_gets_the_feed_parsers_tree() -> None:
    require_corpus()
    fast_count = 0
    for path in FILES:
        raw = path.read_bytes()
        try:
            slow = message_tree(raw, fast_path=False)
        except RecursionError:
            continue  # the limits reject such a message before the tree is read
        fast = message_tree(raw, fast_path=True)
        assert signature(fast) == signature(slow), path
        fast_count += _took_fast_path(raw)
    # The comparison means something only if the fast path really ran on much of the corpus.
    assert fast_count > len(FILES) // 3, (fast_count, len(FILES))


def _took_fast_path(raw: bytes) -> bool:
    trees: list[Message | None] = []

    def spy(text: str, policy: Policy) -> Message | None:
        trees.append(split_message(text, policy))
        return trees[-1]

    with mock.patch.object(parse_module, "split_message", spy):
        message_tree(raw)
    return len(trees) == 1 and trees[0] is not None


def test_every_corpus_file_parses_to_the_same_message_either_way(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    require_corpus()
    for path in FILES:
        raw = path.read_bytes()
        fast = _outcome(raw)
        monkeypatch.setattr(parse_module, "_FAST_PATH_MAX_BYTES", -1)
        slow = _outcome(raw)
        monkeypatch.undo()
        assert fast == slow, path


def _outcome(raw: bytes) -> object:
    try:
        return parse_message(raw)
    except Exception as error:  # the rejection, compared by type and reason
        return type(error).__name__, str(error)


def test_generated_sample_mail_all_takes_the_fast_path() -> None:
    for sample in generate_messages(200, seed=3):
        assert _took_fast_path(sample.raw)
        fast, slow = fast_and_slow(sample.raw)
        assert fast == slow


EOL = st.sampled_from(["\n", "\r\n"])
TEXT_LINE = st.text(alphabet="abc -=:\t", max_size=12)


@st.composite
def part_text(draw: st.DrawFn, depth: int = 0) -> str:
    eol = draw(EOL)
    headers = []
    multipart = depth < 2 and draw(st.booleans())
    boundary = draw(st.sampled_from(["b", "b-1", "=_x", "b.b"])) + str(depth)
    if multipart:
        headers.append(f'Content-Type: multipart/mixed; boundary="{boundary}"')
    elif draw(st.booleans()):
        headers.append("Content-Type: text/plain; charset=utf-8")
    if draw(st.booleans()):
        headers.append("X-Folded: one" + eol + "\t two")
    head = eol.join(headers) + (eol if headers else "")
    if not multipart:
        body = eol.join(draw(st.lists(TEXT_LINE, max_size=4)))
        return head + eol + body + draw(st.sampled_from(["", eol, eol + eol]))
    pieces = [head, eol]
    pieces.extend(line + eol for line in draw(st.lists(TEXT_LINE, max_size=2)))  # preamble
    for _ in range(draw(st.integers(1, 3))):
        blanks = draw(st.sampled_from(["", " ", "\t "]))
        pieces.append(f"--{boundary}{blanks}{eol}")
        pieces.append(draw(part_text(depth + 1)))
        pieces.append(draw(st.sampled_from(["", eol])))
    closing = draw(st.sampled_from([f"--{boundary}--", f"--{boundary}-- ", f"--{boundary}"]))
    pieces.append(closing + draw(st.sampled_from(["", eol])))
    pieces.extend(draw(st.lists(st.sampled_from(["epilogue", "", f"--{boundary}"]), max_size=2)))
    return "".join(pieces)


@settings(max_examples=300, deadline=None)
@given(body=part_text())
def test_generated_structures_get_the_feed_parsers_tree(body: str) -> None:
    raw = ("From: a@x.example\r\nSubject: s\r\n" + body).encode()
    fast, slow = fast_and_slow(raw)
    assert fast == slow
