"""``correspondent mailbox …`` (server-side sync of IMAP mailboxes) and ``correspondent worker``."""

from __future__ import annotations

import logging
import signal
import sys
import threading
from dataclasses import asdict
from datetime import datetime, timedelta
from types import FrameType
from typing import Annotated

import typer

from correspondent.bootstrap import Installation
from correspondent.cli.context import STATE, handle_errors, out_console, print_json
from correspondent.domain.access import OPERATOR
from correspondent.domain.errors import InvalidInput
from correspondent.domain.mailbox import AuthKind, BackoffPolicy, TlsChoice
from correspondent.domain.records import RecordRef
from correspondent.domain.regarding_header import derive_key
from correspondent.services.activities.track import MessageTracker
from correspondent.services.blob_collection import housekeep_blobs
from correspondent.services.mailboxes import add as adding
from correspondent.services.mailboxes import enable as enabling
from correspondent.services.mailboxes import folders as tracked_folders
from correspondent.services.mailboxes import remove as removing
from correspondent.services.mailboxes import status as mailbox_status
from correspondent.services.mailboxes.connect import MailboxConnector
from correspondent.services.mailboxes.secrets import SecretBox, installation_secret
from correspondent.services.mailboxes.status import MailboxView
from correspondent.sync.runner import RunnerConfig, SyncRunner

mailbox_app = typer.Typer(no_args_is_help=True, help="IMAP mailboxes synced by the server.")
Json = Annotated[bool, typer.Option("--json", help="Print JSON.")]
MailboxId = Annotated[int, typer.Argument(help="The mailbox id (see 'mailbox status').")]


def register(app: typer.Typer) -> None:
    app.add_typer(mailbox_app, name="mailbox")
    app.command("worker")(worker)


def connector_for(installation: Installation) -> MailboxConnector:
    settings = installation.settings
    return MailboxConnector(SecretBox.for_settings(settings), ca_file=settings.imap_ca_file)


def build_runner(installation: Installation, config: RunnerConfig | None = None) -> SyncRunner:
    tracker = MessageTracker(installation.uow, installation.blobs)
    config = config or RunnerConfig()
    if config.regarding_key is None:
        config.regarding_key = derive_key(installation_secret(installation.settings))

    def sweep_blobs() -> str:
        unused, orphaned = housekeep_blobs(installation.uow, installation.blobs)
        return f"deleted {unused} unused and {orphaned} orphaned blob file(s)"

    return SyncRunner(
        installation.uow, tracker, connector_for(installation), config, housekeeping=sweep_blobs
    )


@mailbox_app.command("add")
@handle_errors
def add(
    address: Annotated[str, typer.Argument(help="The mailbox's email address.")],
    host: Annotated[str, typer.Option(help="IMAP server host name.")],
    login: Annotated[str, typer.Option(help="IMAP login name.")],
    port: Annotated[int, typer.Option(help="IMAP port (993 implicit TLS, 143 STARTTLS).")] = 993,
    tls: Annotated[TlsChoice, typer.Option(help="implicit, starttls or plain (loopback only).")] = (
        TlsChoice.IMPLICIT
    ),
    user: Annotated[str | None, typer.Option(help="Owner's CRM address (default ADDRESS).")] = None,
    password_stdin: Annotated[bool, typer.Option(help="Read the password from stdin.")] = False,
    oauth2_token_stdin: Annotated[
        bool, typer.Option(help="Read an OAuth2 access token from stdin (SASL XOAUTH2).")
    ] = False,
    process_from: Annotated[
        datetime | None, typer.Option(help="Automatic tracking considers mail from this time.")
    ] = None,
) -> None:
    """Add a mailbox (or replace its credentials). It is synced after 'mailbox enable'."""
    if password_stdin == oauth2_token_stdin:
        raise InvalidInput("Give exactly one of --password-stdin or --oauth2-token-stdin.")
    secret = sys.stdin.readline().rstrip("\r\n")
    if process_from is not None and process_from.tzinfo is None:
        process_from = process_from.astimezone()
    installation = STATE.installation()
    item = adding.MailboxInput(
        address, host, port, tls, login, secret,
        AuthKind.XOAUTH2 if oauth2_token_stdin else AuthKind.PASSWORD, user, process_from,
    )  # fmt: skip
    secrets = connector_for(installation).secrets
    mailbox = adding.add_mailbox(installation.uow, secrets, OPERATOR, item)
    out_console.print(
        f"Mailbox {mailbox.id} ({mailbox.address}) saved; run 'correspondent mailbox enable "
        f"{mailbox.id}' to test it and start syncing.",
        highlight=False,
    )


def _test(mailbox_id: int, enable: bool) -> None:
    installation = STATE.installation()
    report = enabling.run_mailbox_test(
        installation.uow, connector_for(installation), OPERATOR, mailbox_id, enable=enable
    )
    out_console.print(
        f"Connection and login OK: {report.folders} folders, Sent folder "
        f"{report.sent_folder or '(none found)'}; capabilities: "
        f"{' '.join(report.capabilities)}",
        highlight=False,
    )
    if enable:
        out_console.print(f"Mailbox {mailbox_id} is enabled.")


@mailbox_app.command("test")
@handle_errors
def test(mailbox_id: MailboxId) -> None:
    """Connect, log in and check the address, without enabling."""
    _test(mailbox_id, enable=False)


@mailbox_app.command("enable")
@handle_errors
def enable(mailbox_id: MailboxId) -> None:
    """Test & Enable: check connection and identity, then start syncing."""
    _test(mailbox_id, enable=True)


@mailbox_app.command("disable")
@handle_errors
def disable(mailbox_id: MailboxId) -> None:
    """Stop syncing the mailbox (its activities stay)."""
    enabling.disable_mailbox(STATE.installation().uow, OPERATOR, mailbox_id)
    out_console.print(f"Mailbox {mailbox_id} is disabled.")


@mailbox_app.command("remove")
@handle_errors
def remove(mailbox_id: MailboxId) -> None:
    """Remove the mailbox and its sync state; the activities tracked from it stay."""
    removed = removing.remove_mailbox(STATE.installation().uow, OPERATOR, mailbox_id)
    out_console.print(
        f"Mailbox {mailbox_id} ({removed.address}) removed; its activities stay.", highlight=False
    )


@mailbox_app.command("status")
@handle_errors
def status(
    mailbox_id: Annotated[int | None, typer.Argument()] = None, json_output: Json = False
) -> None:
    """State, last sync, folders, skipped counts, alerts and failed messages."""
    uow = STATE.installation().uow
    views = (
        mailbox_status.list_mailboxes(uow, OPERATOR)
        if mailbox_id is None
        else [mailbox_status.mailbox_status(uow, OPERATOR, mailbox_id)]
    )
    if json_output:
        print_json([asdict(view) for view in views])
        return
    for view in views:
        _print_status(view)


def _print_status(view: MailboxView) -> None:
    out_console.print(
        f"[bold]{view.id}[/bold] {view.address} ({view.server}): {view.status}, "
        f"last sync {view.last_sync_at or 'never'}"
        + (f", last error: {view.last_error}" if view.last_error else ""),
        highlight=False,
    )
    for folder in view.folders:
        tracked = " tracked" if folder.tracked else ""
        about = f" regarding {folder.regarding}" if folder.regarding else ""
        gone = "" if folder.active else " (inactive)"
        skipped = ", ".join(f"{k}: {v}" for k, v in sorted(folder.skipped.items()))
        out_console.print(
            f"  {folder.name} [{folder.role}{tracked}]{about}{gone} last UID "
            f"{folder.last_uid}" + (f"; skipped {skipped}" if skipped else ""),
            highlight=False,
        )
    for failure in view.failed_messages:
        out_console.print(
            f"  failed: {failure.folder} UID {failure.uid} ({failure.attempts} tries"
            + (", gave up" if failure.gave_up else "")
            + f"): {failure.reason}",
            highlight=False,
        )
    for alert in view.alerts[:5]:
        out_console.print(f"  {alert.level}: {alert.text}", highlight=False)


@mailbox_app.command("folders")
@handle_errors
def folders(mailbox_id: MailboxId, json_output: Json = False) -> None:
    """The server's folders and which ones are watched or tracked."""
    installation = STATE.installation()
    views = tracked_folders.server_folders(
        installation.uow, connector_for(installation), OPERATOR, mailbox_id
    )
    if json_output:
        print_json([asdict(view) for view in views])
        return
    for view in views:
        marks = [m for m in (view.special_use, view.watched) if m]
        if view.tracked:
            marks.append("tracked" + (f" regarding {view.regarding}" if view.regarding else ""))
        out_console.print(f"{view.name}  {' '.join(marks)}", highlight=False)


@mailbox_app.command("track-folder")
@handle_errors
def track_folder(
    mailbox_id: MailboxId,
    folder: Annotated[str, typer.Argument(help="Full folder name, e.g. 'Clients/Acme'.")],
    regarding: Annotated[str | None, typer.Option(help="TYPE:ID")] = None,
) -> None:
    """Track a folder: its messages, and those moved into it, become activities."""
    installation = STATE.installation()
    ref = RecordRef.parse(regarding) if regarding else None
    tracked_folders.track_folder(
        installation.uow, connector_for(installation), OPERATOR, mailbox_id, folder, ref
    )
    out_console.print(f"Folder {folder!r} is tracked.", highlight=False)


@mailbox_app.command("untrack-folder")
@handle_errors
def untrack_folder(mailbox_id: MailboxId, folder: str) -> None:
    """Stop tracking a folder; messages already tracked stay tracked."""
    tracked_folders.untrack_folder(STATE.installation().uow, OPERATOR, mailbox_id, folder)
    out_console.print(f"Folder {folder!r} is no longer tracked.", highlight=False)


@mailbox_app.command("folder-regarding")
@handle_errors
def folder_regarding(
    mailbox_id: MailboxId,
    folder: str,
    regarding: Annotated[str, typer.Argument(help="TYPE:ID, or 'none'.")],
) -> None:
    """Link a tracked folder to a record; every message in it is re-linked."""
    ref = None if regarding.lower() == "none" else RecordRef.parse(regarding)
    count = tracked_folders.set_folder_regarding(
        STATE.installation().uow, OPERATOR, mailbox_id, folder, ref
    )
    out_console.print(f"Folder {folder!r} linked; {count} activities re-linked.", highlight=False)


@handle_errors
def worker(
    once: Annotated[bool, typer.Option(help="One pass over due mailboxes, then exit.")] = False,
    idle: Annotated[bool, typer.Option(help="Use IMAP IDLE for instant updates.")] = True,
    poll_interval: Annotated[float, typer.Option(help="Seconds between full passes.")] = 60.0,
    max_mailboxes: Annotated[int, typer.Option(help="Mailboxes synced at once.")] = 500,
    backoff_first: Annotated[float, typer.Option(help="First retry delay, seconds.")] = 15.0,
    lease_seconds: Annotated[
        float, typer.Option(help="A dead worker's mailboxes are taken over after this.")
    ] = 60.0,
) -> None:
    """Sync every enabled mailbox until SIGTERM (or Ctrl-C)."""
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    config = RunnerConfig(
        use_idle=idle,
        poll_interval=poll_interval,
        max_mailboxes=max_mailboxes,
        backoff=BackoffPolicy(first=timedelta(seconds=backoff_first)),
        lease_for=timedelta(seconds=lease_seconds),
    )
    runner = build_runner(STATE.installation(), config)
    if once:
        runner.sync_once()
        return
    run_until_signalled(runner)


def run_until_signalled(runner: SyncRunner) -> None:
    """Run the sync in this thread; SIGTERM and SIGINT stop it cleanly."""

    def _stop(signum: int, _frame: FrameType | None) -> None:
        runner.stop()

    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGTERM, _stop)
        signal.signal(signal.SIGINT, _stop)
    out_console.print(f"Sync worker {runner.owner} running; SIGTERM stops it.", highlight=False)
    runner.run()


def start_background_sync(installation: Installation) -> tuple[SyncRunner, threading.Thread]:
    """Run the sync in a thread of this process (``serve``); uvicorn owns the signals."""
    runner = build_runner(installation)
    thread = threading.Thread(target=runner.run, name="mailbox-sync", daemon=True)
    thread.start()
    return runner, thread


def stop_background_sync(started: tuple[SyncRunner, threading.Thread]) -> None:
    runner, thread = started
    runner.stop()
    thread.join(timeout=60)
