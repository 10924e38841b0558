"""Activities as one user may see them: typed views with stable keys.

The CLI's ``--json`` output and the HTTP API both print these (the API declares them as its
response models, so the OpenAPI document describes them); the keys are documented in the
README and must not change without a version bump. A party whose record the viewer may not read
still shows its address and display name (the viewer can read the activity, and the address is
part of it) but not the link (``hidden``); a hidden regarding record is shown as ``null`` with
``regarding_hidden``, a hidden correlated parent activity as a ``null`` correlation.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from correspondent.domain.access import ACTIVITY_TYPE, Actor, Operation, RecordFacts, may
from correspondent.domain.activity import ActivitySummary, EmailActivity
from correspondent.domain.correlation import format_token
from correspondent.domain.records import USER_TYPE, RecordRef
from correspondent.domain.settings import OrgSettings
from correspondent.services.access import readable_names, readable_refs
from correspondent.services.paging import encode_cursor
from correspondent.services.ports import UnitOfWork

DOCUMENTED = {"use_attribute_docstrings": True}
"""Pydantic's configuration for these views (a plain dict, so no import): the API's OpenAPI
document shows each field's docstring."""


@dataclass(frozen=True)
class RecordLink:
    """A record (or, for a party, a user) with its display name."""

    __pydantic_config__ = DOCUMENTED

    type: str
    id: int
    name: str


@dataclass(frozen=True)
class PartyView:
    """One From/To/Cc/Bcc address and the record it resolved to (BEHAVIOUR §3)."""

    __pydantic_config__ = DOCUMENTED

    role: str
    address: str
    display_name: str
    record: RecordLink | None
    resolution: str
    """How the record was found, or why not: unique_match, precedence, owner_preferred,
    first_match, all_matches, auto_created, no_match, ambiguous."""
    hidden: bool = False
    """The party resolved to a record the viewer may not read; ``record`` is null."""
    account: RecordLink | None = None
    """The resolved record's parent account (a contact's or an account's), when it has one
    that the viewer may read."""


@dataclass(frozen=True)
class AttachmentView:
    """A file of the message, kept or dropped (BEHAVIOUR §5)."""

    __pydantic_config__ = DOCUMENTED

    id: int
    filename: str
    content_type: str
    size: int
    status: str
    """saved, blocked, too_large or removed."""
    reason: str | None
    inline: bool


@dataclass(frozen=True)
class CorrelationView:
    """The tracked message this one answers, and how it was found (BEHAVIOUR §4)."""

    __pydantic_config__ = DOCUMENTED

    method: str
    """in_reply_to, references, tracking_token or smart_match."""
    parent_id: int


@dataclass(frozen=True)
class TrackerView:
    """One user tracking the activity, and why."""

    __pydantic_config__ = DOCUMENTED

    user: str
    """The tracking user's email address."""
    source: str
    """manual, folder, rule, reply, keyword or import."""
    tracked_at: str


@dataclass(frozen=True)
class ReplyView:
    """A tracked reply to this activity (correlated to it), as the thread shows it."""

    __pydantic_config__ = DOCUMENTED

    id: int
    subject: str
    direction: str
    sent_at: str | None


@dataclass(frozen=True)
class ActionsView:
    """What the viewer may do with the activity, so a pane offers only those actions; the use
    cases check the same rules again when asked."""

    __pydantic_config__ = DOCUMENTED

    set_regarding: bool
    """Write access to the activity: Set Regarding and Remove attachment."""
    untrack: bool
    """The viewer tracks the activity."""
    delete: bool
    """Delete access: untrack and delete the activity."""
    create_contact: bool
    """The viewer may create contacts of their own (for an unresolved address)."""
    create_lead: bool
    """The viewer may create leads of their own (for an unresolved address)."""


@dataclass(frozen=True)
class ActivityView:
    """One email activity in full."""

    __pydantic_config__ = DOCUMENTED

    id: int
    subject: str
    direction: str
    message_id: str | None
    sent_at: str | None
    status: str
    """tracked, or untracked once nobody tracks it (the activity was kept)."""
    tracking_token: str
    regarding: RecordLink | None
    parties: list[PartyView]
    attachments: list[AttachmentView]
    notifications: list[str]
    correlation: CorrelationView | None
    trackers: list[TrackerView]
    owner: str
    """The owner's email address."""
    owner_id: int
    raw_size: int
    regarding_hidden: bool = False
    """The activity has a regarding record the viewer may not read; ``regarding`` is null."""
    text_body: str | None = None
    html_body: str | None = None
    """Sanitised HTML."""
    actions: ActionsView | None = None
    """What the viewer may do (null in lists)."""
    replies: list[ReplyView] = dataclasses.field(default_factory=list)
    """The tracked replies the viewer may read, oldest first (empty in lists)."""

    def as_json(self, *, bodies: bool = True) -> dict[str, Any]:
        """The view as JSON values; without the bodies where a list or a summary prints it."""
        data = dataclasses.asdict(self)
        if not bodies:
            del data["text_body"], data["html_body"]
        return data


@dataclass(frozen=True)
class ActivitySummaryView:
    """A list or timeline entry: a few columns of one activity."""

    __pydantic_config__ = DOCUMENTED

    id: int
    subject: str
    direction: str
    sent_at: str | None
    status: str
    owner_id: int
    owner: str
    regarding: RecordLink | None
    """Null also when the viewer may not read the regarding record."""
    raw_size: int


def _link(ref: RecordRef | None, names: dict[RecordRef, str]) -> RecordLink | None:
    return None if ref is None else RecordLink(ref.type, ref.id, names.get(ref, ""))


def full_view(
    uow: UnitOfWork,
    actor: Actor,
    activity: EmailActivity,
    *,
    bodies: bool = True,
    pane: bool = True,
) -> ActivityView:
    """The activity as ``actor`` may see it; links to records they may not read are hidden.

    With ``pane``, also what the actor may do with it and its replies (three more queries)."""
    assert activity.id is not None
    refs = {p.record for p in activity.parties if p.record}
    if activity.regarding:
        refs.add(activity.regarding)
    # A party that is a user shows the user's name like any record; owner and trackers are
    # shown by address (the README's stable keys).
    names = uow.directory.names(refs)
    emails = uow.directory.user_names({activity.owner_id} | {t.user_id for t in activity.trackers})
    parent = activity.correlation.parent_id if activity.correlation else None
    wanted = set(refs) | ({RecordRef(ACTIVITY_TYPE, parent)} if parent else set())
    visible = readable_refs(uow, actor, wanted)
    accounts = _parent_accounts(
        uow, actor, {p.record for p in activity.parties if p.record and p.record in visible}
    )
    parties = []
    for p in activity.parties:
        hidden = p.record is not None and p.record.type != USER_TYPE and p.record not in visible
        record = None if hidden else _link(p.record, names)
        account = accounts.get(p.record) if p.record and not hidden else None
        parties.append(
            PartyView(
                p.role.value, p.address, p.display_name, record, p.method.value, hidden, account
            )
        )
    regarding_hidden = activity.regarding is not None and activity.regarding not in visible
    correlation = activity.correlation
    prefix = OrgSettings.from_stored(uow.settings.org()).correlation_token_prefix
    return ActivityView(
        id=activity.id,
        subject=activity.subject,
        direction=activity.direction.value,
        message_id=activity.message_id,
        sent_at=activity.sent_at.isoformat() if activity.sent_at else None,
        status=activity.status.value,
        tracking_token=format_token(prefix, activity.id),
        regarding=None if regarding_hidden else _link(activity.regarding, names),
        parties=parties,
        attachments=[
            AttachmentView(
                a.id, a.filename, a.content_type, a.size, a.status.value, a.reason, a.inline
            )
            for a in activity.attachments
            if a.id is not None
        ],
        notifications=list(activity.notifications),
        correlation=(
            CorrelationView(correlation.method.value, correlation.parent_id)
            if correlation and RecordRef(ACTIVITY_TYPE, correlation.parent_id) in visible
            else None
        ),
        trackers=[
            TrackerView(emails.get(t.user_id, ""), t.source.value, t.tracked_at.isoformat())
            for t in activity.trackers
        ],
        owner=emails.get(activity.owner_id, ""),
        owner_id=activity.owner_id,
        raw_size=activity.raw_size,
        regarding_hidden=regarding_hidden,
        text_body=activity.text_body if bodies else None,
        html_body=activity.html_body if bodies else None,
        actions=actions_of(uow, actor, activity) if pane else None,
        replies=replies_of(uow, actor, activity.id) if pane else [],
    )


MAX_REPLIES = 100
"""A thread pane lists at most this many replies of one message."""


def replies_of(uow: UnitOfWork, actor: Actor, activity_id: int) -> list[ReplyView]:
    found = uow.activities.replies(activity_id, MAX_REPLIES)
    shown = readable_refs(uow, actor, [RecordRef(ACTIVITY_TYPE, r.id) for r in found])
    return [
        ReplyView(r.id, r.subject, r.direction, r.sent_at.isoformat() if r.sent_at else None)
        for r in found
        if RecordRef(ACTIVITY_TYPE, r.id) in shown
    ]


def actions_of(uow: UnitOfWork, actor: Actor, activity: EmailActivity) -> ActionsView:
    """What ``actor`` may do with ``activity``, by the rules the use cases apply."""
    assert activity.id is not None
    facts = uow.access.facts(RecordRef(ACTIVITY_TYPE, activity.id), actor.user_id)
    own = RecordFacts(actor.user_id, actor.business_unit_id)

    def may_do(operation: Operation) -> bool:
        return facts is not None and may(actor, ACTIVITY_TYPE, operation, facts)

    def may_create(type_name: str) -> bool:
        return may(actor, type_name, Operation.CREATE, own)

    return ActionsView(
        set_regarding=may_do(Operation.WRITE),
        untrack=any(t.user_id == actor.user_id for t in activity.trackers),
        delete=may_do(Operation.DELETE),
        create_contact=may_create("contact"),
        create_lead=may_create("lead"),
    )


def _parent_accounts(
    uow: UnitOfWork, actor: Actor, refs: set[RecordRef]
) -> dict[RecordRef, RecordLink]:
    """The parent account of each record in ``refs`` that has one the actor may read."""
    parents: dict[RecordRef, RecordRef] = {}
    for type_name in ("contact", "account"):
        ids = sorted(r.id for r in refs if r.type == type_name)
        for record in uow.directory.records_by_ids(type_name, ids) if ids else []:
            account_id = record.fields.get("account")
            if isinstance(account_id, int):
                parents[record.ref] = RecordRef("account", account_id)
    if not parents:
        return {}
    shown = readable_refs(uow, actor, set(parents.values()))
    names = uow.directory.names(shown)
    return {
        ref: RecordLink(parent.type, parent.id, names.get(parent, ""))
        for ref, parent in parents.items()
        if parent in shown
    }


def summary_views(
    uow: UnitOfWork, actor: Actor, items: Sequence[ActivitySummary]
) -> list[ActivitySummaryView]:
    """Timeline and list entries: a few columns each, names and links in one query."""
    names = readable_names(
        uow, actor, {a.regarding for a in items if a.regarding}, {a.owner_id for a in items}
    )
    return [
        ActivitySummaryView(
            id=a.id,
            subject=a.subject,
            direction=a.direction,
            sent_at=a.sent_at.isoformat() if a.sent_at else None,
            status=a.status,
            owner_id=a.owner_id,
            owner=names.get(RecordRef(USER_TYPE, a.owner_id), ""),
            regarding=(_link(a.regarding, names) if a.regarding and a.regarding in names else None),
            raw_size=a.raw_size,
        )
        for a in items
    ]


def page_of(
    items: Sequence[ActivitySummary], limit: int
) -> tuple[list[ActivitySummary], str | None]:
    """Cut one more than ``limit`` rows (as asked of the listing) to ``limit``, and the cursor of
    the next page: only when a further row exists, so the last page says it is the last."""
    if len(items) <= limit:
        return list(items), None
    kept = list(items[:limit])
    return kept, encode_cursor(None, kept[-1].id)
