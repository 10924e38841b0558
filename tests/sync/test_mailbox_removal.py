"""Removing a mailbox (``mailbox remove``, ``DELETE /api/v1/mailboxes/{id}``) that has tracked
mail: its activities and their trackers stay, its sync state goes, and a worker syncing it at
that moment stops cleanly. On SQLite and PostgreSQL, against a real Dovecot."""

from __future__ import annotations

import logging
import threading

import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from correspondent.api.app import create_app
from correspondent.cli.main import app
from correspondent.domain.access import OPERATOR
from correspondent.services import auth
from correspondent.services.mailboxes.remove import remove_mailbox
from correspondent.storage.mailbox_tables import (
    mailbox_alerts,
    mailbox_folders,
    mailbox_messages,
    mailboxes,
)
from tests.api.conftest import make_api_user
from tests.builders import unique
from tests.sync.harness import SyncEnv, wait_until

pytestmark = pytest.mark.dovecot


def _tracked_activity(env: SyncEnv) -> int:
    """Give the mailbox tracked mail: a message in a tracked folder, synced."""
    folder = unique("Clients")
    env.create(folder)
    env.track_folder(folder)
    message_id = env.append(folder)
    env.sync()
    activity = env.activity(message_id)
    assert activity is not None and env.trackers(activity)
    return activity


def _sync_rows(env: SyncEnv) -> int:
    """Rows of the mailbox's own state left in the database."""
    with env.installation.engine.connect() as conn:
        return sum(
            conn.execute(
                sa.select(sa.func.count()).select_from(table).where(column == env.mailbox_id)
            ).scalar_one()
            for table, column in (
                (mailboxes, mailboxes.c.id),
                (mailbox_folders, mailbox_folders.c.mailbox_id),
                (mailbox_messages, mailbox_messages.c.mailbox_id),
                (mailbox_alerts, mailbox_alerts.c.mailbox_id),
            )
        )


def _assert_activity_kept(env: SyncEnv, activity_id: int, trackers: object) -> None:
    with env.installation.uow() as uow:
        assert uow.mailboxes.get(env.mailbox_id) is None
        activity = uow.activities.get(activity_id)
    assert activity is not None
    assert env.trackers(activity_id) == trackers
    assert _sync_rows(env) == 0


def test_cli_remove_keeps_the_activities_and_their_trackers(env: SyncEnv) -> None:
    activity_id = _tracked_activity(env)
    trackers = env.trackers(activity_id)
    assert _sync_rows(env) > 0
    settings = env.installation.settings
    assert settings.database_url is not None
    base = ["--data-dir", str(settings.data_dir), "--database-url", settings.database_url]
    runner = CliRunner()
    removed = runner.invoke(app, [*base, "mailbox", "remove", str(env.mailbox_id)])
    assert removed.exit_code == 0, (removed.output, removed.stderr)
    assert f"Mailbox {env.mailbox_id} ({env.user.email}) removed" in removed.stdout
    _assert_activity_kept(env, activity_id, trackers)
    again = runner.invoke(app, [*base, "mailbox", "remove", str(env.mailbox_id)])
    assert again.exit_code == 3 and "no mailbox" in again.stderr
    listed = runner.invoke(app, [*base, "mailbox", "status", "--json"])
    assert listed.exit_code == 0 and listed.stdout.strip() == "[]"


def test_api_remove_by_the_owner_keeps_the_activities_others_get_404(env: SyncEnv) -> None:
    activity_id = _tracked_activity(env)
    trackers = env.trackers(activity_id)
    token = auth.create_token(env.installation.uow, OPERATOR, env.user.email).token
    owner = {"Authorization": f"Bearer {token}"}
    stranger = make_api_user(env.installation)
    url = f"/api/v1/mailboxes/{env.mailbox_id}"
    with TestClient(create_app(env.installation)) as client:
        refused = client.delete(url, headers=stranger.headers)
        assert refused.status_code == 404, refused.text
        assert client.get(url, headers=owner).status_code == 200
        removed = client.delete(url, headers=owner)
        assert removed.status_code == 204, removed.text
        assert client.get(url, headers=owner).status_code == 404
        assert client.delete(url, headers=owner).status_code == 404
        shown = client.get(f"/api/v1/activities/{activity_id}", headers=owner)
        assert shown.status_code == 200, shown.text
    _assert_activity_kept(env, activity_id, trackers)


def test_a_worker_syncing_a_removed_mailbox_stops_cleanly(
    env: SyncEnv, caplog: pytest.LogCaptureFixture
) -> None:
    activity_id = _tracked_activity(env)
    trackers = env.trackers(activity_id)
    runner = env.runner()
    thread = threading.Thread(target=runner.run, daemon=True)
    caplog.set_level(logging.INFO, logger="correspondent.sync")
    thread.start()
    try:
        wait_until(lambda: env.runner_has_watchers(runner, 2), timeout=30)
        remove_mailbox(env.installation.uow, OPERATOR, env.mailbox_id)
        env.append("INBOX")  # wakes the worker from IDLE; it finds the mailbox gone
        wait_until(lambda: env.mailbox_id not in runner.running(), timeout=30)
        assert runner.start_due() == []  # nothing left to claim
    finally:
        runner.stop()
        thread.join(timeout=30)
    assert not thread.is_alive()
    failures = [r.getMessage() for r in caplog.records if "failed" in r.getMessage()]
    assert failures == []
    _assert_activity_kept(env, activity_id, trackers)
