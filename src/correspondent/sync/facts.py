"""From fetched headers to :class:`MessageFacts`: parse a few header fields, then ask the CRM in
three batched queries (does the user track it already? does it answer tracked mail? who is the
sender?) — one round of queries per batch of UIDs, never one per message.
"""

from __future__ import annotations

from dataclasses import dataclass
from email.parser import BytesHeaderParser

from correspondent.domain.mailbox_rules import MessageFacts, SenderKind
from correspondent.domain.records import RECORD_KINDS, USER_TYPE
from correspondent.domain.regarding_header import HEADER_NAME as REGARDING_HEADER
from correspondent.mail.headers import (
    RAW_FIELDS,
    parse_addresses,
    parse_message_id,
    parse_references,
)
from correspondent.mail.imap_responses import MessageHeaders
from correspondent.services.ports import UnitOfWork

_PEOPLE = frozenset({"contact", "account", "lead"})
# compat32 speed, but fields as raw text: compat32 hands 8-bit fields back as Header objects,
# which the field parsers cannot read (one such message used to fail its whole batch).
_PARSER = BytesHeaderParser(policy=RAW_FIELDS)


@dataclass(frozen=True)
class HeaderSummary:
    uid: int
    message_id: str | None
    answers: tuple[str, ...]
    """In-Reply-To and References ids."""
    sender: str | None
    regarding_header: str | None = None
    """The Set Regarding header's value (``domain.regarding_header``), unchecked."""


def summarise(headers: MessageHeaders) -> HeaderSummary:
    parsed = _PARSER.parsebytes(headers.header_bytes)
    answers = list(parse_references(parsed.get("references")))
    in_reply_to = parse_message_id(parsed.get("in-reply-to"))
    if in_reply_to:
        answers.append(in_reply_to)
    problems: list[str] = []
    senders = parse_addresses(
        [str(v) for v in parsed.get_all("from") or []], None, problems, "From"
    )
    return HeaderSummary(
        headers.uid,
        parse_message_id(parsed.get("message-id")),
        tuple(answers),
        senders[0].address if senders else None,
        parsed.get(REGARDING_HEADER.lower()),
    )


def gather_facts(
    uow: UnitOfWork,
    user_id: int,
    batch: list[MessageHeaders],
    *,
    need_replies: bool,
    need_senders: bool,
) -> tuple[dict[int, MessageFacts], dict[int, HeaderSummary]]:
    summaries = {h.uid: summarise(h) for h in batch}
    tracked = uow.mailboxes.messages.tracked_by_user(
        user_id, [s.message_id for s in summaries.values() if s.message_id]
    )
    answered: set[str] = set()
    if need_replies:
        wanted = [mid for s in summaries.values() for mid in s.answers]
        answered = set(uow.activities.by_message_ids(wanted)) if wanted else set()
    kinds: dict[str, SenderKind] = {}
    if need_senders:
        senders = {s.sender for s in summaries.values() if s.sender}
        for address, candidates in uow.directory.candidates(senders).items():
            kinds[address] = max(
                (_kind(c.ref.type) for c in candidates if c.active), default=SenderKind.UNKNOWN
            )
    facts = {}
    for headers in batch:
        summary = summaries[headers.uid]
        facts[headers.uid] = MessageFacts(
            uid=headers.uid,
            internal_date=headers.internal_date,
            keywords=headers.keywords,
            answers_tracked_mail=any(mid in answered for mid in summary.answers),
            sender=kinds.get(summary.sender or "", SenderKind.UNKNOWN),
            tracked_activity_id=tracked.get(summary.message_id or ""),
        )
    return facts, summaries


def _kind(type_name: str) -> SenderKind:
    if type_name in _PEOPLE:
        return SenderKind.CRM_PERSON
    if type_name == USER_TYPE:
        return SenderKind.EMAIL_ENABLED
    kind = RECORD_KINDS.get(type_name)
    return SenderKind.EMAIL_ENABLED if kind and kind.email_enabled else SenderKind.UNKNOWN
