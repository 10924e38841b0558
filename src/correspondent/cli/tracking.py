"""Commands that track mail and work with activities."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, TypeVar

import typer

from correspondent.cli.context import (
    STATE,
    err_console,
    exit_code_for,
    handle_errors,
    out_console,
    print_json,
)
from correspondent.domain.access import OPERATOR
from correspondent.domain.activity import TrackerSource
from correspondent.domain.errors import CorrespondentError
from correspondent.domain.records import RecordRef
from correspondent.services.activities import attachments, queries
from correspondent.services.activities import regarding as relinking
from correspondent.services.activities.mail_import import (
    MailboxFormat,
    count_messages,
    iter_mailbox,
)
from correspondent.services.admin import quarantine as quarantined

if TYPE_CHECKING:
    from correspondent.bootstrap import Installation
    from correspondent.services.activities.track import MessageTracker
    from correspondent.services.activities.views import ActivitySummaryView, ActivityView

activity_app = typer.Typer(no_args_is_help=True, help="Email activities.")
attachment_app = typer.Typer(no_args_is_help=True, help="Attachments of activities.")
quarantine_app = typer.Typer(no_args_is_help=True, help="Messages that could not be tracked.")

T = TypeVar("T")
IMPORT_BATCH = 50
"""Messages per transaction when importing: amortises commits, bounds memory."""


def batched(items: Iterable[T], size: int) -> Iterator[list[T]]:
    """Lists of up to ``size`` items (itertools.batched arrives in Python 3.12)."""
    batch: list[T] = []
    for item in items:
        batch.append(item)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


Json = Annotated[bool, typer.Option("--json", help="Print JSON.")]
UserOpt = Annotated[str, typer.Option("--user", help="The tracking user's email address.")]
RegardingOpt = Annotated[str | None, typer.Option("--regarding", help="TYPE:ID")]


def register(app: typer.Typer) -> None:
    app.command("track")(track)
    app.command("import")(import_mail)
    app.command("set-regarding")(set_regarding)
    app.command("untrack")(untrack)
    app.add_typer(activity_app, name="activity")
    app.add_typer(attachment_app, name="attachment")
    app.add_typer(quarantine_app, name="quarantine")


def _print_activity_line(view: ActivityView | ActivitySummaryView, outcome: str = "") -> None:
    regarding = view.regarding
    about = f" regarding {regarding.type}:{regarding.id}" if regarding else ""
    out_console.print(
        f"{outcome}activity {view.id}: {view.subject!r} ({view.direction}){about}",
        highlight=False,
    )


def _tracking(regarding: str | None) -> tuple[Installation, MessageTracker, RecordRef | None]:
    """What both track and import need: the installation, a tracker, the regarding record."""
    # Imported here, not at the top: the parser and the pipeline slow down every other command.
    from correspondent.services.activities.track import MessageTracker

    installation = STATE.installation()
    ref = RecordRef.parse(regarding) if regarding else None
    return installation, MessageTracker(installation.uow, installation.blobs), ref


@handle_errors
def track(
    files: Annotated[list[Path], typer.Argument(exists=True, dir_okay=False, readable=True)],
    user: UserOpt,
    regarding: RegardingOpt = None,
    json_output: Json = False,
) -> None:
    """Track one or more .eml files for a user."""
    from correspondent.services.activities.track import TrackRequest
    from correspondent.services.activities.track_for_user import outcome_message

    installation, tracker, ref = _tracking(regarding)
    results: list[dict[str, Any]] = []
    failed = 0
    for path in files:
        try:
            result = tracker.track(
                TrackRequest(path.read_bytes(), user, ref, TrackerSource.MANUAL, origin=str(path))
            )
        except CorrespondentError as error:
            failed = exit_code_for(error)
            err_console.print(f"[red]Error[/red] ({path}): {error}", highlight=False)
            results.append({"file": str(path), "error": str(error)})
            continue
        view = queries.get_activity(installation.uow, OPERATOR, result.activity_id)
        results.append(
            {
                "file": str(path),
                "created": result.created,
                "tracker_added": result.tracker_added,
                "activity": view.as_json(bodies=False),
            }
        )
        if not json_output:
            _print_activity_line(view, "new " if result.created else "existing ")
            if not result.created:
                out_console.print(f"  {outcome_message(result)}", highlight=False)
    if json_output:
        print_json(results)
    if failed:
        raise typer.Exit(failed)


@handle_errors
def import_mail(
    format_: Annotated[MailboxFormat, typer.Argument(metavar="FORMAT", help="mbox | maildir")],
    path: Annotated[Path, typer.Argument(exists=True)],
    user: UserOpt,
    regarding: RegardingOpt = None,
    json_output: Json = False,
) -> None:
    """Track every message of an mbox file or a Maildir folder (source: import)."""
    from rich.progress import Progress

    from correspondent.services.activities.track import (
        MessageQuarantined,
        TrackRequest,
        TrackResult,
    )

    _installation, tracker, ref = _tracking(regarding)
    summary = {"messages": 0, "created": 0, "existing": 0, "quarantined": 0, "failed": 0}
    errors: list[str] = []
    with Progress(disable=json_output) as progress:
        task = progress.add_task("Tracking", total=count_messages(format_, path))
        for batch in batched(iter_mailbox(format_, path), IMPORT_BATCH):
            requests = [
                TrackRequest(raw, user, ref, TrackerSource.IMPORT, origin=origin)
                for origin, raw in batch
            ]
            for request, outcome in zip(requests, tracker.track_batch(requests), strict=True):
                summary["messages"] += 1
                if isinstance(outcome, TrackResult):
                    summary["created" if outcome.created else "existing"] += 1
                elif isinstance(outcome, MessageQuarantined):
                    summary["quarantined"] += 1
                    errors.append(f"{request.origin}: {outcome}")
                else:
                    summary["failed"] += 1
                    errors.append(f"{request.origin}: {outcome}")
            progress.advance(task, len(batch))
            if summary["failed"] and summary["created"] + summary["existing"] == 0:
                break  # a problem with the user or the regarding record fails every message
    if json_output:
        print_json({**summary, "errors": errors})
    else:
        for line in errors[:20]:
            err_console.print(line, highlight=False)
        out_console.print(
            f"{summary['messages']} messages: {summary['created']} new activities, "
            f"{summary['existing']} already tracked, {summary['quarantined']} quarantined, "
            f"{summary['failed']} failed."
        )
    if summary["failed"]:
        raise typer.Exit(1)


@activity_app.command("show")
@handle_errors
def activity_show(activity_id: int, json_output: Json = False) -> None:
    """Show one activity with its parties, attachments and trackers."""
    view = queries.get_activity(STATE.installation().uow, OPERATOR, activity_id)
    if json_output:
        print_json(view.as_json())
        return
    _print_activity_line(view)
    trackers = ", ".join(sorted({t.user for t in view.trackers})) or "nobody"
    out_console.print(f"  status: {view.status} (tracked by {trackers})", highlight=False)
    for party in view.parties:
        record = party.record
        target = f"{record.type}:{record.id} {record.name}" if record else "unresolved"
        out_console.print(f"  {party.role:<4} {party.address} -> {target}", highlight=False)
    for item in view.attachments:
        out_console.print(
            f"  attachment {item.id}: {item.filename} ({item.size} bytes, {item.status})",
            highlight=False,
        )
    for note in view.notifications:
        out_console.print(f"  note: {note}", highlight=False)


LIST_PAGE = 200
"""Activities fetched per query by ``activity list`` (the largest page the listing serves)."""


@activity_app.command("list")
@handle_errors
def activity_list(
    regarding: RegardingOpt = None,
    party: Annotated[str | None, typer.Option("--party", help="TYPE:ID")] = None,
    limit: Annotated[
        int, typer.Option("--limit", min=1, help="Show at most N activities, newest first.")
    ] = LIST_PAGE,
    all_: Annotated[bool, typer.Option("--all", help="Show every activity (no limit).")] = False,
    json_output: Json = False,
) -> None:
    """List activities, newest first, optionally by regarding or party record.

    Says on stderr when more activities exist than were shown.
    """
    wanted = queries.ActivityFilter(
        regarding=RecordRef.parse(regarding) if regarding else None,
        party=RecordRef.parse(party) if party else None,
    )
    uow = STATE.installation().uow
    # A line needs only the summary's columns, read in a few queries for the whole page; the
    # JSON answer is each activity in full (parties, attachments), a few queries per activity.
    shown: list[ActivityView] = []
    count = 0
    cursor: str | None = None
    while True:
        size = LIST_PAGE if all_ else min(LIST_PAGE, limit - count)
        if json_output:
            full = queries.list_activities_in_full(uow, OPERATOR, wanted, cursor=cursor, limit=size)
            shown.extend(full.items)
            count, cursor = len(shown), full.next_cursor
        else:
            page = queries.list_activities(uow, OPERATOR, wanted, cursor=cursor, limit=size)
            for summary in page.items:
                _print_activity_line(summary)
            count, cursor = count + len(page.items), page.next_cursor
        if cursor is None or (not all_ and count >= limit):
            break
    if json_output:
        print_json([view.as_json(bodies=False) for view in shown])
    if cursor is not None:
        err_console.print(
            f"Showing the newest {count} activities; more exist "
            "(--all shows every one, --limit N the newest N).",
            highlight=False,
        )


@activity_app.command("export")
@handle_errors
def activity_export(
    activity_id: int, out: Annotated[Path, typer.Option("--out", help="Target .eml file.")]
) -> None:
    """Write the original message, byte for byte."""
    installation = STATE.installation()
    out.write_bytes(
        attachments.raw_message(installation.uow, installation.blobs, OPERATOR, activity_id).data
    )
    out_console.print(f"Wrote {out}")


@handle_errors
def set_regarding(
    activity_id: int, regarding: Annotated[str, typer.Argument(metavar="TYPE:ID")], user: UserOpt
) -> None:
    """Link an activity to a regarding record."""
    relinking.set_regarding(
        STATE.installation().uow, OPERATOR, activity_id, RecordRef.parse(regarding), user
    )
    out_console.print(f"Activity {activity_id} is now regarding {regarding}.")


@handle_errors
def untrack(
    activity_id: int,
    user: UserOpt,
    delete_activity: Annotated[bool, typer.Option("--delete-activity")] = False,
) -> None:
    """Stop tracking an activity; optionally delete it when nobody tracks it any more."""
    installation = STATE.installation()
    # Imported here: untracking by message needs the MIME parser, which other commands do not.
    from correspondent.services.activities import untrack as untracking

    deleted = untracking.untrack(
        installation.uow,
        installation.blobs,
        OPERATOR,
        activity_id,
        user,
        delete_activity=delete_activity,
    )
    if deleted:
        kept = "the activity is deleted"
    else:
        status = queries.get_activity(installation.uow, OPERATOR, activity_id).status
        kept = f"the activity is kept ({status})"
    out_console.print(f"{user} no longer tracks activity {activity_id}; {kept}.", highlight=False)


@attachment_app.command("remove")
@handle_errors
def attachment_remove(activity_id: int, attachment_id: int, user: UserOpt) -> None:
    """Remove an attachment from an activity (stop sharing it)."""
    installation = STATE.installation()
    attachments.remove_attachment(
        installation.uow, installation.blobs, OPERATOR, activity_id, attachment_id, user
    )
    out_console.print(f"Removed attachment {attachment_id} from activity {activity_id}.")


@quarantine_app.command("list")
@handle_errors
def quarantine_list(json_output: Json = False) -> None:
    """Messages that could not be tracked, with the reason."""
    items = quarantined.list_quarantine(STATE.installation().uow, OPERATOR)
    rows = [
        {
            "id": q.id,
            "source": q.source,
            "reason": q.reason,
            "size": q.raw_size,
            "received_at": q.received_at.isoformat(),
            "blob": q.raw_blob_hash,
        }
        for q in items
    ]
    if json_output:
        print_json(rows)
    else:
        for row in rows:
            out_console.print(f"{row['id']}: {row['source']}: {row['reason']}", highlight=False)
        out_console.print(f"{len(rows)} quarantined message(s).")


@quarantine_app.command("retry")
@handle_errors
def quarantine_retry(item_id: int, json_output: Json = False) -> None:
    """Track a quarantined message again for its user (it leaves the quarantine if tracked)."""
    installation = STATE.installation()
    outcome = quarantined.retry_quarantined(installation.uow, installation.blobs, OPERATOR, item_id)
    if json_output:
        print_json(
            {
                "quarantine_id": outcome.quarantine_id,
                "tracked": outcome.tracked,
                "activity_id": outcome.activity_id,
                "reason": outcome.reason,
            }
        )
    elif outcome.tracked:
        out_console.print(
            f"Tracked quarantined message {item_id} as activity {outcome.activity_id}."
        )
    else:
        out_console.print(
            f"Quarantined message {item_id} was refused again: {outcome.reason}", highlight=False
        )


@quarantine_app.command("export")
@handle_errors
def quarantine_export(
    item_id: int, out: Annotated[Path, typer.Option("--out", help="Target .eml file.")]
) -> None:
    """Write the quarantined message, byte for byte."""
    installation = STATE.installation()
    content = quarantined.quarantined_original(
        installation.uow, installation.blobs, OPERATOR, item_id
    )
    out.write_bytes(content.data)
    out_console.print(f"Wrote {out}")
