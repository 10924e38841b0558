"""A message that could not be tracked, kept whole with the reason (nothing is silently lost)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class QuarantinedMessage:
    id: int
    user_id: int | None
    source: str
    reason: str
    raw_blob_hash: str
    raw_size: int
    received_at: datetime
