"""A killed worker's mailboxes are taken over at once on its machine (issue 12, part 3); from
another machine its lease time still applies."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from correspondent.sync import lease_owner
from tests.builders import unique
from tests.sync.harness import SyncEnv, wait_until

pytestmark = pytest.mark.dovecot
REPOSITORY = Path(__file__).resolve().parents[2]
LEASE = timedelta(minutes=10)
"""The killed worker's lease: far longer than any wait below, so only a takeover passes."""


def _lease(env: SyncEnv) -> tuple[str | None, datetime | None]:
    with env.installation.uow() as uow:
        return uow.mailboxes.lease_of(env.mailbox_id)


def _start_worker(env: SyncEnv) -> subprocess.Popen[bytes]:
    settings = env.installation.settings
    command = [
        sys.executable, "-m", "tests.sync.worker_process",
        settings.resolved_database_url(), str(settings.data_dir), str(LEASE.total_seconds()),
    ]  # fmt: skip
    return subprocess.Popen(command, cwd=REPOSITORY, stdout=subprocess.DEVNULL)


def test_the_replacement_of_a_killed_worker_resumes_at_once(env: SyncEnv) -> None:
    folder = unique("Leased")
    env.create(folder)
    env.track_folder(folder)
    worker = _start_worker(env)
    try:
        first = env.append(folder)
        wait_until(lambda: env.activity(first), timeout=60)  # the worker process syncs it
        owner, _ = _lease(env)
        assert owner is not None and f":{worker.pid}:" in owner
    finally:
        worker.kill()
        worker.wait()
    _, until = _lease(env)
    assert until is not None and until > datetime.now(UTC) + LEASE / 2
    second = env.append(folder)
    replacement = env.runner()
    thread = threading.Thread(target=replacement.run, daemon=True)
    thread.start()
    try:
        wait_until(lambda: env.activity(second), timeout=30)
        assert _lease(env)[0] == replacement.owner
    finally:
        replacement.stop()
        thread.join(timeout=30)


def _hold(env: SyncEnv, owner: str) -> None:
    now = datetime.now(UTC)
    with env.installation.uow() as uow:
        assert uow.mailboxes.claim(env.mailbox_id, owner, now + LEASE, now)
        uow.commit()


def _gone_pid() -> int:
    process = subprocess.Popen([sys.executable, "-c", "pass"])
    process.wait()
    return process.pid


def test_a_lease_is_kept_while_its_process_runs(env: SyncEnv) -> None:
    _hold(env, lease_owner.new_owner(os.getppid()))
    runner = env.runner()
    assert runner.start_due() == []


def test_a_lease_from_another_machine_waits_for_its_time(env: SyncEnv) -> None:
    gone = _gone_pid()
    local = lease_owner.new_owner(gone)
    assert lease_owner.is_dead(local)
    elsewhere = local.rpartition("@")[0] + "@0123456789abcdef-4026531836"
    older_version = local.rpartition("@")[0]  # written before owners named their machine
    runner = env.runner()
    for owner in (elsewhere, older_version):
        _hold(env, owner)
        assert not lease_owner.is_dead(owner)
        assert runner.start_due() == []
        with env.installation.uow() as uow:
            uow.mailboxes.release(env.mailbox_id, owner)
            uow.commit()
    _hold(env, local)
    assert runner.start_due() == [env.mailbox_id]
    runner.stop()
    runner.sync_once()
