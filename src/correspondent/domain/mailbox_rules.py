"""What the sync does with one message it sees in a watched folder: a pure decision.

The sync first reads cheap facts (flags, INTERNALDATE, a few headers) for a batch of new UIDs,
adds what the CRM knows (is this a reply to tracked mail? is the sender a CRM record? does the
user already track it?), then asks :func:`decide`. Only messages decided ``Track`` have their
bodies fetched. The order of the rules, first match wins:

1. a folder the user tracks: track, source ``folder``, linked to the folder's record if any
   (or to the record the sender chose with Set Regarding, which is more specific);
2. the user already tracks the message (from the CLI, the API, another folder): ``Adopt`` it,
   i.e. remember the UID and write ``$Tracked`` on it, without a new tracker;
2b. sent mail whose sender chose its regarding record before sending (a verified Set Regarding
   header, see ``domain.regarding_header``): track, source ``manual``, linked to that record;
3. the request keyword (``Track`` by default) or ``$Tracked`` set in a mail client: track,
   source ``keyword`` (this is how a user tracks offline, BEHAVIOUR §8);
4. mail older than the mailbox's "process from" time: skipped;
5. Inbox: the personal option ``incoming_tracking`` (BEHAVIOUR §6): ``all`` tracks everything,
   ``crm_people`` mail from contacts, accounts and leads, ``email_enabled`` mail from any
   email-enabled record, ``replies`` (the default) answers to tracked mail; ``none`` nothing.
   Independently, ``track_replies`` tracks answers to tracked mail (source ``reply``);
6. Sent: only answers to tracked mail, when ``track_replies`` is on (BEHAVIOUR §4, §6).

Every ``Skip`` names its rule, so the status can say why each message was left alone.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import datetime

from correspondent.domain.activity import TrackerSource
from correspondent.domain.mailbox import FolderRole, means_tracked
from correspondent.domain.records import RecordRef


class SenderKind(enum.IntEnum):
    """What the CRM knows about the From address (higher includes lower)."""

    UNKNOWN = 0
    EMAIL_ENABLED = 1
    """Any email-enabled record or user."""
    CRM_PERSON = 2
    """A contact, account or lead."""


@dataclass(frozen=True)
class MessageFacts:
    uid: int
    internal_date: datetime | None
    keywords: frozenset[str]
    answers_tracked_mail: bool = False
    sender: SenderKind = SenderKind.UNKNOWN
    tracked_activity_id: int | None = None
    """The activity of this message the user already tracks, if any."""
    claimed_regarding: RecordRef | None = None
    """The record its sender chose before sending (a verified Set Regarding header)."""


@dataclass(frozen=True)
class FolderRules:
    role: FolderRole
    tracked: bool
    regarding: RecordRef | None = None


@dataclass(frozen=True)
class SyncOptions:
    """The user's personal options that steer the sync (see ``domain.settings``)."""

    incoming_tracking: str = "replies"
    track_replies: bool = True
    track_keyword: str = "Track"
    process_from: datetime | None = None

    def wants_tracking(self, keywords: frozenset[str]) -> bool:
        """The request keyword, ``$Tracked`` or the Outlook add-in's category as a keyword is
        set (keywords compare case-insensitively)."""
        wanted = self.track_keyword.lower()
        return any(keyword.lower() == wanted or means_tracked(keyword) for keyword in keywords)


@dataclass(frozen=True)
class Track:
    source: TrackerSource
    regarding: RecordRef | None = None


@dataclass(frozen=True)
class Adopt:
    activity_id: int


@dataclass(frozen=True)
class Skip:
    rule: str


Decision = Track | Adopt | Skip

SKIP_BEFORE_PROCESS_FROM = "before_process_from"
SKIP_INCOMING_NONE = "incoming_tracking_none"
SKIP_NOT_A_REPLY = "not_a_reply_to_tracked_mail"
SKIP_SENDER_NOT_IN_CRM = "sender_not_a_crm_person"
SKIP_SENDER_NOT_EMAIL_ENABLED = "sender_not_an_email_enabled_record"
SKIP_SENT_NOT_A_REPLY = "sent_mail_not_a_reply_to_tracked_mail"

_INCOMING_SKIPS = {
    "none": SKIP_INCOMING_NONE,
    "replies": SKIP_NOT_A_REPLY,
    "crm_people": SKIP_SENDER_NOT_IN_CRM,
    "email_enabled": SKIP_SENDER_NOT_EMAIL_ENABLED,
}


def decide(facts: MessageFacts, folder: FolderRules, options: SyncOptions) -> Decision:
    """Track, adopt or skip one message (see the module docstring for the rule order)."""
    if folder.tracked:
        return Track(TrackerSource.FOLDER, facts.claimed_regarding or folder.regarding)
    if facts.tracked_activity_id is not None:
        return Adopt(facts.tracked_activity_id)
    if facts.claimed_regarding is not None:
        return Track(TrackerSource.MANUAL, facts.claimed_regarding)
    if options.wants_tracking(facts.keywords):
        return Track(TrackerSource.KEYWORD)
    if (
        options.process_from is not None
        and facts.internal_date is not None
        and facts.internal_date < options.process_from.replace(microsecond=0)
    ):  # INTERNALDATE has whole seconds
        return Skip(SKIP_BEFORE_PROCESS_FROM)
    if folder.role is FolderRole.SENT:
        if options.track_replies and facts.answers_tracked_mail:
            return Track(TrackerSource.REPLY)
        return Skip(SKIP_SENT_NOT_A_REPLY)
    if folder.role is FolderRole.INBOX:
        return _incoming(facts, options)
    return Skip(SKIP_INCOMING_NONE)


def _incoming(facts: MessageFacts, options: SyncOptions) -> Decision:
    mode = options.incoming_tracking
    if mode == "all":
        return Track(TrackerSource.RULE)
    if mode == "crm_people" and facts.sender >= SenderKind.CRM_PERSON:
        return Track(TrackerSource.RULE)
    if mode == "email_enabled" and facts.sender >= SenderKind.EMAIL_ENABLED:
        return Track(TrackerSource.RULE)
    if facts.answers_tracked_mail and (mode == "replies" or options.track_replies):
        return Track(TrackerSource.REPLY)
    return Skip(_INCOMING_SKIPS.get(mode, SKIP_INCOMING_NONE))


def needs_reply_facts(folder: FolderRules, options: SyncOptions) -> bool:
    """Whether looking up In-Reply-To/References can change a decision in this folder."""
    if folder.tracked:
        return False
    return options.track_replies or (
        folder.role is FolderRole.INBOX and options.incoming_tracking == "replies"
    )
