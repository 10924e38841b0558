"""Untracking in the CRM removes ``$Tracked`` from the message on the server (BEHAVIOUR §8), so
no mail client shows it as tracked and a UIDVALIDITY resync does not track it again."""

from __future__ import annotations

import pytest

from correspondent.domain.access import OPERATOR
from correspondent.services.activities.track import MessageTracker, TrackRequest
from correspondent.services.activities.untrack import untrack
from tests.sync.harness import SyncEnv

pytestmark = pytest.mark.dovecot


def _renumber_inbox(env: SyncEnv) -> None:
    """Pretend the server renumbered the Inbox: the stored UIDVALIDITY no longer matches."""
    with env.installation.uow() as uow:
        [inbox] = [f for f in uow.mailboxes.folders(env.mailbox_id) if f.role.value == "inbox"]
        assert inbox.id is not None and inbox.state.uidvalidity is not None
        uow.mailboxes.reset_state(inbox.id, inbox.state.uidvalidity - 1)
        uow.commit()


def test_untracking_in_the_crm_clears_tracked_keyword_and_survives_a_resync(
    env: SyncEnv,
) -> None:
    by_keyword = env.append("INBOX", flags=("Track",))
    message_id, raw = env.message()
    env.client.append("INBOX", raw)
    env.sync()
    MessageTracker(env.installation.uow, env.installation.blobs).track(
        TrackRequest(raw, env.user.email)
    )
    env.sync()
    for tracked in (by_keyword, message_id):
        assert "$Tracked" in env.keywords("INBOX", tracked)

    # One untracked from the CLI/API (activity kept), the other deleted with its activity.
    kept = env.activity(message_id)
    assert kept is not None
    untrack(env.installation.uow, env.installation.blobs, OPERATOR, kept, env.user.email)
    deleted = env.activity(by_keyword)
    assert deleted is not None
    untrack(env.installation.uow, env.installation.blobs, OPERATOR, deleted, env.user.email,
        delete_activity=True,
    )  # fmt: skip
    env.sync()
    for untracked in (by_keyword, message_id):
        assert "$Tracked" not in env.keywords("INBOX", untracked)
    assert env.trackers(kept) == []

    _renumber_inbox(env)
    env.sync()
    assert env.trackers(kept) == []  # not tracked again by the resync
    assert env.activity(by_keyword) is None

    env.store("INBOX", message_id, ["$Tracked"])  # the user may still track it from the client
    env.sync()
    assert env.trackers(kept)
