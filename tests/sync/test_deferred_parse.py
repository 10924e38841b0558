"""The sync worker retries a message whose parse was deferred (a starved machine) instead of
quarantining it, and tracks it on the next attempt (issue 8, point 5)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from correspondent.domain.access import OPERATOR
from correspondent.domain.message_retry import MessageRetryPolicy
from correspondent.mail.limits import ParseLimits
from correspondent.services.activities.track import MessageTracker
from correspondent.services.mailboxes.status import mailbox_status
from correspondent.sync.runner import SyncRunner
from tests.sync.harness import SyncEnv, fast_config

pytestmark = pytest.mark.dovecot

NO_WAIT = MessageRetryPolicy(max_attempts=3, first=timedelta(0), cap=timedelta(0))


def _runner(env: SyncEnv, limits: ParseLimits | None) -> SyncRunner:
    tracker = MessageTracker(env.installation.uow, env.installation.blobs, limits)
    config = fast_config(use_idle=False, message_retry=NO_WAIT)
    return SyncRunner(env.installation.uow, tracker, env.connector, config)


def test_deferred_message_is_retried_not_quarantined(env: SyncEnv) -> None:
    env.set_option("incoming_tracking", "all")
    message_id = env.append("INBOX")
    _runner(env, ParseLimits(elapsed_limit_seconds=0)).sync_once()
    view = mailbox_status(env.installation.uow, OPERATOR, env.mailbox_id)
    [failure] = view.failed_messages
    assert "too busy" in str(failure.reason) and failure.gave_up is False
    with env.installation.uow() as uow:
        assert uow.quarantine.list(limit=10) == []
    assert env.activity(message_id) is None

    _runner(env, None).sync_once()
    assert env.activity(message_id) is not None
    view = mailbox_status(env.installation.uow, OPERATOR, env.mailbox_id)
    assert view.failed_messages == []
