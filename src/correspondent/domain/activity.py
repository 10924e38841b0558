"""Email activities: the CRM's record of one tracked message.

One distinct message is one activity (BEHAVIOUR §1). The identity key is the normalised
Message-ID plus the direction, or a hash of the raw bytes when there is no Message-ID. When the
organisation stores internal mail once (setting off), the direction is left out of the key so the
sender's and the recipient's copies meet in one activity.
"""

from __future__ import annotations

import enum
import hashlib
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

from correspondent.domain.attachments import AttachmentStatus
from correspondent.domain.records import RecordRef

# The attachment policy's verdicts are the states an activity's attachment is in.
AttachmentState = AttachmentStatus


class Direction(enum.StrEnum):
    INCOMING = "incoming"
    OUTGOING = "outgoing"


class PartyRole(enum.StrEnum):
    FROM = "from"
    TO = "to"
    CC = "cc"
    BCC = "bcc"


class TrackerSource(enum.StrEnum):
    """Why a user's tracker exists (BEHAVIOUR §1 Beyond)."""

    MANUAL = "manual"
    FOLDER = "folder"
    RULE = "rule"
    REPLY = "reply"
    KEYWORD = "keyword"
    IMPORT = "import"


class CorrelationMethod(enum.StrEnum):
    IN_REPLY_TO = "in_reply_to"
    REFERENCES = "references"
    TRACKING_TOKEN = "tracking_token"
    SMART_MATCH = "smart_match"


class ResolutionMethod(enum.StrEnum):
    """How a party's record was found, or why it was not."""

    UNIQUE_MATCH = "unique_match"
    PRECEDENCE = "precedence"
    OWNER_PREFERRED = "owner_preferred"
    FIRST_MATCH = "first_match"
    ALL_MATCHES = "all_matches"
    AUTO_CREATED = "auto_created"
    NO_MATCH = "no_match"
    AMBIGUOUS = "ambiguous"


class ActivityStatus(enum.StrEnum):
    """Whether anybody tracks the activity: after the last tracker untracks and keeps it, it is
    ``untracked`` (the activity stays, BEHAVIOUR §1); tracking it again makes it ``tracked``."""

    TRACKED = "tracked"
    UNTRACKED = "untracked"

    @classmethod
    def of(cls, trackers: Sequence[object]) -> ActivityStatus:
        return cls.TRACKED if trackers else cls.UNTRACKED


@dataclass(frozen=True)
class Party:
    role: PartyRole
    address: str
    display_name: str
    record: RecordRef | None
    method: ResolutionMethod


@dataclass(frozen=True)
class Tracker:
    user_id: int
    source: TrackerSource
    tracked_at: datetime


@dataclass(frozen=True)
class ActivityAttachment:
    id: int | None
    filename: str
    content_type: str
    size: int
    status: AttachmentState
    reason: str | None
    blob_hash: str | None
    content_id: str | None = None
    inline: bool = False


@dataclass(frozen=True)
class Correlation:
    parent_id: int
    method: CorrelationMethod


@dataclass
class EmailActivity:
    id: int | None
    identity_key: str
    message_id: str | None
    direction: Direction
    subject: str
    normalised_subject: str
    sent_at: datetime | None
    in_reply_to: str | None
    references: tuple[str, ...]
    html_body: str | None
    text_body: str
    raw_blob_hash: str
    raw_size: int
    owner_id: int
    regarding: RecordRef | None
    status: ActivityStatus
    correlation: Correlation | None
    created_at: datetime
    parties: list[Party] = field(default_factory=list)
    attachments: list[ActivityAttachment] = field(default_factory=list)
    trackers: list[Tracker] = field(default_factory=list)
    notifications: list[str] = field(default_factory=list)

    def participant_addresses(self) -> set[str]:
        return {party.address for party in self.parties}


MAX_KEYED_MESSAGE_ID = 900
"""Longer Message-IDs are keyed by their digest (the key column holds 1,000 characters)."""
MAX_STORED_MESSAGE_ID = 998
"""RFC 5322's line limit; a longer Message-ID or In-Reply-To is stored cut to this length."""


def identity_key(
    message_id: str | None, direction: Direction, raw: bytes, *, split_by_direction: bool
) -> str:
    """The key that makes one message one activity (unique in storage)."""
    if message_id:
        normalised = message_id.strip().strip("<>").strip()
        if normalised:
            prefix = f"{direction.value}:" if split_by_direction else ""
            if len(normalised) > MAX_KEYED_MESSAGE_ID:
                # Hostile or broken headers can be longer than the key column; a digest of
                # the Message-ID keeps the identity without the length.
                return f"{prefix}mid-sha256:{content_digest(normalised.encode())}"
            return f"{prefix}mid:{normalised}"
    return "sha256:" + content_digest(raw)


def decide_direction(from_addresses: list[str], user_email: str) -> Direction:
    """Outgoing when the tracking user sent it, incoming otherwise (BEHAVIOUR §1)."""
    return Direction.OUTGOING if user_email in from_addresses else Direction.INCOMING


def content_digest(data: bytes) -> str:
    """The content address of raw bytes (messages and attachment files)."""
    return hashlib.sha256(data).hexdigest()


@dataclass(frozen=True)
class ActivityDetails:
    """What a timeline entry adds to the summary: who took part, and how many files it kept."""

    participants: tuple[tuple[PartyRole, str, str], ...]
    """(role, address, display name) in the message's order."""
    attachment_count: int
    """Kept files that are not inline images."""


@dataclass(frozen=True)
class ActivitySummary:
    """The columns a list or timeline entry shows."""

    id: int
    subject: str
    direction: str
    sent_at: datetime | None
    status: str
    owner_id: int
    regarding: RecordRef | None
    raw_size: int
