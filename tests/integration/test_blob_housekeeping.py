"""The sync worker runs the blob sweep now and then (``correspondent db sweep-blobs`` by hand)."""

from __future__ import annotations

import threading
import time

import pytest

from correspondent.bootstrap import Installation
from correspondent.cli.mailboxes import build_runner
from correspondent.sync.runner import RunnerConfig, SyncRunner
from tests.support.waiting import PATIENT, wait_until

FAST = RunnerConfig(housekeeping_interval=0.2, scan_interval=0.05)


def _running(runner: SyncRunner) -> threading.Thread:
    thread = threading.Thread(target=runner.run)
    thread.start()
    return thread


def test_the_sync_worker_deletes_unused_blobs_now_and_then(installation: Installation) -> None:
    # A blob whose clean-up failed after the change that released it was committed.
    digest = "c" * 64
    with installation.uow() as uow:
        uow.blob_refs.acquire({digest: (3, 1)})
        uow.blob_refs.release(digest)
        uow.commit()
    installation.blobs.put(digest, b"old")
    runner = build_runner(installation, FAST)
    thread = _running(runner)
    try:
        wait_until(
            lambda: not installation.blobs.path_for(digest).exists(),
            what="the sweep to delete the unused blob",
        )
    finally:
        runner.stop()
        thread.join(30)
    with installation.uow() as uow:
        assert digest not in uow.blob_refs.unused()


def test_failed_housekeeping_is_logged_and_tried_again(
    installation: Installation, caplog: pytest.LogCaptureFixture
) -> None:
    calls: list[float] = []

    def flaky() -> str:
        calls.append(time.monotonic())
        if len(calls) == 1:
            raise OSError("the blob directory is not mounted")
        return "done"

    base = build_runner(installation, FAST)
    runner = SyncRunner(base.uow_factory, base.tracker, base.connector, FAST, housekeeping=flaky)
    with caplog.at_level("INFO", logger="correspondent.sync.runner"):
        thread = _running(runner)
        try:
            wait_until(lambda: len(calls) >= 2, what="housekeeping to be tried again")
        finally:
            runner.stop()
            thread.join(30)
    assert "housekeeping failed" in caplog.text and "not mounted" in caplog.text
    assert "housekeeping: done" in caplog.text


def test_a_long_housekeeping_run_does_not_hold_up_the_runner(installation: Installation) -> None:
    started, release = threading.Event(), threading.Event()

    def slow() -> str:
        started.set()
        release.wait(2 * PATIENT)  # far longer than the runner may take to stop
        return "done"

    base = build_runner(installation, FAST)
    runner = SyncRunner(base.uow_factory, base.tracker, base.connector, FAST, housekeeping=slow)
    thread = _running(runner)
    try:
        assert started.wait(PATIENT)
        runner.stop()  # noticed while the sweep still runs
        thread.join(PATIENT)
        assert not thread.is_alive() and not release.is_set()
    finally:
        release.set()
        runner.stop()
        thread.join(30)
