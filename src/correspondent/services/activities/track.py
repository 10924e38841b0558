"""Tracking: turning a message into an email activity, and what a user does with it afterwards.

``track_message`` follows BEHAVIOUR §1, §3, §4 and §5. CPU work (parsing, sanitising, hashing,
judging attachments) happens before the write transaction opens, so the transaction stays short;
the identity key's unique constraint, not timing, makes concurrent tracking of one message end in
one activity.
"""

from __future__ import annotations

import functools
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from correspondent.domain.access import ACTIVITY_TYPE, OPERATOR, Actor, Operation, may
from correspondent.domain.activity import (
    ActivityAttachment,
    ActivityStatus,
    AttachmentState,
    EmailActivity,
    Tracker,
    TrackerSource,
    content_digest,
    decide_direction,
)
from correspondent.domain.attachments import AttachmentPolicy
from correspondent.domain.correlation import normalise_subject
from correspondent.domain.errors import (
    CorrespondentError,
    DuplicateActivity,
    InvalidInput,
    MessageDeferred,
    MessageRejected,
    NotFound,
    TransientConflict,
)
from correspondent.domain.records import RecordRef
from correspondent.domain.settings import OrgSettings
from correspondent.domain.users import User
from correspondent.mail.message import ParsedMessage
from correspondent.mail.parse import ParseLimits, parse_message
from correspondent.mail.sanitize import sanitize_html
from correspondent.mail.sniff import detect_executable_kind
from correspondent.services.access import describe
from correspondent.services.activities.context import TrackingContext
from correspondent.services.activities.correlation import correlate
from correspondent.services.activities.parties import resolve_message_parties
from correspondent.services.activities.quarantine import quarantine_message
from correspondent.services.blob_collection import collect_released_blobs
from correspondent.services.directory.entries import require_record
from correspondent.services.ports import BlobStore, UnitOfWork, UnitOfWorkFactory


def _may_write(uow: UnitOfWork, actor: Actor, activity_id: int) -> bool:
    facts = uow.access.facts(RecordRef(ACTIVITY_TYPE, activity_id), actor.user_id)
    return facts is not None and may(actor, ACTIVITY_TYPE, Operation.WRITE, facts)


@functools.lru_cache(maxsize=8)
def _policy(blocked_extensions: frozenset[str], max_bytes: int) -> AttachmentPolicy:
    # Building a policy normalises ~100 extensions; settings rarely change, so reuse it.
    return AttachmentPolicy(blocked_extensions, max_bytes)


class MessageQuarantined(CorrespondentError):
    """The message could not be tracked; it is kept in the quarantine with the reason."""

    def __init__(self, quarantine_id: int, reason: str) -> None:
        super().__init__(
            f"Message not tracked: {reason} (kept as quarantine item {quarantine_id})."
        )
        self.quarantine_id = quarantine_id
        self.reason = reason


@dataclass(frozen=True)
class TrackRequest:
    raw: bytes
    user_email: str
    regarding: RecordRef | None = None
    source: TrackerSource = TrackerSource.MANUAL
    origin: str = "api"
    """Where the bytes came from (a file name, a folder), for the quarantine list."""
    actor: Actor = OPERATOR
    """Who asks: they must read ``regarding``, and for a message that is already an activity,
    ``regarding`` replaces its regarding record only if they may write that activity (checked in
    the tracking transaction). The sync and the CLI track as the operator."""


@dataclass(frozen=True)
class TrackResult:
    activity_id: int
    created: bool
    tracker_added: bool = True
    """False when the user already tracked the message from the same source: nothing changed
    for them (a new activity always gets its first tracker)."""
    regarding_changed: bool = False
    """An existing activity was linked to the regarding record asked for."""


@dataclass(frozen=True)
class _PreparedAttachment:
    record: ActivityAttachment
    content: bytes | None


@dataclass(frozen=True)
class _Prepared:
    message: ParsedMessage
    html_body: str | None
    attachments: list[_PreparedAttachment]
    notifications: list[str]
    raw_digest: str


TrackOutcome = TrackResult | CorrespondentError


class MessageTracker:
    """Tracks raw messages for users; one instance serves many calls."""

    def __init__(
        self, uow_factory: UnitOfWorkFactory, blobs: BlobStore, limits: ParseLimits | None = None
    ) -> None:
        self.uow_factory = uow_factory
        self.blobs = blobs
        self.limits = limits or ParseLimits()

    def track(self, request: TrackRequest) -> TrackResult:
        """Track one message in its own transaction; raise MessageQuarantined for bad mail.

        ``MessageDeferred`` (the message could not be parsed now) reaches the caller untouched:
        nothing was stored, and the caller tries again later.
        """
        try:
            message = parse_message(request.raw, self.limits)
        except MessageRejected as rejected:
            raise self._quarantine(request, rejected) from rejected
        return self._track_parsed(request, message)

    def track_or_refuse(self, request: TrackRequest) -> TrackResult:
        """``track`` without the quarantine: a message refused again raises ``MessageRejected``
        (retrying a quarantined message must not quarantine a second copy of it)."""
        return self._track_parsed(request, parse_message(request.raw, self.limits))

    def track_batch(self, requests: Sequence[TrackRequest]) -> list[TrackOutcome]:
        """Track many messages in one transaction (imports, initial syncs).

        Each outcome is a TrackResult or the error for that message (quarantined, deferred,
        unknown user…); one message's problem does not stop the others. If another process
        stores one of these messages concurrently, the batch is rolled back and tracked message
        by message.
        """
        outcomes: list[TrackOutcome | None] = [None] * len(requests)
        parsed: list[tuple[int, TrackRequest, ParsedMessage]] = []
        for index, request in enumerate(requests):
            try:
                parsed.append((index, request, parse_message(request.raw, self.limits)))
            except MessageDeferred as deferred:
                outcomes[index] = deferred  # not the message's fault: the caller retries it
            except MessageRejected as rejected:
                try:
                    outcomes[index] = self._quarantine(request, rejected)
                except CorrespondentError as error:
                    outcomes[index] = error
        try:
            with self.uow_factory() as uow:
                uow.activities.defer_children = True  # one insert per child table per batch
                context = TrackingContext(uow)
                context.prefetch([(r.user_email, m, r.raw) for _, r, m in parsed])
                planned = self._plan_new(context, parsed)
                for index, request, message in parsed:
                    try:
                        outcomes[index] = self._track_in(
                            context, request, message, planned.get(index)
                        )
                    except DuplicateActivity:
                        raise
                    except CorrespondentError as error:
                        outcomes[index] = error
                created = {
                    i for i, o in enumerate(outcomes) if isinstance(o, TrackResult) and o.created
                }
                # Planned, then refused (no regarding record, say): give their references back.
                unused = [planned[i] for i in planned if i not in created]
                released = [d for p in unused for d in self._blob_references(p).elements()]
                for digest in released:
                    uow.blob_refs.release(digest)
                uow.commit()
            if released:
                collect_released_blobs(self.uow_factory, self.blobs, released)
        except (DuplicateActivity, TransientConflict):
            # Another process stored one of these messages first, or our locks crossed
            # theirs: the batch was rolled back whole; track its messages one at a time.
            for index, request, message in parsed:
                try:
                    outcomes[index] = self._track_parsed(request, message)
                except CorrespondentError as error:
                    outcomes[index] = error
        return [outcome for outcome in outcomes if outcome is not None]

    def _quarantine(self, request: TrackRequest, rejected: MessageRejected) -> MessageQuarantined:
        item_id = quarantine_message(
            self.uow_factory,
            self.blobs,
            request.raw,
            reason=rejected.reason,
            user_email=request.user_email,
            origin=request.origin,
        )
        return MessageQuarantined(item_id, rejected.reason)

    def _track_parsed(self, request: TrackRequest, message: ParsedMessage) -> TrackResult:
        try:
            with self.uow_factory() as uow:
                result = self._track_in(TrackingContext(uow), request, message)
                uow.commit()
                return result
        except DuplicateActivity as duplicate:
            # Another process stored the same message between our look-up and our insert;
            # the unique key refused ours, so this time the look-up finds theirs.
            with self.uow_factory() as uow:
                context = TrackingContext(uow)
                user = context.user(request.user_email)
                again = self._add_tracker(context, duplicate.identity_key, user, request)
                if again is None:
                    raise
                uow.commit()
                return again

    def _plan_new(
        self, context: TrackingContext, parsed: Sequence[tuple[int, TrackRequest, ParsedMessage]]
    ) -> dict[int, _Prepared]:
        """Prepare the batch's new messages and store all their blobs with one reference upsert.

        A message counts as new when its identity key is neither stored nor earlier in the
        batch; if tracking it is refused later, the caller releases its references.
        """
        planned: dict[int, _Prepared] = {}
        seen: set[str] = set()
        for index, request, message in parsed:
            try:
                user = context.user(request.user_email)
            except CorrespondentError:
                continue  # reported when the message is tracked
            key = context.identity_key(user, message, request.raw)
            if key in seen or context.identity(key) is not None:
                continue
            seen.add(key)
            planned[index] = self._prepare(message, request.raw, context.org)
        self._store_blobs(context.uow, [(r.raw, planned[i]) for i, r, _ in parsed if i in planned])
        return planned

    def _track_in(
        self,
        context: TrackingContext,
        request: TrackRequest,
        message: ParsedMessage,
        planned: _Prepared | None = None,
    ) -> TrackResult:
        """Track inside the caller's transaction (which the caller commits).

        ``planned``: the message was prepared and its blobs stored already (batches).
        """
        uow, org = context.uow, context.org
        user = context.user(request.user_email)
        if org.tracking_require_approved_email and not user.email_approved:
            raise InvalidInput(
                f"The email address {user.email} is not approved yet; an "
                "administrator must approve it before its mail is tracked."
            )
        if request.regarding is not None:
            require_record(uow, request.regarding)
            if not context.may_read(request.actor, request.regarding):
                raise NotFound(describe(request.regarding))
        key = context.identity_key(user, message, request.raw)
        existing = self._add_tracker(context, key, user, request)
        if existing is not None:
            return existing
        if org.tracking_require_regarding and request.regarding is None:
            raise InvalidInput(
                "This organisation requires a regarding record when tracking (--regarding TYPE:ID)."
            )
        prepared = planned or self._prepare(message, request.raw, org)
        activity = self._new_activity(context, request, user, key, prepared)
        if planned is None:
            self._store_blobs(uow, [(request.raw, prepared)])
        activity_id = uow.activities.add(activity)
        context.remember_activity(key, activity_id, message.message_id, activity.regarding)
        return TrackResult(activity_id, created=True)

    @staticmethod
    def _add_tracker(
        context: TrackingContext, key: str, user: User, request: TrackRequest
    ) -> TrackResult | None:
        uow = context.uow
        activity_id = context.identity(key)
        if activity_id is None:
            return None
        if not uow.activities.lock(activity_id, exclusive=False):
            # Deleted by another user's untrack since we looked: track it as a new message.
            context.forget_identity(key)
            return None
        tracker = Tracker(user.id, request.source, datetime.now(UTC))
        added = uow.activities.add_tracker(activity_id, tracker)
        if added:
            uow.activities.set_status(activity_id, ActivityStatus.TRACKED)  # if untracked before
        relinked = False
        if request.regarding is not None and _may_write(uow, request.actor, activity_id):
            relinked = uow.activities.regarding_of(activity_id)[1] != request.regarding
            if relinked:
                uow.activities.set_regarding(activity_id, request.regarding)
                context.relinked(activity_id, request.regarding)
        return TrackResult(activity_id, False, tracker_added=added, regarding_changed=relinked)

    def _prepare(self, message: ParsedMessage, raw: bytes, org: OrgSettings) -> _Prepared:
        policy = _policy(org.attachments_blocked_extensions, org.attachments_max_bytes)
        attachments: list[_PreparedAttachment] = []
        notifications = [
            f"Text could not be fully decoded: {problem}" for problem in message.decode_problems
        ]
        for part in message.attachments:
            verdict = policy.judge(
                part.filename, len(part.content), detect_executable_kind(part.content[:4096])
            )
            state = verdict.status
            saved = state is AttachmentState.SAVED
            if not saved:
                notifications.append(
                    f"The attachment {verdict.safe_filename!r} was not saved: {verdict.reason}"
                )
            attachments.append(
                _PreparedAttachment(
                    ActivityAttachment(
                        id=None,
                        filename=verdict.safe_filename,
                        content_type=part.content_type,
                        size=len(part.content),
                        status=state,
                        reason=None if saved else verdict.reason,
                        blob_hash=content_digest(part.content) if saved else None,
                        content_id=part.content_id,
                        inline=part.inline,
                    ),
                    part.content if saved else None,
                )
            )
        html = sanitize_html(message.html_body) if message.html_body else None
        return _Prepared(message, html, attachments, notifications, content_digest(raw))

    @staticmethod
    def _new_activity(
        context: TrackingContext,
        request: TrackRequest,
        user: User,
        key: str,
        prepared: _Prepared,
    ) -> EmailActivity:
        message = prepared.message
        org, options = context.org, context.options(user)
        parties = resolve_message_parties(context, message, user, org, options)
        correlation, inherited = correlate(context, message, org, parties)
        now = datetime.now(UTC)
        return EmailActivity(
            id=None,
            identity_key=key,
            message_id=message.message_id,
            direction=decide_direction([a.address for a in message.from_], user.email),
            subject=message.subject,
            normalised_subject=normalise_subject(message.subject, org.correlation_token_prefix),
            sent_at=message.sent_at,
            in_reply_to=message.in_reply_to,
            references=message.references,
            html_body=prepared.html_body,
            text_body=message.text_body,
            raw_blob_hash=prepared.raw_digest,
            raw_size=len(request.raw),
            owner_id=user.id,
            regarding=request.regarding or inherited,
            status=ActivityStatus.TRACKED,
            correlation=correlation,
            created_at=now,
            parties=parties,
            attachments=[a.record for a in prepared.attachments],
            trackers=[Tracker(user.id, request.source, now)],
            notifications=prepared.notifications,
        )

    @staticmethod
    def _blob_references(prepared: _Prepared) -> Counter[str]:
        """How many references a new activity holds on each blob it uses.

        Each use counts: an activity holding the same file twice holds two references, and
        releases two when it is deleted.
        """
        uses: Counter[str] = Counter([prepared.raw_digest])
        uses.update(a.record.blob_hash for a in prepared.attachments if a.record.blob_hash)
        return uses

    def _store_blobs(self, uow: UnitOfWork, items: Sequence[tuple[bytes, _Prepared]]) -> None:
        """Take the references (one upsert, rows locked in digest order), then write files."""
        contents: dict[str, bytes] = {}
        uses: Counter[str] = Counter()
        for raw, prepared in items:
            contents[prepared.raw_digest] = raw
            for item in prepared.attachments:
                if item.content is not None and item.record.blob_hash:
                    contents[item.record.blob_hash] = item.content
            uses.update(self._blob_references(prepared))
        if not uses:
            return
        uow.blob_refs.acquire({d: (len(contents[d]), n) for d, n in uses.items()})
        self.blobs.put_many(contents)
