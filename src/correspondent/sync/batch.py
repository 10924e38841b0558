"""Tracking a batch of UIDs of one folder: headers first, bodies only for messages to track.

For each batch: FETCH flags + a few headers (cheap), gather the CRM facts in one round of
queries, :func:`decide` per message, FETCH the full bytes of the messages to track only, track
them, then commit the map rows, skip counts, failures and the new position together (and renew
the lease in that transaction), and finally STORE ``$Tracked`` (and clear the request keyword)
on the server. The order makes the position the last thing to move (see ``sync.folder``).
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace

from correspondent.domain.activity import TrackerSource
from correspondent.domain.folder_messages import FailedMessage, Outcome
from correspondent.domain.mailbox import (
    TRACKED_KEYWORD,
    Alert,
    AlertLevel,
    FolderSyncState,
    WatchedFolder,
)
from correspondent.domain.mailbox_rules import (
    Adopt,
    Decision,
    FolderRules,
    MessageFacts,
    Skip,
    Track,
    decide,
    needs_reply_facts,
)
from correspondent.mail.imap import ImapSession
from correspondent.mail.imap_responses import MessageHeaders
from correspondent.services.activities.track import (
    MessageQuarantined,
    TrackOutcome,
    TrackRequest,
    TrackResult,
)
from correspondent.services.ports import UnitOfWork
from correspondent.sync.context import SyncContext
from correspondent.sync.facts import HeaderSummary, gather_facts
from correspondent.sync.regarding_claims import verified_claims

log = logging.getLogger(__name__)
SKIP_EXPUNGED = "expunged_before_read"
TRACK_BATCH = 50
"""Messages tracked per transaction: amortises commits and look-ups, bounds what is held."""


@dataclass
class _Outcomes:
    mapped: list[tuple[int, int | None, str | None, Outcome]] = field(default_factory=list)
    failures: list[FailedMessage] = field(default_factory=list)
    skips: Counter[str] = field(default_factory=Counter)
    keyword_uids: list[int] = field(default_factory=list)
    clear_request: dict[int, list[str]] = field(default_factory=dict)
    settled: list[int] = field(default_factory=list)
    """UIDs tracked, adopted or skipped: no longer failures."""
    tracked: int = 0


def process_uids(
    ctx: SyncContext, session: ImapSession, folder: WatchedFolder, uids: Sequence[int]
) -> int:
    """Look at new UIDs in ascending batches, advancing the position after each; returns how
    many were tracked."""
    tracked = 0
    for start in range(0, len(uids), ctx.header_batch):
        if ctx.stop_requested():
            break
        batch = list(uids[start : start + ctx.header_batch])
        headers = session.fetch_headers(batch)
        tracked += track_headers(ctx, session, folder, headers, advance_to=max(batch))
    return tracked


def track_headers(
    ctx: SyncContext,
    session: ImapSession,
    folder: WatchedFolder,
    headers: list[MessageHeaders],
    *,
    advance_to: int | None,
    only: Callable[[MessageFacts], bool] | None = None,
) -> int:
    """Decide, track and record one batch; ``advance_to`` moves the position when given."""
    assert folder.id is not None and folder.state.uidvalidity is not None
    rules = FolderRules(folder.role, folder.tracked, folder.regarding)
    with ctx.uow_factory() as uow:
        facts, summaries = gather_facts(
            uow,
            ctx.user_id,
            headers,
            need_replies=needs_reply_facts(rules, ctx.options),
            need_senders=ctx.options.incoming_tracking in ("crm_people", "email_enabled"),
        )
    claims = verified_claims(ctx, folder, summaries, first_look=advance_to is not None)
    for uid, claimed in claims.items():
        facts[uid] = replace(facts[uid], claimed_regarding=claimed)
    decisions: dict[int, Decision] = {}
    for uid, fact in facts.items():
        if only is None or only(fact):
            decisions[uid] = decide(fact, rules, ctx.options)
    wanted = [uid for uid, d in decisions.items() if isinstance(d, Track)]
    raws = session.fetch_raw(wanted) if wanted else {}
    outcomes = _Outcomes()
    to_track: list[tuple[int, TrackRequest]] = []
    for uid in sorted(decisions):
        request = _settle(folder, uid, decisions[uid], summaries[uid], raws, outcomes, ctx)
        if request is not None:
            to_track.append((uid, request))
    for start in range(0, len(to_track), TRACK_BATCH):
        chunk = to_track[start : start + TRACK_BATCH]
        results = ctx.tracker.track_batch([request for _, request in chunk])
        for (uid, _request), result in zip(chunk, results, strict=True):
            decision = decisions[uid]
            assert isinstance(decision, Track)
            _record(ctx, folder, uid, decision, facts[uid], summaries[uid], result, outcomes)
    _commit(ctx, folder, outcomes, advance_to)
    _write_keywords(ctx, session, folder, outcomes)
    return outcomes.tracked


def _settle(
    folder: WatchedFolder,
    uid: int,
    decision: Decision,
    summary: HeaderSummary,
    raws: dict[int, bytes],
    out: _Outcomes,
    ctx: SyncContext,
) -> TrackRequest | None:
    """Record skips and adoptions; return the request for a message to track."""
    if isinstance(decision, Skip):
        out.skips[decision.rule] += 1
        out.settled.append(uid)
        return None
    if isinstance(decision, Adopt):
        out.mapped.append((uid, decision.activity_id, summary.message_id, Outcome.TRACKED))
        out.keyword_uids.append(uid)
        out.settled.append(uid)
        return None
    raw = raws.get(uid)
    if not raw:
        out.skips[SKIP_EXPUNGED] += 1
        out.settled.append(uid)
        return None
    assert isinstance(decision, Track)
    origin = f"imap:{folder.name}/{folder.state.uidvalidity}/{uid}"
    return TrackRequest(raw, ctx.user_email, decision.regarding, decision.source, origin)


def _record(
    ctx: SyncContext,
    folder: WatchedFolder,
    uid: int,
    decision: Track,
    fact: MessageFacts,
    summary: HeaderSummary,
    result: TrackOutcome,
    out: _Outcomes,
) -> None:
    """Record what tracking one message came to."""
    if isinstance(result, MessageQuarantined):
        out.mapped.append((uid, None, summary.message_id, Outcome.QUARANTINED))
        out.skips["quarantined"] += 1
        out.settled.append(uid)
        return
    if not isinstance(result, TrackResult):  # the CRM's problem (user, record): retry later
        log.warning("tracking UID %s of %r failed: %s", uid, folder.name, result)
        out.failures.append(
            FailedMessage(
                folder.id or 0,
                folder.state.uidvalidity or 0,
                uid,
                decision.source.value,
                str(result) or type(result).__name__,
                1,  # the attempt count and next retry are set from the stored row at commit
                None,
            )
        )
        return
    out.tracked += 1
    out.settled.append(uid)
    out.mapped.append((uid, result.activity_id, summary.message_id, Outcome.TRACKED))
    out.keyword_uids.append(uid)
    if decision.source is TrackerSource.KEYWORD:
        wanted = ctx.options.track_keyword.lower()
        present = [k for k in fact.keywords if k.lower() == wanted]
        if present:
            out.clear_request[uid] = present


def _commit(
    ctx: SyncContext, folder: WatchedFolder, out: _Outcomes, advance_to: int | None
) -> None:
    assert folder.id is not None and folder.state.uidvalidity is not None
    uidvalidity = folder.state.uidvalidity
    now = ctx.now()
    with ctx.uow_factory() as uow:
        ctx.renew_lease(uow)
        messages = uow.mailboxes.messages
        # One statement each for the batch's map rows and settled failures (a round trip per
        # UID was a third of an initial sync's time).
        messages.record_many(ctx.mailbox_id, folder.id, uidvalidity, out.mapped, now)
        messages.resolve_failures(folder.id, uidvalidity, out.settled)
        if out.failures:
            _record_failures(ctx, uow, folder, out.failures)
        uow.mailboxes.add_skips(folder.id, out.skips)
        if advance_to is not None and advance_to > folder.state.last_uid:
            state = FolderSyncState(uidvalidity, advance_to, folder.state.highestmodseq)
            uow.mailboxes.advance(folder.id, state)
            folder.state = state
        uow.commit()


def _record_failures(
    ctx: SyncContext, uow: UnitOfWork, folder: WatchedFolder, failures: list[FailedMessage]
) -> None:
    """Count the attempt and schedule the next along the retry policy, or give up (visibly)."""
    assert folder.id is not None
    now = ctx.now()
    messages = uow.mailboxes.messages
    before = {
        f.uid: f.attempts
        for f in messages.failures(ctx.mailbox_id, folder.id)
        if f.uidvalidity == folder.state.uidvalidity
    }
    for failure in failures:
        attempts = before.get(failure.uid, 0) + 1
        next_retry = ctx.message_retry.next_retry(attempts, now)
        messages.record_failure(
            ctx.mailbox_id, replace(failure, attempts=attempts, next_retry_at=next_retry), now
        )
        if next_retry is None:
            text = (
                f"Gave up tracking message UID {failure.uid} in {folder.name!r} after "
                f"{attempts} attempts: {failure.reason}. It stays in the failed list; "
                "Test & Enable tries again."
            )
            uow.mailboxes.add_alert(ctx.mailbox_id, Alert(AlertLevel.WARNING, text, now))


def _write_keywords(
    ctx: SyncContext, session: ImapSession, folder: WatchedFolder, out: _Outcomes
) -> None:
    """STORE ``$Tracked`` (and clear the request keyword) after the commit, then note it."""
    assert folder.id is not None and folder.state.uidvalidity is not None
    if out.keyword_uids:
        session.add_keywords(out.keyword_uids, [TRACKED_KEYWORD])
    by_keyword: dict[str, list[int]] = {}
    for uid, names in out.clear_request.items():
        for name in names:
            by_keyword.setdefault(name, []).append(uid)
    for name, uids in by_keyword.items():
        session.remove_keywords(uids, [name])
    if out.keyword_uids:
        with ctx.uow_factory() as uow:
            uow.mailboxes.messages.mark_keyword_written(
                folder.id, folder.state.uidvalidity, out.keyword_uids
            )
            uow.commit()
