"""Resource limits that keep a hostile message from exhausting the tracker.

Anything beyond a limit is the message's fault: ``MessageRejected`` with a reason the user can
read, so the message goes to quarantine and the mailbox keeps syncing. The cheap checks run on
the raw bytes *before* the stdlib parser sees them, because the parser itself is the expensive
part: it recurses once per nesting level (deep nesting ends in ``RecursionError``) and compares
every line with every open boundary.

The time budget judges the message, not the machine: it counts the processor time of the parsing
thread (``time.thread_time``), which other processes competing for the cores do not consume.
Elapsed time is only a far backstop, and running into it is not the message's fault: parsing is
*deferred* (``MessageDeferred``, tried again later), never quarantined.
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass
from email.message import Message

from correspondent.domain.errors import MessageDeferred, MessageRejected

_KIB = 1024
_MIB = 1024 * _KIB
_HEADER_END = re.compile(rb"\r?\n\r?\n")
_BOUNDARY_PARAM = re.compile(rb"boundary\s*\*?\d*\*?\s*=", re.IGNORECASE)


class LimitExceeded(MessageRejected):
    """The message breaks one of the ``ParseLimits``; ``limit`` is the name of that field."""

    def __init__(self, reason: str, limit: str) -> None:
        super().__init__(reason)
        self.limit = limit


@dataclass(frozen=True)
class ParseLimits:
    """Upper bounds for one message; the defaults suit ordinary mail with big attachments."""

    max_total_bytes: int = 160 * _MIB
    max_header_bytes: int = 256 * _KIB
    max_depth: int = 20
    max_parts: int = 500
    max_addresses: int = 1_000
    time_budget_seconds: float = 10.0
    """Processor time of the parsing thread; a 50 MB message needs well under one second."""
    elapsed_limit_seconds: float = 600.0
    """Elapsed (wall-clock) time after which parsing is deferred: only a starved machine gets
    there with processor budget left."""


class Deadline:
    """The time budgets, checked between parsing stages (a stage itself is not interrupted)."""

    def __init__(self, limits: ParseLimits) -> None:
        self._limits = limits
        started = time.monotonic()
        self._cpu_ends_at = time.thread_time() + limits.time_budget_seconds
        self._check_from = started + min(limits.time_budget_seconds, limits.elapsed_limit_seconds)
        self._elapsed_ends_at = started + limits.elapsed_limit_seconds

    def check(self, stage: str) -> None:
        # A thread cannot have used more processor time than has passed: until a budget has
        # passed on the (cheap, vDSO) monotonic clock, neither can be exceeded, and the thread
        # clock, a system call that took 7 % of an initial sync, is not read.
        now = time.monotonic()
        if now < self._check_from:
            return
        if time.thread_time() > self._cpu_ends_at:
            raise LimitExceeded(
                f"message needs more than {self._limits.time_budget_seconds:g} s of processor "
                f"time to parse (stopped while {stage})",
                "time_budget_seconds",
            )
        if now > self._elapsed_ends_at:
            raise MessageDeferred(
                f"parsing was stopped after {self._limits.elapsed_limit_seconds:g} s while "
                f"{stage} because the machine was too busy; the message can be tried again"
            )


def _size(count: int) -> str:
    if count % _MIB == 0:
        return f"{count // _MIB} MiB"
    if count % _KIB == 0:
        return f"{count // _KIB} KiB"
    return f"{count} bytes"


def check_raw(raw: bytes, limits: ParseLimits) -> None:
    """Reject before parsing: empty input, oversized input or header block, too many parts."""
    if not raw.strip():
        raise MessageRejected("the message is empty")
    if len(raw) > limits.max_total_bytes:
        raise LimitExceeded(
            f"message larger than {_size(limits.max_total_bytes)}", "max_total_bytes"
        )
    end = _HEADER_END.search(raw, 0, limits.max_header_bytes + 4)
    header_length = end.start() if end is not None else len(raw)
    if header_length > limits.max_header_bytes:
        raise LimitExceeded(
            f"header block larger than {_size(limits.max_header_bytes)}", "max_header_bytes"
        )
    # Every multipart declares a boundary, so this bounds the part count from below without
    # parsing; it keeps pathological nesting away from the recursive parser.
    if raw.lower().count(b"boundary") <= limits.max_parts:
        return  # the regular expression cannot find more matches than that; it costs 6x more
    boundaries = len(_BOUNDARY_PARAM.findall(raw))
    if boundaries > limits.max_parts:
        raise LimitExceeded(
            f"more than {limits.max_parts} MIME parts ({boundaries} multipart boundaries)",
            "max_parts",
        )


def _header_bytes(part: Message) -> int:
    return sum(len(name) + len(value) + 4 for name, value in part.raw_items())


def check_structure(message: Message, limits: ParseLimits) -> None:
    """Reject a parsed message whose tree is too deep, too wide or has a huge part header."""
    stack: list[tuple[Message, int]] = [(message, 0)]
    count = 0
    while stack:
        part, depth = stack.pop()
        count += 1
        if count > limits.max_parts:
            raise LimitExceeded(f"more than {limits.max_parts} MIME parts", "max_parts")
        if depth > limits.max_depth:
            raise LimitExceeded(f"MIME nesting deeper than {limits.max_depth} levels", "max_depth")
        if depth and _header_bytes(part) > limits.max_header_bytes:
            raise LimitExceeded(
                f"a MIME part's header block is larger than {_size(limits.max_header_bytes)}",
                "max_header_bytes",
            )
        # Only a multipart's payload: a leaf's is decoded by its charset parameter, which fails
        # when that parameter holds 8-bit bytes.
        if part.is_multipart():
            children = part.get_payload()
            stack.extend((child, depth + 1) for child in children if isinstance(child, Message))
