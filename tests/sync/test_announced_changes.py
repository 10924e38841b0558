"""A message the server announced is synced at once (issue 12, part 3).

The selected folder is never asked with STATUS (RFC 3501 §6.3.10: Dovecot answers from the
session's stale view, ``OK [CLIENTBUG]``), and what IDLE reported is synced in the wake-up even
when the poll interval has passed meanwhile.
"""

from __future__ import annotations

import threading

import pytest

from correspondent.sync import mailbox_worker
from correspondent.sync.runner import SyncRunner
from tests.sync.harness import SyncEnv, wait_until

pytestmark = pytest.mark.dovecot


def _run(runner: SyncRunner) -> threading.Thread:
    thread = threading.Thread(target=runner.run, daemon=True)
    thread.start()
    return thread


def _tracked_and_settled(env: SyncEnv, message_id: str) -> None:
    """Wait for the activity, then until the worker has caught up with the Inbox (its own
    ``$Tracked`` STORE included): from then on, only news from the server shows it new mail."""
    wait_until(lambda: env.activity(message_id), timeout=20)

    def caught_up() -> bool:
        server = env.client.select_folder("INBOX")  # a fresh view, unlike STATUS
        with env.installation.uow() as uow:
            [inbox] = [f for f in uow.mailboxes.folders(env.mailbox_id) if f.name == "INBOX"]
        return inbox.state.highestmodseq == server[b"HIGHESTMODSEQ"] and inbox.state.last_uid == (
            server[b"UIDNEXT"] - 1
        )

    wait_until(caught_up, timeout=20)


@pytest.fixture
def no_full_passes(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every poll stays a cheap one: a full pass would SELECT again and hide a missed change."""
    monkeypatch.setattr(mailbox_worker, "FULL_EVERY", 10**9)


@pytest.mark.usefixtures("no_full_passes")
def test_polling_sees_new_mail_in_the_selected_folder(env: SyncEnv) -> None:
    env.set_option("incoming_tracking", "all")
    runner = env.runner(use_idle=False, poll_interval=0.2)
    thread = _run(runner)
    try:
        first = env.append("INBOX")
        _tracked_and_settled(env, first)  # the worker's session has the Inbox selected now
        second = env.append("INBOX")
        wait_until(lambda: env.activity(second), timeout=20)
    finally:
        runner.stop()
        thread.join(timeout=30)


@pytest.mark.usefixtures("no_full_passes")
def test_a_change_idle_reports_after_the_poll_interval_is_synced(env: SyncEnv) -> None:
    env.set_option("incoming_tracking", "all")
    # With no poll interval every IDLE wake-up comes "after the poll interval has passed".
    runner = env.runner(poll_interval=0.0)
    thread = _run(runner)
    try:
        wait_until(lambda: env.runner_has_watchers(runner, 2), timeout=20)
        for _ in range(3):
            _tracked_and_settled(env, env.append("INBOX"))
    finally:
        runner.stop()
        thread.join(timeout=30)
