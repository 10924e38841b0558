"""Resource limits and rejection of non-messages: parse_message raises MessageRejected only."""

from __future__ import annotations

import hashlib
import json
import logging
import subprocess
import sys
import time

import pytest

from correspondent.domain.errors import MessageDeferred, MessageRejected
from correspondent.mail import parse as parse_module
from correspondent.mail.limits import Deadline
from correspondent.mail.parse import PARSER_FAULT_REASON, ParseLimits, parse_message

_HEAD = b"From: a@x.example\r\nSubject: limits\r\n"


def _nested(depth: int) -> bytes:
    """A message whose multiparts nest ``depth`` levels below the top."""
    out = [_HEAD + b"Content-Type: multipart/mixed; boundary=b0\r\n\r\n"]
    for level in range(1, depth + 1):
        out.append(
            b"--b%d\r\nContent-Type: multipart/mixed; boundary=b%d\r\n\r\n" % (level - 1, level)
        )
    out.append(b"--b%d\r\nContent-Type: text/plain\r\n\r\ndeep\r\n" % depth)
    out.extend(b"--b%d--\r\n" % level for level in reversed(range(depth + 1)))
    return b"".join(out)


def _wide(parts: int) -> bytes:
    body = b"".join(b"--w\r\nContent-Type: text/plain\r\n\r\npart %d\r\n" % i for i in range(parts))
    return _HEAD + b"Content-Type: multipart/mixed; boundary=w\r\n\r\n" + body + b"--w--\r\n"


def _rejection(raw: bytes, limits: ParseLimits | None = None) -> str:
    with pytest.raises(MessageRejected) as caught:
        parse_message(raw, limits)
    assert caught.value.reason
    return caught.value.reason


def test_default_limits_are_sensible() -> None:
    limits = ParseLimits()
    assert limits.max_depth == 20 and limits.max_parts == 500
    assert limits.max_header_bytes == 256 * 1024 and limits.max_addresses == 1_000
    assert limits.max_total_bytes == 160 * 1024 * 1024 and limits.time_budget_seconds == 10


def test_nesting_at_the_limit_parses_and_beyond_it_is_rejected() -> None:
    assert parse_message(_nested(19)).text_body == "deep"
    assert _rejection(_nested(25)) == "MIME nesting deeper than 20 levels"
    assert _rejection(_nested(4), ParseLimits(max_depth=3)) == "MIME nesting deeper than 3 levels"


def test_pathological_nesting_never_reaches_the_recursive_parser() -> None:
    started = time.process_time()  # processor time: the cost, not the machine's load
    assert "MIME parts" in _rejection(_nested(5000))
    assert time.process_time() - started < 2


def test_too_many_parts() -> None:
    assert len(parse_message(_wide(50)).text_body.splitlines()) == 50
    assert _rejection(_wide(60), ParseLimits(max_parts=50)) == "more than 50 MIME parts"


def test_huge_header_block() -> None:
    header = b"X-Filler: " + b"a" * 300_000 + b"\r\n"
    assert _rejection(_HEAD + header + b"\r\nbody") == "header block larger than 256 KiB"
    small = ParseLimits(max_header_bytes=1024)
    assert parse_message(_HEAD + b"X-Small: 1\r\n\r\nbody", small).subject == "limits"


def test_huge_header_block_inside_a_part() -> None:
    part = (
        b"--p\r\nContent-Type: text/plain\r\nX-Filler: " + b"a" * 5000 + b"\r\n\r\nx\r\n--p--\r\n"
    )
    raw = _HEAD + b"Content-Type: multipart/mixed; boundary=p\r\n\r\n" + part
    reason = _rejection(raw, ParseLimits(max_header_bytes=4096))
    assert reason == "a MIME part's header block is larger than 4 KiB"


def test_too_many_addresses() -> None:
    to = b", ".join(b"user%d@x.example" % i for i in range(1_200))
    assert _rejection(_HEAD + b"To: " + to + b"\r\n\r\nbody") == "more than 1000 addresses (1201)"
    few = b", ".join(b"user%d@x.example" % i for i in range(900))
    assert len(parse_message(_HEAD + b"To: " + few + b"\r\n\r\nbody").to) == 900


def test_total_size() -> None:
    raw = _HEAD + b"\r\n" + b"x" * 2048
    assert _rejection(raw, ParseLimits(max_total_bytes=1024)) == "message larger than 1 KiB"


def test_processor_time_budget_is_checked_between_stages() -> None:
    reason = _rejection(_wide(3), ParseLimits(time_budget_seconds=0))
    assert reason.startswith("message needs more than 0 s of processor time to parse")


def test_time_spent_off_the_processor_does_not_count() -> None:
    # A thread that waits (for the cores other processes hold, here for a sleep) uses no
    # processor time; only elapsed time passes.
    deadline = Deadline(ParseLimits(time_budget_seconds=0.05))
    time.sleep(0.2)
    deadline.check("waiting")


def test_running_out_of_elapsed_time_defers_instead_of_rejecting() -> None:
    with pytest.raises(MessageDeferred) as caught:
        parse_message(_wide(3), ParseLimits(elapsed_limit_seconds=0))
    assert "too busy" in caught.value.reason and "tried again" in caught.value.reason


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        (b"", "the message is empty"),
        (b"\r\n\r\n  \n", "the message is empty"),
        (bytes(range(256)) * 4, "not an email message: no RFC 5322 or MIME header fields"),
        (
            b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR",
            "not an email message: no RFC 5322 or MIME header fields",
        ),
        (
            b"just some text\nwithout headers\n",
            "not an email message: no RFC 5322 or MIME header fields",
        ),
        (b"X-Only: private\r\n\r\nbody", "not an email message: no RFC 5322 or MIME header fields"),
    ],
)
def test_non_messages_are_rejected(raw: bytes, reason: str) -> None:
    assert _rejection(raw) == reason


def test_slightly_broken_message_still_parses() -> None:
    raw = (
        b"From: a@x.example\nSubject: no CRs, bad date\nDate: someday\n"
        b"Content-Type: multipart/mixed; boundary=never-closed\n\n"
        b"--never-closed\nContent-Type: text/plain\n\nunterminated body"
    )
    parsed = parse_message(raw)
    assert parsed.text_body == "unterminated body"
    assert parsed.sent_at is None


def test_an_unexpected_error_becomes_a_reason_the_user_can_act_on_and_a_logged_traceback(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    def broken(raw: bytes) -> None:
        raise KeyError("secret-from-the-message")

    monkeypatch.setattr(parse_module, "message_tree", broken)
    raw = _HEAD + b"\r\nbody"
    digest = hashlib.sha256(raw).hexdigest()
    with caplog.at_level(logging.ERROR, logger="correspondent.mail.parse"):
        reason = _rejection(raw)
    assert reason == PARSER_FAULT_REASON.format(digest=digest[:12])
    assert "report it to your administrator" in reason
    assert "KeyError" not in reason and "secret" not in reason
    (record,) = [r for r in caplog.records if r.name == "correspondent.mail.parse"]
    assert digest in record.getMessage()
    assert record.exc_info is not None and record.exc_info[0] is KeyError


_MEMORY_PROBE = """
import base64, json, os, time
from correspondent.mail.parse import parse_message

def peak():
    # VmHWM, not ru_maxrss: Linux carries ru_maxrss across exec, so a child of a large pytest
    # worker would start with the worker's peak. VmHWM belongs to this address space only.
    with open("/proc/self/status") as status:
        line = next(line for line in status if line.startswith("VmHWM:"))
    return int(line.split()[1]) / 1024  # kB

line = base64.b64encode(os.urandom(57)) + b"\\r\\n"  # one full 76-character line
lines = 50 * 1024 * 1024 // 57
raw = b"".join([
    b"From: a@x.example\\r\\nContent-Type: multipart/mixed; boundary=big\\r\\n\\r\\n",
    b"--big\\r\\nContent-Type: text/plain\\r\\n\\r\\nsee attachment\\r\\n",
    b"--big\\r\\nContent-Type: application/octet-stream; name=big.bin\\r\\n",
    b"Content-Transfer-Encoding: base64\\r\\n\\r\\n", line * lines, b"--big--\\r\\n",
])
before = peak()
started = time.process_time()  # the parse's own cost, however busy the machine is
parsed = parse_message(raw)
print(json.dumps({
    "input_mib": len(raw) / 2**20, "before": before, "after": peak(),
    "seconds": time.process_time() - started, "size": len(parsed.attachments[0].content),
    "expected": lines * 57, "body": parsed.text_body,
}))
"""


def test_fifty_megabyte_attachment_parses_within_memory_bounds() -> None:
    # A fresh interpreter: the peak is a lifetime one, other tests must not blur it.
    result = subprocess.run(
        [sys.executable, "-c", _MEMORY_PROBE], capture_output=True, text=True, check=True
    )
    probe = json.loads(result.stdout)
    assert probe["size"] == probe["expected"]
    assert probe["body"] == "see attachment"
    # Input ~70 MiB; the stdlib BytesParser.parsebytes alone peaks ~400 MiB above it.
    assert probe["after"] - probe["before"] < 200, probe
    assert probe["after"] < 400, probe
    assert probe["seconds"] < 10, probe
