"""Untracking in the CRM clears ``$Tracked`` on the server (the mirror of ``sync.mailbox``'s
"mark messages tracked elsewhere").

When a user untracks an activity from the CLI or the API (or an administrator deletes it), the
message in the mailbox still carries ``$Tracked``. Left there, every mail client would keep
showing the tracked symbol, and worse, a later UIDVALIDITY change would make the sync read the
folder again, see ``$Tracked`` (the keyword that tracks, BEHAVIOUR §8) and track it once more.

The UID map knows which UIDs we tracked and for which activity, so each full pass asks, per
folder, for map rows still marked ``tracked`` whose activity the mailbox's user no longer tracks
(no tracker row, or the activity is gone). For those it STOREs ``-FLAGS $Tracked`` and then
marks the rows ``untracked``, the state a keyword removal in a mail client leaves them in, so
adding ``$Tracked`` or the request keyword later tracks the message again.

Order: the STORE comes first and the row changes after. A crash in between leaves rows
``tracked`` with the keyword gone, which the keyword-change pass (``sync.keywords``) reads as
"the user removed ``$Tracked``" and untracks — already done, so it only records the outcome.
Only full passes do this (every ``FULL_EVERY``-th poll, and at start-up): untracking is a CRM
event the folder's STATUS cannot reveal.
"""

from __future__ import annotations

from correspondent.domain.folder_messages import Outcome
from correspondent.domain.mailbox import TRACKED_KEYWORD, WatchedFolder
from correspondent.mail.imap import ImapSession
from correspondent.sync.context import SyncContext

MAX_CLEARED_PER_PASS = 1000


def clear_untracked_keywords(ctx: SyncContext, session: ImapSession, folder: WatchedFolder) -> int:
    """Remove ``$Tracked`` from messages of the selected ``folder`` the user no longer tracks;
    returns how many."""
    assert folder.id is not None and folder.state.uidvalidity is not None
    uidvalidity = folder.state.uidvalidity
    with ctx.uow_factory() as uow:
        uids = uow.mailboxes.messages.no_longer_tracked(
            folder.id, uidvalidity, ctx.user_id, MAX_CLEARED_PER_PASS
        )
    if not uids:
        return 0
    session.remove_keywords(uids, [TRACKED_KEYWORD])
    with ctx.uow_factory() as uow:
        ctx.renew_lease(uow)
        uow.mailboxes.messages.set_outcome(folder.id, uidvalidity, uids, Outcome.UNTRACKED)
        uow.commit()
    return len(uids)
