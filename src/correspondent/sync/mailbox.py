"""One pass over a mailbox: every watched folder, then ``$Tracked`` for mail tracked elsewhere.

Messages the user tracks from the CLI or the API (or another mailbox) should show the tracked
symbol in every mail client too. After the folders, the pass reads the user's trackers created
since the mailbox's watermark, and for each Message-ID not yet in this mailbox's map searches the
watched folders (``UID SEARCH HEADER Message-ID``), records the UID and writes ``$Tracked``. At
most ``ELSEWHERE_BATCH`` per pass, so a large backlog is spread over passes.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

from correspondent.domain.folder_messages import Outcome
from correspondent.domain.mailbox import TRACKED_KEYWORD, FolderRole, MailboxStatus, WatchedFolder
from correspondent.mail.imap import ImapSession
from correspondent.mail.imap_errors import ImapFolderNotFound
from correspondent.services.mailboxes.enable import ensure_standard_folders
from correspondent.sync.context import SyncContext
from correspondent.sync.folder import FolderPass, sync_folder

log = logging.getLogger(__name__)
ELSEWHERE_BATCH = 200


@dataclass
class MailboxPass:
    folders: list[FolderPass] = field(default_factory=list)
    marked_elsewhere: int = 0

    @property
    def tracked(self) -> int:
        return sum(f.tracked for f in self.folders)


def watched_folders(ctx: SyncContext, session: ImapSession | None = None) -> list[WatchedFolder]:
    with ctx.uow_factory() as uow:
        folders = uow.mailboxes.folders(ctx.mailbox_id)
        if session is not None and not any(f.role is FolderRole.INBOX for f in folders):
            ensure_standard_folders(uow, ctx.mailbox_id, session.list_folders())
            uow.commit()
            folders = uow.mailboxes.folders(ctx.mailbox_id)
    return folders


def sync_mailbox_once(ctx: SyncContext, session: ImapSession, *, full: bool = True) -> MailboxPass:
    """Sync every watched folder once and record the pass on the mailbox (``full=False``:
    unchanged folders are skipped after a STATUS, see ``sync_folder``)."""
    result = MailboxPass()
    folders = watched_folders(ctx, session)
    for folder in folders:
        if ctx.stop_requested():
            return result
        result.folders.append(sync_folder(ctx, session, folder, full=full))
    result.marked_elsewhere = mark_tracked_elsewhere(ctx, session, folders)
    with ctx.uow_factory() as uow:
        ctx.renew_lease(uow)
        mailbox = uow.mailboxes.get(ctx.mailbox_id)
        if mailbox is not None:
            mailbox.last_sync_at = ctx.now()
            mailbox.failures = 0
            mailbox.last_error = None
            mailbox.next_attempt_at = None
            if mailbox.enabled:
                mailbox.status = MailboxStatus.ENABLED
            uow.mailboxes.save(mailbox)
        uow.commit()
    return result


def mark_tracked_elsewhere(
    ctx: SyncContext, session: ImapSession, folders: list[WatchedFolder]
) -> int:
    with ctx.uow_factory() as uow:
        since = uow.mailboxes.tracked_watermark(ctx.mailbox_id)
        rows = uow.mailboxes.messages.tracked_since(ctx.user_id, since, ELSEWHERE_BATCH)
        mapped = uow.mailboxes.messages.mapped_message_ids(ctx.mailbox_id, [r[1] for r in rows])
    if not rows:
        return 0
    missing = {message_id: activity_id for activity_id, message_id, _ in rows}
    for message_id in mapped:
        missing.pop(message_id, None)
    marked = 0
    for folder in folders if missing else []:
        if folder.id is None or folder.state.uidvalidity is None:
            continue
        try:
            status = session.select(folder.name)
        except ImapFolderNotFound:
            continue
        if status.uidvalidity != folder.state.uidvalidity:
            continue  # the next pass resyncs this folder first
        found = {mid: session.search_message_id(mid) for mid in missing}
        hits = {mid: uids for mid, uids in found.items() if uids}
        if not hits:
            continue
        with ctx.uow_factory() as uow:
            ctx.renew_lease(uow)
            for message_id, uids in hits.items():
                for uid in uids:
                    uow.mailboxes.messages.record(
                        ctx.mailbox_id, folder.id, status.uidvalidity, uid,
                        activity_id=missing[message_id], message_id=message_id,
                        outcome=Outcome.TRACKED, now=ctx.now(),
                    )  # fmt: skip
            uow.commit()
        all_uids = sorted(uid for uids in hits.values() for uid in uids)
        session.add_keywords(all_uids, [TRACKED_KEYWORD])
        with ctx.uow_factory() as uow:
            uow.mailboxes.messages.mark_keyword_written(folder.id, status.uidvalidity, all_uids)
            uow.commit()
        marked += len(all_uids)
    with ctx.uow_factory() as uow:
        uow.mailboxes.set_tracked_watermark(ctx.mailbox_id, rows[-1][2])
        uow.commit()
    return marked
