"""The body of an activity as a reader sees it: the stored sanitised HTML (no remote content),
or, when the reader chooses to load remote content, the original HTML sanitised again with
remote images allowed (BEHAVIOUR §9). The text body is always the stored one."""

from __future__ import annotations

from dataclasses import dataclass

from correspondent.domain.access import Actor
from correspondent.mail.parse import parse_message
from correspondent.mail.sanitize import sanitize_html
from correspondent.services.activities.attachments import raw_message
from correspondent.services.activities.queries import get_activity
from correspondent.services.ports import BlobStore, UnitOfWorkFactory


@dataclass(frozen=True)
class MessageBody:
    html: str | None
    """Sanitised: safe to show in a sandboxed frame."""
    text: str | None
    remote_content_loaded: bool


def message_body(
    uow_factory: UnitOfWorkFactory,
    blobs: BlobStore,
    actor: Actor,
    activity_id: int,
    *,
    load_remote_content: bool = False,
) -> MessageBody:
    """The body for ``actor``, who must read the activity (else NotFound, as everywhere)."""
    view = get_activity(uow_factory, actor, activity_id)
    html, text = view.html_body, view.text_body
    if not (load_remote_content and html):
        return MessageBody(html, text, False)
    parsed = parse_message(raw_message(uow_factory, blobs, actor, activity_id).data)
    if not parsed.html_body:
        return MessageBody(html, text, False)
    return MessageBody(sanitize_html(parsed.html_body, allow_remote_images=True), text, True)
