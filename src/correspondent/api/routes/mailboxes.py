"""``/api/v1/mailboxes``: the IMAP sync's mailboxes, as ``correspondent mailbox`` offers them.

Add (credentials in, never out), Test, Test & Enable, disable, remove (the activities stay),
status (last sync, lease, alerts, failed messages, skip counts), the server's folders and tracked
folders. A user manages their own mailboxes; administrators manage all (see
``services.mailboxes.ownership``). The routes are plain ``def`` functions: test, enable and the
folder calls talk to the mail server, which blocks, so FastAPI runs them in its thread pool.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request

from correspondent.api.deps import InstallationDep, PrincipalDep
from correspondent.api.mailbox_schemas import (
    FolderRegardingIn,
    MailboxIn,
    MailboxOut,
    RelinkedOut,
    ServerFolderOut,
    TestOut,
    TrackFolderIn,
    UntrackFolderIn,
    WatchedFolderOut,
)
from correspondent.api.schemas import ErrorOut, PathId, regarding_ref
from correspondent.domain.mailbox import AuthKind
from correspondent.services.mailboxes import add, enable, folders, remove, status
from correspondent.services.mailboxes.add import MailboxInput
from correspondent.services.mailboxes.connect import MailboxConnector
from correspondent.services.mailboxes.enable import TestReport
from correspondent.services.mailboxes.folders import ServerFolderView
from correspondent.services.mailboxes.secrets import SecretBox
from correspondent.services.mailboxes.status import FolderView, MailboxView

router = APIRouter(
    prefix="/mailboxes",
    tags=["mailboxes"],
    responses={502: {"model": ErrorOut, "description": "The mail server failed or is unreachable"}},
)


def connector(request: Request, inst: InstallationDep) -> MailboxConnector:
    """One connector per app: it holds the TLS context, which is costly to build."""
    found: MailboxConnector | None = getattr(request.app.state, "mailbox_connector", None)
    if found is None:
        settings = inst.settings
        found = MailboxConnector(SecretBox.for_settings(settings), ca_file=settings.imap_ca_file)
        request.app.state.mailbox_connector = found
    return found


ConnectorDep = Annotated[MailboxConnector, Depends(connector)]


@router.get("", response_model=list[MailboxOut])
def list_mailboxes(principal: PrincipalDep, inst: InstallationDep) -> list[MailboxView]:
    """Your mailboxes (every mailbox for administrators), with their sync status."""
    return status.list_mailboxes(inst.uow, principal.actor)


@router.post("", response_model=MailboxOut, status_code=201)
def add_mailbox(
    body: MailboxIn, principal: PrincipalDep, inst: InstallationDep, conn: ConnectorDep
) -> MailboxView:
    """Add a mailbox, or new credentials for one you have; it syncs after ``enable``.

    The mailbox address must be your address in the CRM (or, for an administrator naming
    ``user``, that user's). The password or token is stored encrypted and is never returned.
    """
    secret = body.password if body.password is not None else body.oauth2_token
    assert secret is not None  # the schema demands exactly one
    item = MailboxInput(
        body.address, body.host, body.port, body.tls, body.login, secret,
        AuthKind.PASSWORD if body.password is not None else AuthKind.XOAUTH2,
        body.user, body.process_from,
    )  # fmt: skip
    mailbox = add.add_mailbox(inst.uow, conn.secrets, principal.actor, item)
    assert mailbox.id is not None
    return status.mailbox_status(inst.uow, principal.actor, mailbox.id)


@router.get("/{mailbox_id}", response_model=MailboxOut)
def mailbox_status(
    mailbox_id: PathId, principal: PrincipalDep, inst: InstallationDep
) -> MailboxView:
    """Status, last sync, lease, alerts, failed messages and per-folder skip counts."""
    return status.mailbox_status(inst.uow, principal.actor, mailbox_id)


@router.delete("/{mailbox_id}", status_code=204)
def remove_mailbox(mailbox_id: PathId, principal: PrincipalDep, inst: InstallationDep) -> None:
    """Remove the mailbox and its sync state; the activities tracked from it stay."""
    remove.remove_mailbox(inst.uow, principal.actor, mailbox_id)


@router.post("/{mailbox_id}/test", response_model=TestOut)
def test_mailbox(
    mailbox_id: PathId, principal: PrincipalDep, inst: InstallationDep, conn: ConnectorDep
) -> TestReport:
    """Connect, sign in and check the address, without enabling (the result is also an alert)."""
    return enable.run_mailbox_test(inst.uow, conn, principal.actor, mailbox_id, enable=False)


@router.post("/{mailbox_id}/enable", response_model=TestOut)
def enable_mailbox(
    mailbox_id: PathId, principal: PrincipalDep, inst: InstallationDep, conn: ConnectorDep
) -> TestReport:
    """Test & Enable: check connection and identity, then start syncing."""
    return enable.run_mailbox_test(inst.uow, conn, principal.actor, mailbox_id, enable=True)


@router.post("/{mailbox_id}/disable", response_model=MailboxOut)
def disable_mailbox(
    mailbox_id: PathId, principal: PrincipalDep, inst: InstallationDep
) -> MailboxView:
    """Stop syncing the mailbox; its activities stay."""
    enable.disable_mailbox(inst.uow, principal.actor, mailbox_id)
    return status.mailbox_status(inst.uow, principal.actor, mailbox_id)


@router.get("/{mailbox_id}/folders", response_model=list[ServerFolderOut])
def list_folders(
    mailbox_id: PathId, principal: PrincipalDep, inst: InstallationDep, conn: ConnectorDep
) -> list[ServerFolderView]:
    """The server's folders, and for each whether the sync watches or tracks it."""
    return folders.server_folders(inst.uow, conn, principal.actor, mailbox_id)


@router.post("/{mailbox_id}/tracked-folders", response_model=WatchedFolderOut, status_code=201)
def track_folder(
    mailbox_id: PathId,
    body: TrackFolderIn,
    principal: PrincipalDep,
    inst: InstallationDep,
    conn: ConnectorDep,
) -> FolderView:
    """Track a folder (any depth), optionally linked to a regarding record."""
    return folders.track_folder(
        inst.uow, conn, principal.actor, mailbox_id, body.folder, regarding_ref(body.regarding)
    )


@router.post("/{mailbox_id}/tracked-folders/untrack", status_code=204)
def untrack_folder(
    mailbox_id: PathId, body: UntrackFolderIn, principal: PrincipalDep, inst: InstallationDep
) -> None:
    """Stop tracking a folder: messages already tracked stay tracked, new ones are not."""
    folders.untrack_folder(inst.uow, principal.actor, mailbox_id, body.folder)


@router.put("/{mailbox_id}/tracked-folders/regarding", response_model=RelinkedOut)
def set_folder_regarding(
    mailbox_id: PathId, body: FolderRegardingIn, principal: PrincipalDep, inst: InstallationDep
) -> RelinkedOut:
    """Link a tracked folder to a record (or unlink with ``null``); its messages are re-linked."""
    relinked = folders.set_folder_regarding(
        inst.uow, principal.actor, mailbox_id, body.folder, regarding_ref(body.regarding)
    )
    return RelinkedOut(relinked=relinked)
