"""A message that fails to track is retried along the policy, then listed as "gave up" — never
dropped — and Test & Enable puts it back on the schedule (BEHAVIOUR §2, §10)."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa

from correspondent.domain.access import OPERATOR
from correspondent.domain.message_retry import MessageRetryPolicy
from correspondent.services.mailboxes.enable import run_mailbox_test
from correspondent.services.mailboxes.status import FailedMessageView, mailbox_status
from correspondent.storage.tables import users
from tests.sync.harness import SyncEnv

pytestmark = pytest.mark.dovecot

NO_WAIT = MessageRetryPolicy(max_attempts=3, first=timedelta(0), cap=timedelta(0))


def _set_active(env: SyncEnv, active: bool) -> None:
    with env.installation.engine.begin() as conn:
        conn.execute(sa.update(users).where(users.c.id == env.user.id).values(active=active))


def _failed(env: SyncEnv) -> list[FailedMessageView]:
    view = mailbox_status(env.installation.uow, OPERATOR, env.mailbox_id)
    return list(view.failed_messages)


def test_failed_message_backs_off_gives_up_visibly_and_enable_retries(env: SyncEnv) -> None:
    env.set_option("incoming_tracking", "all")
    _set_active(env, False)  # tracking for a deactivated user fails: the CRM's problem
    message_id = env.append("INBOX")
    # With no wait, the first pass reads the new UID (attempt 1) and retries it at its end (2).
    for expected in (2, 3, 3, 3):
        env.runner(use_idle=False, message_retry=NO_WAIT).sync_once()
        [failure] = _failed(env)
        assert failure.attempts == expected
    assert failure.gave_up is True and failure.next_retry_at is None
    assert "deactivated" in str(failure.reason)
    view = mailbox_status(env.installation.uow, OPERATOR, env.mailbox_id)
    assert any("Gave up" in a.text for a in view.alerts)
    assert env.activity(message_id) is None

    _set_active(env, True)
    run_mailbox_test(env.installation.uow, env.connector, OPERATOR, env.mailbox_id, enable=True)
    env.runner(use_idle=False, message_retry=NO_WAIT).sync_once()
    assert env.activity(message_id) is not None
    assert _failed(env) == []


def test_default_policy_waits_before_the_second_attempt(env: SyncEnv) -> None:
    env.set_option("incoming_tracking", "all")
    _set_active(env, False)
    env.append("INBOX")
    env.sync()
    env.sync()  # too early for a retry: five minutes have not passed
    [failure] = _failed(env)
    assert failure.attempts == 1 and failure.gave_up is False
