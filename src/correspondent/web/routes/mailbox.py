"""My mailbox: add one (or new credentials), Test & Enable, its status and alerts, the server's
folder tree with tracked folders and their regarding records, and failed messages with Retry
(BEHAVIOUR §2, §7, §10).

The same use cases as ``/api/v1/mailboxes`` (``services.mailboxes``), for the signed-in user's
own mailbox: its address is the user's CRM address, so there is at most one. Every change is a
form POST answered by a redirect back (post/redirect/get). The folder tree asks the mail server,
which may be slow or down, so the page loads it afterwards (htmx) or, without script, on a page
of its own; the status never waits for the server.
"""

from __future__ import annotations

from typing import Annotated, Any

import anyio.to_thread
from fastapi import APIRouter, Form, Path, Query, Request
from fastapi.responses import RedirectResponse, Response

from correspondent.api.deps import InstallationDep
from correspondent.api.routes.mailboxes import ConnectorDep
from correspondent.bootstrap import Installation
from correspondent.domain.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from correspondent.domain.mailbox import AuthKind, TlsChoice
from correspondent.domain.records import RecordRef
from correspondent.mail.imap_errors import ImapError
from correspondent.services.mailboxes import enable, failures, folders, status
from correspondent.services.mailboxes.add import MailboxInput, add_mailbox
from correspondent.services.mailboxes.connect import MailboxConnector
from correspondent.services.mailboxes.folders import ServerFolderView
from correspondent.services.mailboxes.secrets import SecretUnreadable
from correspondent.services.mailboxes.status import MailboxView
from correspondent.services.records.queries import get_record
from correspondent.web.i18n import N_
from correspondent.web.pages import render
from correspondent.web.session import FormVisitorDep, Visitor, VisitorDep

router = APIRouter(include_in_schema=False)
MailboxId = Annotated[int, Path(ge=1, le=2**31 - 1)]
FolderField = Annotated[str, Form(min_length=1, max_length=1000)]
SERVER_FAILED = (ImapError, SecretUnreadable)
NOTICES = {
    "added": N_("The mailbox was saved. Choose Test & Enable to start tracking its email."),
    "enabled": N_("Test & Enable succeeded: your mailbox is tracked by server-side sync."),
    "tracked": N_("The folder is tracked."),
    "untracked": N_("The folder is no longer tracked; email already tracked from it stays."),
    "folder-regarding": N_("The folder's regarding record was changed."),
    "retry": N_("The message will be tried again at the sync's next full pass."),
}
FAILED = {"enable-failed": N_("Test & Enable failed. The newest alert says why.")}
FIELD_ERRORS = {
    "host": N_("Enter the IMAP server's host name."),
    "port": N_("Enter a port number from 1 to 65535."),
    "tls": N_("Choose how the connection is secured."),
    "login": N_("Enter the user name the server signs you in with."),
    "auth": N_("Choose a password or an OAuth2 token."),
    "secret": N_("Enter the password or the OAuth2 access token."),
}
FIELDS = ("host", "port", "tls", "login", "auth", "secret")


def _my_mailbox(inst: Installation, visitor: Visitor) -> MailboxView | None:
    """The visitor's own mailbox (an administrator's list holds everyone's)."""
    mine = [
        m for m in status.list_mailboxes(inst.uow.read_only, visitor.actor)
        if m.user == visitor.user.email
    ]  # fmt: skip
    return mine[0] if mine else None


def _form_defaults(visitor: Visitor, mailbox: MailboxView | None) -> dict[str, str]:
    if mailbox is None:
        return {"host": "", "port": "993", "tls": "implicit", "login": visitor.user.email,
                "auth": "password", "secret": ""}  # fmt: skip
    return {"host": mailbox.host, "port": str(mailbox.port), "tls": mailbox.tls,
            "login": mailbox.login, "auth": mailbox.auth, "secret": ""}  # fmt: skip


def _page(
    request: Request,
    visitor: Visitor,
    mailbox: MailboxView | None,
    *,
    form: dict[str, str] | None = None,
    errors: list[tuple[str, str]] | None = None,
    done: str = "",
) -> Response:
    problems = errors or []
    return render(
        request,
        "mailbox.html",
        visitor,
        status_code=422 if problems else 200,
        mailbox=mailbox,
        form=form or _form_defaults(visitor, mailbox),
        errors=problems,
        field_errors={field: message for field, message in problems if field},
        notice=NOTICES.get(done, ""),
        failure=FAILED.get(done, ""),
    )


@router.get("/mailbox")
async def mailbox_page(
    request: Request,
    inst: InstallationDep,
    visitor: VisitorDep,
    done: Annotated[str, Query(max_length=40)] = "",
) -> Response:
    mailbox = await anyio.to_thread.run_sync(_my_mailbox, inst, visitor)
    return _page(request, visitor, mailbox, done=done)


def _check_form(values: dict[str, str]) -> list[tuple[str, str]]:
    """The problems of the form, field by field, before anything is stored."""
    wrong = {
        "host": not values["host"],
        "port": not (values["port"].isdigit() and 0 < int(values["port"]) < 65536),
        "tls": values["tls"] not in {c.value for c in TlsChoice},
        "login": not values["login"],
        "auth": values["auth"] not in {k.value for k in AuthKind},
        "secret": not values["secret"],
    }
    return [(field, FIELD_ERRORS[field]) for field in FIELDS if wrong[field]]


@router.post("/mailbox")
async def save_mailbox(
    request: Request, inst: InstallationDep, visitor: FormVisitorDep, conn: ConnectorDep
) -> Response:
    """Add my mailbox, or give it new connection details (it stays off until enabled)."""
    form = await request.form()
    values = {key: str(form.get(key, "")).strip()[:20000] for key in FIELDS}
    values["secret"] = str(form.get("secret", ""))[:20000]  # a password may start with a space
    errors = _check_form(values)
    if not errors:
        item = MailboxInput(
            visitor.user.email, values["host"], int(values["port"]), TlsChoice(values["tls"]),
            values["login"], values["secret"], AuthKind(values["auth"]),
        )  # fmt: skip
        try:
            await anyio.to_thread.run_sync(add_mailbox, inst.uow, conn.secrets, visitor.actor, item)
        except (InvalidInput, Conflict, PermissionDenied) as refused:
            errors = [("", str(refused))]
        else:
            return RedirectResponse("/mailbox?done=added", status_code=303)
    mailbox = await anyio.to_thread.run_sync(_my_mailbox, inst, visitor)
    return _page(request, visitor, mailbox, form={**values, "secret": ""}, errors=errors)


@router.post("/mailbox/{mailbox_id}/enable")
async def test_and_enable(
    inst: InstallationDep, visitor: FormVisitorDep, conn: ConnectorDep, mailbox_id: MailboxId
) -> Response:
    """Test & Enable; what it found (or why it failed) is the newest alert."""
    try:
        await anyio.to_thread.run_sync(
            lambda: enable.run_mailbox_test(inst.uow, conn, visitor.actor, mailbox_id, enable=True)
        )
    except (*SERVER_FAILED, InvalidInput):
        return RedirectResponse("/mailbox?done=enable-failed#alerts", status_code=303)
    return RedirectResponse("/mailbox?done=enabled", status_code=303)


def _tree_order(folder: ServerFolderView) -> tuple[bool, list[str]]:
    """The Inbox first, then every folder after its parent (servers list them in any order)."""
    parts = folder.name.split(folder.delimiter) if folder.delimiter else [folder.name]
    return folder.name.upper() != "INBOX", [part.casefold() for part in parts]


def _folder_tree(
    inst: Installation, conn: MailboxConnector, visitor: Visitor, mailbox_id: int
) -> tuple[list[ServerFolderView], dict[str, dict[str, Any] | None]]:
    """The server's folders, and each linked folder's record (None: one the user may not see)."""
    listed = sorted(
        folders.server_folders(inst.uow.read_only, conn, visitor.actor, mailbox_id),
        key=_tree_order,
    )
    records: dict[str, dict[str, Any] | None] = {}
    for folder in listed:
        if folder.regarding:
            try:
                ref = RecordRef.parse(folder.regarding)
                records[folder.regarding] = get_record(
                    inst.uow.read_only, visitor.actor, ref
                ).as_dict()
            except NotFound:
                records[folder.regarding] = None
    return listed, records


@router.get("/mailbox/{mailbox_id}/folders")
async def folder_tree(
    request: Request,
    inst: InstallationDep,
    visitor: VisitorDep,
    conn: ConnectorDep,
    mailbox_id: MailboxId,
) -> Response:
    """The folder tree: a fragment for htmx, else a page of its own."""
    listed: list[ServerFolderView] = []
    records: dict[str, dict[str, Any] | None] = {}
    error = ""
    try:
        listed, records = await anyio.to_thread.run_sync(
            _folder_tree, inst, conn, visitor, mailbox_id
        )
    except SERVER_FAILED as failed:
        error = str(failed)
    fragment = bool(request.headers.get("HX-Request") and request.headers.get("HX-Target"))
    return render(
        request,
        "fragments/folder_tree.html" if fragment else "mailbox_folders.html",
        visitor,
        mailbox_id=mailbox_id,
        folders=listed,
        records=records,
        error=error,
    )


def _done(notice: str) -> Response:
    return RedirectResponse(f"/mailbox?done={notice}#folders", status_code=303)


@router.post("/mailbox/{mailbox_id}/folders/track")
async def track_folder(
    inst: InstallationDep,
    visitor: FormVisitorDep,
    conn: ConnectorDep,
    mailbox_id: MailboxId,
    folder: FolderField,
) -> Response:
    await anyio.to_thread.run_sync(
        lambda: folders.track_folder(inst.uow, conn, visitor.actor, mailbox_id, folder)
    )
    return _done("tracked")


@router.post("/mailbox/{mailbox_id}/folders/untrack")
async def untrack_folder(
    inst: InstallationDep, visitor: FormVisitorDep, mailbox_id: MailboxId, folder: FolderField
) -> Response:
    await anyio.to_thread.run_sync(
        folders.untrack_folder, inst.uow, visitor.actor, mailbox_id, folder
    )
    return _done("untracked")


@router.post("/mailbox/{mailbox_id}/folders/regarding")
async def folder_regarding(
    inst: InstallationDep,
    visitor: FormVisitorDep,
    mailbox_id: MailboxId,
    folder: FolderField,
    record: Annotated[str, Form(max_length=60)] = "",
) -> Response:
    """``record`` is ``TYPE:ID``; empty unlinks the folder."""
    ref = RecordRef.parse(record) if record else None  # InvalidInput when it is not TYPE:ID
    await anyio.to_thread.run_sync(
        folders.set_folder_regarding, inst.uow, visitor.actor, mailbox_id, folder, ref
    )
    return _done("folder-regarding")


@router.post("/mailbox/{mailbox_id}/failures/retry")
async def retry_failed(
    inst: InstallationDep,
    visitor: FormVisitorDep,
    mailbox_id: MailboxId,
    folder: FolderField,
    uid: Annotated[int, Form(ge=1, le=2**32 - 1)],
) -> Response:
    await anyio.to_thread.run_sync(
        failures.retry_failed_message, inst.uow, visitor.actor, mailbox_id, folder, uid
    )
    return RedirectResponse("/mailbox?done=retry#failed", status_code=303)
