"""``.ci/test-under-load`` (docs/testing.md) leaves no CPU-bound process behind, even when the
suite it runs fails: a forgotten spinner would slow everything on the machine after it."""

from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def _is_spinner(pid: int) -> bool:
    try:
        return b"os.getppid()" in Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return False


def test_the_load_is_stopped_when_the_suite_fails() -> None:
    env = os.environ | {
        "LOAD_PROCESSES": "2",
        "PYTEST_ARGS": "-n 0 tests/unit/test_sanitize.py -k no_such_test",  # pytest exits 5
    }
    finished = subprocess.run(
        [str(REPO / ".ci" / "test-under-load")],
        cwd=REPO, env=env, capture_output=True, text=True, timeout=600,
    )  # fmt: skip
    assert finished.returncode != 0, finished.stdout
    assert "0/1 runs passed" in finished.stdout, finished.stdout
    started = re.search(r"2 CPU-bound processes on \d+ cores \(pids (\d+) (\d+)\)", finished.stdout)
    assert started, finished.stdout
    assert not any(_is_spinner(int(pid)) for pid in started.groups())
