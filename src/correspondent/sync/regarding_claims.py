"""Set Regarding headers on sent mail: verify each, honour the genuine, say why the others are
refused (``domain.regarding_header``).

Only the Sent folder is looked at: the header travels with the message, so a colleague's copy
in their Inbox carries the sender's header, which is not theirs to honour and not an attack.
A refused header (forged, another user's, expired, from another server) leaves the message to
the usual rules and adds a warning to the mailbox's alerts, shown with its status in the web
app, the API and the CLI, naming the message and the reason. It is said once: on the pass that
first sees the message.
"""

from __future__ import annotations

from collections.abc import Mapping

from correspondent.domain.mailbox import Alert, AlertLevel, FolderRole, WatchedFolder
from correspondent.domain.records import RecordRef
from correspondent.domain.regarding_header import HeaderRefused, verify
from correspondent.sync.context import SyncContext
from correspondent.sync.facts import HeaderSummary


def verified_claims(
    ctx: SyncContext,
    folder: WatchedFolder,
    summaries: Mapping[int, HeaderSummary],
    *,
    first_look: bool,
) -> dict[int, RecordRef]:
    """The regarding record each genuine header claims, by UID; alerts for the refused ones."""
    if folder.role is not FolderRole.SENT or ctx.regarding_key is None:
        return {}
    claims: dict[int, RecordRef] = {}
    refused: list[str] = []
    now = ctx.now()
    for uid, summary in sorted(summaries.items()):
        if not summary.regarding_header:
            continue
        try:
            claim = verify(
                ctx.regarding_key, summary.regarding_header, user_id=ctx.user_id, now=now
            )
        except HeaderRefused as reason:
            named = f"<{summary.message_id}>" if summary.message_id else f"UID {uid}"
            refused.append(
                f"Set Regarding on the sent message {named} in {folder.name!r} was refused: "
                f"{reason}. The message was handled as if it had none."
            )
            continue
        claims[uid] = claim.regarding
    if refused and first_look:
        with ctx.uow_factory() as uow:
            ctx.renew_lease(uow)
            for text in refused:
                uow.mailboxes.add_alert(ctx.mailbox_id, Alert(AlertLevel.WARNING, text, now))
            uow.commit()
    return claims
