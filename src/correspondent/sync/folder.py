"""One pass of the per-folder state machine: from the stored position to the server's present.

IMAP facts this relies on (see also ``mail.imap``):

* A UID names a message only within one (folder, UIDVALIDITY). Every pass SELECTs and compares
  UIDVALIDITY with the stored one; a change (the folder was recreated, the server rebuilt its
  index) voids every stored UID of the folder, and the folder is read again from UID 1.
* UIDs only grow: new mail (APPEND, MOVE, COPY into the folder) is ``UID SEARCH UID last+1:*``.
* With CONDSTORE every flag change bumps a message's MODSEQ; ``changed_since(highestmodseq)``
  lists the messages whose keywords changed since the last pass (``Track`` added, ``$Tracked``
  removed) without reading the whole folder.
* A folder keeps its mailbox id (MAILBOXID / X-GUID) across RENAME; a SELECT of the old name
  fails, and the id finds the new name.

States of one pass::

    SELECT ─► folder gone? ─► find by mailbox id ─► renamed: follow │ deleted: deactivate, stop
       │
       ▼
    UIDVALIDITY ─► first sync / changed: reset position (old UIDs void) ─┐
       │ same                                                            │
       ▼                                                                 ▼
    clear $Tracked of untracked ─► write pending $Tracked ─► new UIDs in batches
       ─► keyword changes (CONDSTORE) ─► re-link to the folder's record
       ─► retry failed messages ─► done

Exactly once: ``MessageTracker.track`` commits the activity in its own transaction; the batch's
map rows and the new position are committed right after, in one transaction that also renews the
lease. A crash between the two leaves the position behind, so the next pass looks at those UIDs
again: the activity identity key (Message-ID + direction, or the content hash) makes tracking
them again a no-op (``created=False``), and the map's unique (folder, UIDVALIDITY, UID) key keeps
one row. The position never moves past a UID that is not tracked, skipped by a named rule, or in
the failure list.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from correspondent.domain.mailbox import (
    Alert,
    AlertLevel,
    FolderSyncState,
    UidValidityAction,
    WatchedFolder,
    decide_uidvalidity,
)
from correspondent.mail.imap import ImapSession
from correspondent.mail.imap_errors import ImapFolderNotFound
from correspondent.mail.imap_responses import FolderStatus
from correspondent.sync.batch import process_uids
from correspondent.sync.context import SyncContext
from correspondent.sync.keywords import process_changes, retry_failures, write_pending_keywords
from correspondent.sync.untracked import clear_untracked_keywords

log = logging.getLogger(__name__)


@dataclass
class FolderPass:
    folder: str
    new_uids: int = 0
    tracked: int = 0
    changes: int = 0
    gone: bool = False


def sync_folder(
    ctx: SyncContext, session: ImapSession, folder: WatchedFolder, *, full: bool = True
) -> FolderPass:
    """Bring one watched folder up to date; returns what the pass did.

    With ``full=False`` a cheap STATUS comes first and an unchanged folder (same UIDVALIDITY,
    UIDNEXT and HIGHESTMODSEQ) is left alone; a full pass also finishes pending keyword writes
    and retries failed messages.
    """
    result = FolderPass(folder.name)
    if not full and _unchanged(session, folder):
        return result
    status = _select(ctx, session, folder)
    if status is None:
        result.gone = True
        return result
    assert folder.id is not None
    action = decide_uidvalidity(folder.state, status.uidvalidity)
    if action is not UidValidityAction.CONTINUE:
        _reset(ctx, folder, status, action)
    if full:
        clear_untracked_keywords(ctx, session, folder)
        write_pending_keywords(ctx, session, folder)
    start = folder.state.last_uid
    if status.uidnext == 0 or status.uidnext - 1 > start:
        uids = session.search_uids_since(start)
        result.new_uids = len(uids)
        result.tracked += process_uids(ctx, session, folder, uids)
    baseline = folder.state.highestmodseq
    modseq = status.highestmodseq
    if modseq is not None and baseline is not None and modseq > baseline and start > 0:
        result.changes, tracked = process_changes(ctx, session, folder, baseline, start)
        result.tracked += tracked
    if not ctx.stop_requested():
        # Every UID below UIDNEXT at SELECT time was in the search, or expunged already.
        _advance(ctx, folder, max(folder.state.last_uid, status.uidnext - 1), modseq)
    if folder.tracked and folder.regarding is not None:
        _relink(ctx, session, folder, status)
    if full:
        result.tracked += retry_failures(ctx, session, folder)
    return result


def _relink(
    ctx: SyncContext, session: ImapSession, folder: WatchedFolder, status: FolderStatus
) -> None:
    """The folder's record wins (§7): forget UIDs that left the folder (moved elsewhere keep
    their regarding), then re-link every activity still in it."""
    assert folder.id is not None and folder.regarding is not None
    with ctx.uow_factory() as uow:
        known = set(uow.mailboxes.messages.mapped(folder.id, status.uidvalidity))
    left = sorted(known - set(session.search_uids_since(0))) if known else []
    with ctx.uow_factory() as uow:
        ctx.renew_lease(uow)
        uow.mailboxes.messages.forget(folder.id, status.uidvalidity, left)
        uow.mailboxes.messages.relink(folder.id, status.uidvalidity, folder.regarding)
        uow.commit()


def _unchanged(session: ImapSession, folder: WatchedFolder) -> bool:
    state = folder.state
    if state.uidvalidity is None or folder.regarding is not None:
        return False
    try:
        status = session.status(folder.name)
    except ImapFolderNotFound:
        return False
    return (
        status.uidvalidity == state.uidvalidity
        and 0 < status.uidnext <= state.last_uid + 1
        and status.highestmodseq is not None
        and status.highestmodseq == state.highestmodseq
    )


def _select(ctx: SyncContext, session: ImapSession, folder: WatchedFolder) -> FolderStatus | None:
    try:
        status = session.select(folder.name)
    except ImapFolderNotFound:
        return _follow_rename(ctx, session, folder)
    if folder.mailbox_guid and status.mailbox_id and status.mailbox_id != folder.mailbox_guid:
        # Deleted and recreated under the same name: a new folder (its UIDVALIDITY differs too).
        _save_folder(ctx, folder, guid=status.mailbox_id)
    elif folder.mailbox_guid is None and status.mailbox_id:
        _save_folder(ctx, folder, guid=status.mailbox_id)
    return status


def _follow_rename(
    ctx: SyncContext, session: ImapSession, folder: WatchedFolder
) -> FolderStatus | None:
    found = None
    if folder.mailbox_guid:
        found = next(
            (f for f in session.list_folders() if f.mailbox_id == folder.mailbox_guid), None
        )
    if found is None:
        folder.active = False
        _save_folder(ctx, folder, alert=(
            AlertLevel.WARNING,
            f"The folder {folder.name!r} was deleted or moved out of reach; the activities "
            "tracked from it are kept.",
        ))  # fmt: skip
        return None
    old = folder.name
    folder.name = found.name
    _save_folder(ctx, folder, alert=(
        AlertLevel.INFORMATION, f"The folder {old!r} was renamed to {found.name!r}; still synced."
    ))  # fmt: skip
    try:
        return session.select(folder.name)
    except ImapFolderNotFound:
        return None


def _save_folder(
    ctx: SyncContext,
    folder: WatchedFolder,
    *,
    guid: str | None = None,
    alert: tuple[AlertLevel, str] | None = None,
) -> None:
    if guid is not None:
        folder.mailbox_guid = guid
    with ctx.uow_factory() as uow:
        ctx.renew_lease(uow)  # and a removed mailbox stops here, before its alert is inserted
        uow.mailboxes.save_folder(folder)
        if alert is not None:
            uow.mailboxes.add_alert(ctx.mailbox_id, Alert(alert[0], alert[1], ctx.now()))
        uow.commit()


def _reset(
    ctx: SyncContext, folder: WatchedFolder, status: FolderStatus, action: UidValidityAction
) -> None:
    assert folder.id is not None
    with ctx.uow_factory() as uow:
        ctx.renew_lease(uow)
        uow.mailboxes.reset_state(folder.id, status.uidvalidity)
        if action is UidValidityAction.RESYNC:
            text = (
                f"The server renumbered the folder {folder.name!r} (UIDVALIDITY "
                f"{folder.state.uidvalidity} → {status.uidvalidity}); reading it again, "
                "already tracked messages are recognised."
            )
            uow.mailboxes.add_alert(ctx.mailbox_id, Alert(AlertLevel.INFORMATION, text, ctx.now()))
        uow.commit()
    folder.state = FolderSyncState(status.uidvalidity, 0, None)


def _advance(ctx: SyncContext, folder: WatchedFolder, last_uid: int, modseq: int | None) -> None:
    assert folder.id is not None
    state = FolderSyncState(folder.state.uidvalidity, last_uid, modseq)
    if state == folder.state:
        return
    with ctx.uow_factory() as uow:
        ctx.renew_lease(uow)
        uow.mailboxes.advance(folder.id, state)
        uow.commit()
    folder.state = state
