"""Retrying one failed message now (BEHAVIOUR §2, §10: per-message failures are listed, and
the owner can have one tried again instead of waiting for its back-off, or after the sync gave
up on it).

The message goes back on the schedule from its first attempt, due at once; the sync's next full
pass over the folder tries it (``sync.keywords.retry_failures``). Nothing is tracked here: the
owner's mailbox is read only by the sync.
"""

from __future__ import annotations

from datetime import UTC, datetime

from correspondent.domain.access import Actor
from correspondent.domain.errors import NotFound
from correspondent.services.mailboxes.folders import find_folder
from correspondent.services.mailboxes.ownership import require_mailbox
from correspondent.services.ports import UnitOfWorkFactory


def retry_failed_message(
    uow_factory: UnitOfWorkFactory, actor: Actor, mailbox_id: int, folder: str, uid: int
) -> None:
    """Make the failed message ``uid`` of ``folder`` due now (owner or administrator)."""
    with uow_factory() as uow:
        require_mailbox(uow, actor, mailbox_id)
        found = find_folder(uow, mailbox_id, folder)
        if found is None or found.id is None:
            raise NotFound(f"The mailbox has no watched folder {folder!r}.")
        if uow.mailboxes.messages.retry_now(found.id, uid, datetime.now(UTC)) == 0:
            raise NotFound(f"Message {uid} of {folder!r} is not in the failed list.")
        uow.commit()
