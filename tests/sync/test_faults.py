"""Faults: connections cut mid-FETCH and mid-IDLE, Dovecot restarted, the worker SIGKILLed."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from imapclient import IMAPClient

from correspondent.bootstrap import Installation, build
from correspondent.config import Settings
from correspondent.storage.mailbox_tables import mailbox_messages
from correspondent.storage.tables import activities
from tests.builders import unique
from tests.conftest import _empty_postgres
from tests.support.dovecot import DovecotServer
from tests.support.fault_proxy import FaultProxy
from tests.support.waiting import wait_until
from tests.sync.harness import SyncEnv, make_env

pytestmark = pytest.mark.dovecot


@pytest.fixture
def proxied_env(
    installation: Installation,
    dovecot: DovecotServer,
    dovecot_user: tuple[str, str],
    imap_client: IMAPClient,
    fault_proxy: FaultProxy,
) -> SyncEnv:
    login, password = dovecot_user
    return make_env(installation, fault_proxy.host, fault_proxy.port, login, password, imap_client)


def _run(env: SyncEnv, **config: object) -> tuple[threading.Thread, object]:
    runner = env.runner(**config)
    thread = threading.Thread(target=runner.run, daemon=True)
    thread.start()
    return thread, runner


def _all_tracked_once(env: SyncEnv, message_ids: list[str]) -> bool:
    return all(env.activity_count(m) == 1 for m in message_ids)


def test_connection_cut_mid_fetch_loses_and_duplicates_nothing(
    proxied_env: SyncEnv, fault_proxy: FaultProxy
) -> None:
    env = proxied_env
    folder = unique("Cut")
    env.create(folder)
    env.track_folder(folder)
    ids = [env.append(folder, body="x" * 20_000) for _ in range(30)]
    fault_proxy.cut_after_server_bytes(200_000)  # inside the body FETCHes
    thread, runner = _run(env, use_idle=False)
    try:
        assert fault_proxy.wait_for_cut(60)
        wait_until(lambda: _all_tracked_once(env, ids), timeout=120, what="30 tracked once")
    finally:
        runner.stop()  # type: ignore[attr-defined]
        thread.join(timeout=30)
    assert all(env.activity_count(m) == 1 for m in ids)
    assert all("$Tracked" in env.keywords(folder, m) for m in ids[:3])


def test_connection_cut_mid_idle_recovers(proxied_env: SyncEnv, fault_proxy: FaultProxy) -> None:
    env = proxied_env
    folder = unique("Idle")
    env.create(folder)
    env.track_folder(folder)
    thread, runner = _run(env)
    try:
        wait_until(lambda: env.runner_has_watchers(runner, 3))  # type: ignore[arg-type]
        fault_proxy.cut_all()
        message_id = env.append("INBOX")
        env.move(message_id, "INBOX", folder)
        wait_until(lambda: env.activity(message_id), what="the message moved after the cut")
        fault_proxy.cut_on_server_pattern(b"+ idling")
        second = env.append(folder)
        wait_until(lambda: env.activity(second), what="the message after the cut mid-IDLE")
    finally:
        runner.stop()  # type: ignore[attr-defined]
        thread.join(timeout=30)


def test_dovecot_restart_is_survived(
    installation: Installation, restartable_dovecot: DovecotServer
) -> None:
    server = restartable_dovecot
    login, password = server.new_user()
    client = IMAPClient(server.host, server.port, ssl=False, timeout=10)
    client.login(login, password)
    env = make_env(installation, server.host, server.port, login, password, client)
    folder = unique("Restart")
    env.create(folder)
    env.track_folder(folder)
    thread, runner = _run(env)
    try:
        first = env.append(folder)
        wait_until(lambda: env.activity(first), what="the message before the restart")
        server.restart()
        client = IMAPClient(server.host, server.port, ssl=False, timeout=10)
        client.login(login, password)
        env.client = client
        second = env.append(folder)
        # Generous: the runner first backs off from the refused connections of the restart,
        # and a loaded CI machine stretches that; the test is about recovery, not speed.
        wait_until(lambda: env.activity(second), timeout=120, what="the message after the restart")
    finally:
        runner.stop()  # type: ignore[attr-defined]
        thread.join(timeout=30)
        client.logout()


@pytest.fixture
def pg_installation(postgres_url: str, tmp_path: Path) -> Iterator[Installation]:
    _empty_postgres(postgres_url)
    inst = build(Settings(data_dir=tmp_path / "data", database_url=postgres_url))
    yield inst
    inst.close()


def test_worker_killed_at_random_points_tracks_every_message_exactly_once(
    pg_installation: Installation,
    dovecot: DovecotServer,
    dovecot_user: tuple[str, str],
    imap_client: IMAPClient,
    tmp_path: Path,
) -> None:
    login, password = dovecot_user
    env = make_env(pg_installation, dovecot.host, dovecot.port, login, password, imap_client)
    folder = unique("Kill")
    env.create(folder)
    env.track_folder(folder)
    ids = [env.append(folder, body=f"Message {n}. " * 40) for n in range(1000)]
    command = [
        sys.executable, "-m", "correspondent.cli.main", "worker", "--poll-interval", "1",
        "--backoff-first", "0.1", "--lease-seconds", "2",
    ]  # fmt: skip
    environment = os.environ | {
        "CORRESPONDENT_DATABASE_URL": str(pg_installation.settings.database_url),
        "CORRESPONDENT_DATA_DIR": str(pg_installation.settings.data_dir),
        "CORRESPONDENT_SECRET_KEY": "test-key",
    }
    rng = random.Random(4)
    kills = 0
    log = (tmp_path / "worker.log").open("ab")
    for _ in range(4):
        worker = subprocess.Popen(command, env=environment, stdout=log, stderr=log)
        seen = _count(pg_installation)
        # Once it is tracking (start-up and the dead worker's lease take a few seconds), kill
        # it at a random moment: inside a batch, between track and commit, mid-STORE...
        wait_until(lambda s=seen: _count(pg_installation) > s, timeout=120, interval=0.05)
        time.sleep(rng.uniform(0.0, 0.8))
        worker.send_signal(signal.SIGKILL)
        worker.wait()
        kills += 1
    tracked_before_final = _count(pg_installation)
    log.close()
    output = (tmp_path / "worker.log").read_text(errors="replace")[-3000:]
    assert 0 < tracked_before_final < 1000, output  # the kills really happened mid-sync
    worker = subprocess.Popen(command, env=environment, stdout=subprocess.DEVNULL,
                              stderr=subprocess.PIPE)  # fmt: skip
    try:
        wait_until(lambda: _count(pg_installation) >= 1000, timeout=300, interval=0.5)
    finally:
        worker.send_signal(signal.SIGTERM)  # clean shutdown
        _, err = worker.communicate(timeout=30)
    assert worker.returncode == 0, err.decode()[-2000:]
    with pg_installation.engine.connect() as conn:
        per_message = dict(
            conn.execute(
                sa.select(activities.c.message_id, sa.func.count())
                .where(activities.c.message_id.in_(ids))
                .group_by(activities.c.message_id)
            ).all()
        )
        mapped = conn.execute(sa.select(sa.func.count()).select_from(mailbox_messages)).scalar()
    assert set(per_message) == set(ids) and set(per_message.values()) == {1}
    assert mapped == 1000
    assert kills == 4


def _count(installation: Installation) -> int:
    with installation.engine.connect() as conn:
        return int(conn.execute(sa.select(sa.func.count()).select_from(activities)).scalar_one())
