"""Tracked folders (BEHAVIOUR §7): list the server's folders, track or stop tracking one, and
link one to a regarding record.

Any folder at any depth can be tracked; a subfolder is tracked only when chosen itself. The
folder is remembered by name *and* mailbox id (X-GUID / RFC 8474 MAILBOXID), so the sync
follows a rename. Linking a folder to a record re-links every message already tracked in it at
once; the sync keeps doing so, so the folder's record wins over a hand-made change (§7).

Every use case checks that the actor may manage the mailbox, and may read the record a folder is
linked to (``NotFound`` otherwise), in the unit of work that makes the change. Those that ask
the server first (listing, tracking) also check before connecting, so nobody makes us sign in
to another user's mailbox.
"""

from __future__ import annotations

from dataclasses import dataclass

from correspondent.domain.access import Actor, Operation
from correspondent.domain.errors import InvalidInput, NotFound
from correspondent.domain.mailbox import FolderRole, WatchedFolder
from correspondent.domain.records import RecordRef
from correspondent.mail.imap_responses import FolderStatus
from correspondent.services.access import authorize
from correspondent.services.directory.entries import require_record
from correspondent.services.mailboxes.ownership import require_mailbox
from correspondent.services.mailboxes.status import FolderView, regarding_text
from correspondent.services.ports import MailServer, UnitOfWork, UnitOfWorkFactory


@dataclass(frozen=True)
class ServerFolderView:
    """A folder on the server, and whether the sync watches or tracks it."""

    name: str
    special_use: str | None
    mailbox_id: str | None
    """The server's id of the folder (X-GUID / MAILBOXID), not ours."""
    selectable: bool
    watched: str | None
    """The watched folder's role, if watched."""
    tracked: bool
    regarding: str | None
    delimiter: str | None = None
    """The server's hierarchy separator (``/`` or ``.``), for showing the tree."""
    backlog: int | None = None
    """For a watched folder: messages that arrived after the sync's last look (an upper
    bound: UIDs given out since, some of which may be expunged already)."""


def server_folders(
    uow_factory: UnitOfWorkFactory, server: MailServer, actor: Actor, mailbox_id: int
) -> list[ServerFolderView]:
    """The server's folders and, for each, whether the sync watches or tracks it."""
    with uow_factory() as uow:
        mailbox = require_mailbox(uow, actor, mailbox_id)
        watched = {f.name: f for f in uow.mailboxes.folders(mailbox_id)}
    with server.open(mailbox) as session:
        listed = session.list_folders()
        backlogs = {
            info.name: _backlog(session.status(info.name), watched[info.name])
            for info in listed
            if info.name in watched and info.selectable
        }
    views = []
    for info in listed:
        folder = watched.get(info.name)
        views.append(
            ServerFolderView(
                name=info.name,
                special_use=info.special_use,
                mailbox_id=info.mailbox_id,
                selectable=info.selectable,
                watched=folder.role.value if folder else None,
                tracked=bool(folder and folder.tracked),
                regarding=regarding_text(folder) if folder else None,
                delimiter=info.delimiter,
                backlog=backlogs.get(info.name),
            )
        )
    return views


def _backlog(status: FolderStatus, folder: WatchedFolder) -> int:
    """Messages the sync has not looked at yet: every one after a UIDVALIDITY change."""
    if folder.state.uidvalidity != status.uidvalidity:
        return status.exists
    return max(0, status.uidnext - 1 - folder.state.last_uid)


def find_folder(uow: UnitOfWork, mailbox_id: int, name: str) -> WatchedFolder | None:
    return next(
        (f for f in uow.mailboxes.folders(mailbox_id, active_only=False) if f.name == name), None
    )


def _require_readable(uow: UnitOfWork, actor: Actor, regarding: RecordRef | None) -> None:
    """A folder may only be linked to a record that exists and the actor can read."""
    if regarding is not None:
        require_record(uow, regarding)
        authorize(uow, actor, regarding, Operation.READ)


def track_folder(
    uow_factory: UnitOfWorkFactory,
    server: MailServer,
    actor: Actor,
    mailbox_id: int,
    name: str,
    regarding: RecordRef | None = None,
) -> FolderView:
    """Track ``name``: its messages, and those moved into it later, become activities."""
    with uow_factory() as uow:
        mailbox = require_mailbox(uow, actor, mailbox_id)
        _require_readable(uow, actor, regarding)
    with server.open(mailbox) as session:
        info = next((f for f in session.list_folders() if f.name == name), None)
    if info is None or not info.selectable:
        raise NotFound(
            f"The mailbox has no folder {name!r}; see 'correspondent mailbox folders {mailbox_id}'."
        )
    with uow_factory() as uow:
        require_mailbox(uow, actor, mailbox_id)
        _require_readable(uow, actor, regarding)
        folder = find_folder(uow, mailbox_id, name)
        if folder is None:
            folder = WatchedFolder(
                None, mailbox_id, name, FolderRole.OTHER, tracked=True, regarding=regarding
            )
            folder.mailbox_guid = info.mailbox_id
            folder.id = uow.mailboxes.add_folder(folder)
        else:
            was_tracked = folder.tracked and folder.active
            folder.tracked, folder.active, folder.regarding = True, True, regarding
            folder.mailbox_guid = info.mailbox_id
            uow.mailboxes.save_folder(folder)
            if not was_tracked and folder.state.uidvalidity is not None:
                # Read it from the start: messages that arrived while it was not tracked count.
                uow.mailboxes.reset_state(folder.id or 0, folder.state.uidvalidity)
        uow.commit()
        return FolderView.of(folder)


def untrack_folder(
    uow_factory: UnitOfWorkFactory, actor: Actor, mailbox_id: int, name: str
) -> None:
    """Stop tracking: messages already tracked stay tracked, new ones are not (§7)."""
    with uow_factory() as uow:
        require_mailbox(uow, actor, mailbox_id)
        folder = find_folder(uow, mailbox_id, name)
        if folder is None or not folder.tracked:
            raise InvalidInput(f"The folder {name!r} is not tracked.")
        folder.tracked = False
        folder.regarding = None
        folder.active = folder.role is not FolderRole.OTHER
        uow.mailboxes.save_folder(folder)
        uow.commit()


def set_folder_regarding(
    uow_factory: UnitOfWorkFactory,
    actor: Actor,
    mailbox_id: int,
    name: str,
    regarding: RecordRef | None,
) -> int:
    """Link a tracked folder to a record (or unlink it); returns how many were re-linked now."""
    with uow_factory() as uow:
        require_mailbox(uow, actor, mailbox_id)
        _require_readable(uow, actor, regarding)
        folder = find_folder(uow, mailbox_id, name)
        if folder is None or not folder.tracked:
            raise InvalidInput(f"The folder {name!r} is not tracked; track it first.")
        folder.regarding = regarding
        uow.mailboxes.save_folder(folder)
        relinked = 0
        if regarding is not None and folder.state.uidvalidity is not None and folder.id:
            relinked = uow.mailboxes.messages.relink(folder.id, folder.state.uidvalidity, regarding)
        uow.commit()
        return relinked
