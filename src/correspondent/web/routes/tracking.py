"""The Track email page: upload one or many .eml files or an .mbox, optionally regarding a record.

Each message goes through the same use case as the API's ``POST /track`` for the signed-in
user; the answer lists every message with a link to its tracking pane, or why it was not
tracked (quarantined with the reason). With htmx the form posts in the background with a
progress bar and only the results are swapped in; without script it is a plain form post.
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass
from pathlib import Path as FilePath
from typing import Annotated, Any

import anyio.to_thread
from fastapi import APIRouter, Query, Request
from fastapi.responses import Response
from starlette.datastructures import UploadFile

from correspondent.api.deps import InstallationDep
from correspondent.bootstrap import Installation
from correspondent.domain.errors import CorrespondentError
from correspondent.domain.records import RecordRef
from correspondent.services.activities.mail_import import MailboxFormat, iter_mailbox
from correspondent.services.activities.track import MessageQuarantined, MessageTracker
from correspondent.services.activities.track_for_user import track_for_user
from correspondent.services.activities.views import ActivityView
from correspondent.services.records.queries import get_record
from correspondent.web.pages import render
from correspondent.web.session import FormVisitorDep, Visitor, VisitorDep

router = APIRouter(include_in_schema=False)
MAX_FILES = 200


@dataclass(frozen=True)
class TrackOutcome:
    """One message of the upload and what became of it."""

    origin: str
    activity: ActivityView | None
    created: bool
    message: str
    quarantined: bool = False


def _messages(filename: str, data: bytes) -> list[tuple[str, bytes]]:
    """The messages in one uploaded file: an .mbox holds many, anything else is one message."""
    if not (filename.lower().endswith(".mbox") or data.startswith(b"From ")):
        return [(filename, data)]
    with tempfile.TemporaryDirectory() as folder:
        path = FilePath(folder) / "upload.mbox"
        path.write_bytes(data)
        return [
            (f"{filename} #{number}", raw)
            for number, (_, raw) in enumerate(iter_mailbox(MailboxFormat.MBOX, path), start=1)
        ]


def track_files(
    inst: Installation,
    visitor: Visitor,
    files: list[tuple[str, bytes]],
    regarding: RecordRef | None,
) -> list[TrackOutcome]:
    tracker = MessageTracker(inst.uow, inst.blobs)
    outcomes = []
    for filename, data in files:
        for origin, raw in _messages(filename, data):
            try:
                done = track_for_user(tracker, visitor.actor, visitor.user, raw, regarding)
            except MessageQuarantined as refused:
                outcomes.append(TrackOutcome(origin, None, False, refused.reason, True))
            except CorrespondentError as error:
                outcomes.append(TrackOutcome(origin, None, False, str(error)))
            else:
                outcomes.append(TrackOutcome(origin, done.activity, done.created, done.message))
    return outcomes


def _regarding(inst: Installation, visitor: Visitor, text: str) -> dict[str, Any] | None:
    if not text:
        return None
    return get_record(inst.uow.read_only, visitor.actor, RecordRef.parse(text)).as_dict()


@router.get("/track")
async def track_page(
    request: Request,
    inst: InstallationDep,
    visitor: VisitorDep,
    regarding: Annotated[str, Query(max_length=60)] = "",
) -> Response:
    record = await anyio.to_thread.run_sync(_regarding, inst, visitor, regarding)
    return render(request, "track.html", visitor, regarding=record, outcomes=None)


@router.post("/track")
async def track_upload(
    request: Request, inst: InstallationDep, visitor: FormVisitorDep
) -> Response:
    form = await request.form()
    uploads = [f for f in form.getlist("files") if isinstance(f, UploadFile) and f.filename]
    regarding_text = form.get("regarding")
    regarding_text = regarding_text if isinstance(regarding_text, str) else ""
    files = [(f.filename or "message.eml", await f.read()) for f in uploads[:MAX_FILES]]
    record = await anyio.to_thread.run_sync(_regarding, inst, visitor, regarding_text)
    ref = RecordRef(record["type"], record["id"]) if record else None
    outcomes = await anyio.to_thread.run_sync(track_files, inst, visitor, files, ref)
    template = "fragments/track_results.html" if request.headers.get("HX-Request") else "track.html"
    return render(
        request,
        template,
        visitor,
        regarding=record,
        outcomes=outcomes,
        too_many=len(uploads) > MAX_FILES,
        status_code=200 if files else 422,
    )
