"""The runner: IDLE speed, back-off and disabling, leases, one failing mailbox among others."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

import pytest

from correspondent.bootstrap import Installation
from correspondent.domain.access import OPERATOR
from correspondent.services.activities.track import MessageTracker
from correspondent.services.mailboxes.status import mailbox_status
from correspondent.sync.runner import SyncRunner
from tests.builders import unique
from tests.support.dovecot import DovecotServer
from tests.support.waiting import wait_until
from tests.sync.harness import SyncEnv, fast_config, make_env

pytestmark = pytest.mark.dovecot


def _run(runner: SyncRunner) -> threading.Thread:
    thread = threading.Thread(target=runner.run, daemon=True)
    thread.start()
    return thread


def test_idle_turns_a_move_into_an_activity_long_before_the_next_poll(env: SyncEnv) -> None:
    folder = unique("Fast")
    env.create(folder)
    env.track_folder(folder)
    # Nothing but IDLE wakes this worker within five minutes (poll, IDLE renewal and lease
    # renewal all that far apart), so a move seen within 30 s was seen through IDLE — a bound a
    # busy machine cannot break, unlike a speed limit (speed is bench.sync_mailbox latency's).
    runner = env.runner(poll_interval=300.0, idle_timeout=300.0, lease_for=timedelta(seconds=900))
    thread = _run(runner)
    try:
        wait_until(lambda: env.runner_has_watchers(runner, 3), what="three IDLE watchers")
        latencies = []
        for _ in range(5):
            message_id = env.append("INBOX")
            env.move(message_id, "INBOX", folder)
            latencies.append(
                wait_until(lambda m=message_id: env.activity(m), timeout=30.0, what="the move")
            )
        assert max(latencies) < 30.0, latencies
    finally:
        runner.stop()
        thread.join(timeout=30)
    assert not thread.is_alive()
    with env.installation.uow() as uow:
        assert uow.mailboxes.lease_of(env.mailbox_id) == (None, None)  # released on stop


def _break_password(env: SyncEnv) -> None:
    with env.installation.uow() as uow:
        mailbox = uow.mailboxes.get(env.mailbox_id)
        assert mailbox is not None
        mailbox.secret = env.connector.secrets.encrypt("changed-elsewhere")
        uow.mailboxes.save(mailbox)
        uow.commit()


def test_authentication_failure_disables_at_once_with_an_alert(env: SyncEnv) -> None:
    _break_password(env)
    env.sync()
    view = mailbox_status(env.installation.uow, OPERATOR, env.mailbox_id)
    assert not view.enabled and view.status == "disabled"
    assert view.alerts[0].level == "error"
    assert "mailbox enable" in view.alerts[0].text


def test_transient_failures_back_off_then_disable(env: SyncEnv) -> None:
    with env.installation.uow() as uow:
        mailbox = uow.mailboxes.get(env.mailbox_id)
        assert mailbox is not None
        mailbox.port = 1  # nothing listens: connection refused
        uow.mailboxes.save(mailbox)
        uow.commit()
    runner = env.runner()
    thread = _run(runner)
    try:
        wait_until(
            lambda: (
                mailbox_status(env.installation.uow, OPERATOR, env.mailbox_id).status == "disabled"
            ),
            what="the mailbox to be disabled",
        )
    finally:
        runner.stop()
        thread.join(timeout=30)
    view = mailbox_status(env.installation.uow, OPERATOR, env.mailbox_id)
    levels = [a.level for a in view.alerts]
    assert levels[:3] == ["error", "warning", "warning"]  # 3 tries in the test policy
    assert view.failures == 3


def test_two_runners_never_sync_one_mailbox_at_once(env: SyncEnv) -> None:
    first, second = env.runner(), env.runner()
    assert first.start_due() == [env.mailbox_id]
    assert second.start_due() == []
    with env.installation.uow() as uow:
        owner, until = uow.mailboxes.lease_of(env.mailbox_id)
    assert owner == first.owner and until is not None
    first.stop()
    first.sync_once()  # joins the worker, which releases the lease
    assert second.start_due() == [env.mailbox_id]
    second.stop()
    second.sync_once()


def test_expired_lease_is_taken_over(env: SyncEnv) -> None:
    now = datetime.now(UTC)
    with env.installation.uow() as uow:
        assert uow.mailboxes.claim(env.mailbox_id, "dead-worker", now + timedelta(seconds=1), now)
        uow.commit()
    runner = env.runner()
    assert runner.start_due() == []
    with env.installation.uow() as uow:
        uow.mailboxes.claim(env.mailbox_id, "dead-worker", now - timedelta(seconds=1), now)
        uow.commit()
    assert runner.start_due() == [env.mailbox_id]
    runner.stop()
    runner.sync_once()


def test_one_failing_mailbox_does_not_stall_the_others(
    installation: Installation, dovecot: DovecotServer, env: SyncEnv
) -> None:
    login, password = dovecot.new_user()
    broken = make_env(installation, dovecot.host, dovecot.port, login, password, env.client)
    _break_password(broken)
    folder = unique("Ok")
    env.create(folder)
    env.track_folder(folder)
    message_id = env.append(folder)
    tracker = MessageTracker(installation.uow, installation.blobs)
    SyncRunner(installation.uow, tracker, env.connector, fast_config(use_idle=False)).sync_once()
    assert env.activity(message_id) is not None
    assert mailbox_status(installation.uow, OPERATOR, broken.mailbox_id).status == "disabled"
