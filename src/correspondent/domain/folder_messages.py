"""What the sync remembers about each message of a watched folder, as plain values.

Per (folder, UIDVALIDITY, UID) a map row says what became of the message (``Outcome``), and a
message the CRM could not track yet stays on the failure list (``FailedMessage``) until it is
tracked, skipped by a rule or gone from the folder (BEHAVIOUR §10).
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import datetime


class Outcome(enum.StrEnum):
    TRACKED = "tracked"
    QUARANTINED = "quarantined"
    UNTRACKED = "untracked"


@dataclass(frozen=True)
class MappedMessage:
    uid: int
    activity_id: int | None
    message_id: str | None
    outcome: Outcome
    keyword_written: bool


@dataclass(frozen=True)
class FailedMessage:
    folder_id: int
    uidvalidity: int
    uid: int
    source: str
    reason: str
    attempts: int
    next_retry_at: datetime | None
    """``None``: no more automatic retries (gave up)."""
