"""Finding the tracked activity a new message answers (BEHAVIOUR §4) through storage."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Protocol

from correspondent.domain.activity import Correlation, CorrelationMethod, Party
from correspondent.domain.correlation import (
    SMART_MATCH_WINDOW,
    find_token,
    normalise_subject,
    shares_enough_participants,
)
from correspondent.domain.records import RecordRef
from correspondent.domain.settings import OrgSettings
from correspondent.mail.message import ParsedMessage
from correspondent.services.ports import UnitOfWork


class MessageIdLookup(Protocol):
    uow: UnitOfWork

    def activities_by_message_ids(
        self, message_ids: Iterable[str]
    ) -> dict[str, tuple[int, RecordRef | None]]: ...


def correlate(
    lookup: MessageIdLookup, message: ParsedMessage, org: OrgSettings, parties: list[Party]
) -> tuple[Correlation | None, RecordRef | None]:
    """The parent activity and method, and the regarding record a reply inherits."""
    if not org.correlation_enabled:
        return None, None
    wanted = ([message.in_reply_to] if message.in_reply_to else []) + list(message.references)
    found = lookup.activities_by_message_ids(wanted) if wanted else {}
    uow = lookup.uow
    if message.in_reply_to in found:
        parent_id, regarding = found[message.in_reply_to]
        return Correlation(parent_id, CorrelationMethod.IN_REPLY_TO), regarding
    for reference in reversed(message.references):
        if reference in found:
            parent_id, regarding = found[reference]
            return Correlation(parent_id, CorrelationMethod.REFERENCES), regarding
    prefix = org.correlation_token_prefix
    if org.correlation_tracking_token:
        token_id = find_token(message.subject, prefix)
        if token_id is not None:
            exists, regarding = uow.activities.regarding_of(token_id)
            if exists:
                return Correlation(token_id, CorrelationMethod.TRACKING_TOKEN), regarding
    if org.correlation_smart_matching and message.sent_at is not None:
        subject = normalise_subject(message.subject, prefix)
        if subject:
            mine = {p.address for p in parties}
            candidates = uow.activities.smart_match_candidates(
                subject, message.sent_at - SMART_MATCH_WINDOW, message.sent_at
            )
            for activity_id, regarding, participants in candidates:
                if shares_enough_participants(mine, participants):
                    return Correlation(activity_id, CorrelationMethod.SMART_MATCH), regarding
    return None, None
