"""Keyword changes on messages the sync has already seen (BEHAVIOUR §8), and retries.

* ``$Tracked`` is written on every tracked message. A map row remembers whether the STORE is
  done (``keyword_written``); only then does a missing ``$Tracked`` mean the user removed it,
  which untracks the message for that user (the activity is kept).
* The request keyword (``Track``) or ``$Tracked`` added by a mail client — possibly offline,
  arriving when it reconnects — tracks the message (source ``keyword``), and the request
  keyword is cleared.
* Changes are found with CONDSTORE: ``changed_since(highestmodseq of the last pass)``; only UIDs
  up to the position before this pass are looked at (newer ones were just read in full).
* Failed messages are tried again when their retry time has come (``domain.message_retry``:
  growing waits, then "gave up", which stays listed); a failed UID that no longer exists leaves
  the list.
"""

from __future__ import annotations

from contextlib import suppress

from correspondent.domain.access import OPERATOR
from correspondent.domain.errors import InvalidInput
from correspondent.domain.folder_messages import MappedMessage, Outcome
from correspondent.domain.mailbox import TRACKED_KEYWORD, WatchedFolder
from correspondent.mail.imap import ImapSession
from correspondent.services.activities.untrack import untrack
from correspondent.sync.batch import track_headers
from correspondent.sync.context import SyncContext

MAX_PENDING_PER_PASS = 1000


def write_pending_keywords(ctx: SyncContext, session: ImapSession, folder: WatchedFolder) -> None:
    """Finish STOREs of ``$Tracked`` interrupted by a crash or a dropped connection."""
    assert folder.id is not None and folder.state.uidvalidity is not None
    with ctx.uow_factory() as uow:
        pending = uow.mailboxes.messages.keyword_pending(folder.id, folder.state.uidvalidity)
    pending = pending[:MAX_PENDING_PER_PASS]
    if not pending:
        return
    session.add_keywords(pending, [TRACKED_KEYWORD])
    with ctx.uow_factory() as uow:
        uow.mailboxes.messages.mark_keyword_written(folder.id, folder.state.uidvalidity, pending)
        uow.commit()


def process_changes(
    ctx: SyncContext, session: ImapSession, folder: WatchedFolder, baseline: int, upto: int
) -> tuple[int, int]:
    """Act on keyword changes since ``baseline``; returns (changes seen, messages tracked)."""
    assert folder.id is not None and folder.state.uidvalidity is not None
    changes = {uid: c for uid, c in session.changed_since(baseline).items() if uid <= upto}
    if not changes:
        return 0, 0
    with ctx.uow_factory() as uow:
        mapped = uow.mailboxes.messages.mapped(folder.id, folder.state.uidvalidity, changes)
    request = ctx.options.track_keyword.lower()
    removed: list[MappedMessage] = []
    wanted: list[int] = []
    clear: dict[str, list[int]] = {}
    for uid, change in sorted(changes.items()):
        lowered = {k.lower() for k in change.keywords}
        known = mapped.get(uid)
        if known is not None and known.outcome is Outcome.TRACKED:
            if known.keyword_written and TRACKED_KEYWORD.lower() not in lowered:
                removed.append(known)
            for name in change.keywords:
                if name.lower() == request:
                    clear.setdefault(name, []).append(uid)
        elif known is not None and known.outcome is Outcome.QUARANTINED:
            continue
        elif ctx.options.wants_tracking(change.keywords):
            wanted.append(uid)
    for message in removed:
        _untrack(ctx, folder, message)
    for name, uids in clear.items():
        session.remove_keywords(uids, [name])
    tracked = 0
    if wanted:
        headers = session.fetch_headers(wanted)
        tracked = track_headers(ctx, session, folder, headers, advance_to=None)
    return len(changes), tracked


def _untrack(ctx: SyncContext, folder: WatchedFolder, message: MappedMessage) -> None:
    """``$Tracked`` removed in a mail client: stop tracking, keep the activity (§8)."""
    assert folder.id is not None and folder.state.uidvalidity is not None
    if message.activity_id is not None:
        # InvalidInput: already untracked (a retry after a crash, or done from the CLI).
        with suppress(InvalidInput):
            untrack(
                ctx.uow_factory, ctx.tracker.blobs, OPERATOR, message.activity_id, ctx.user_email,
                delete_activity=False,
            )  # fmt: skip
    with ctx.uow_factory() as uow:
        ctx.renew_lease(uow)
        uow.mailboxes.messages.set_outcome(
            folder.id, folder.state.uidvalidity, message.uid, Outcome.UNTRACKED
        )
        uow.commit()


def retry_failures(ctx: SyncContext, session: ImapSession, folder: WatchedFolder) -> int:
    """Try failed messages of this folder whose retry time has come; returns how many tracked."""
    assert folder.id is not None and folder.state.uidvalidity is not None
    now = ctx.now()
    with ctx.uow_factory() as uow:
        due = [
            f.uid
            for f in uow.mailboxes.messages.failures(ctx.mailbox_id, folder.id)
            if f.uidvalidity == folder.state.uidvalidity
            and f.next_retry_at is not None  # None: gave up, see domain.message_retry
            and f.next_retry_at <= now
        ]
    if not due:
        return 0
    headers = session.fetch_headers(due)
    gone = set(due) - {h.uid for h in headers}
    if gone:
        with ctx.uow_factory() as uow:
            for uid in gone:
                uow.mailboxes.messages.resolve_failure(folder.id, folder.state.uidvalidity, uid)
            uow.commit()
    return track_headers(ctx, session, folder, headers, advance_to=None) if headers else 0
