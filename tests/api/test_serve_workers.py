"""``correspondent serve --workers N``: the API in N processes, settings passed to them, and the
sync in the parent only."""

from __future__ import annotations

import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

from correspondent.config import Settings


def test_settings_reach_worker_processes_through_the_environment(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path / "d", max_message_bytes=1234, secret_key="k")
    env = settings.as_environment()
    assert env["CORRESPONDENT_DATA_DIR"] == str((tmp_path / "d").resolve())
    assert "CORRESPONDENT_DATABASE_URL" not in env  # unset stays unset
    rebuilt = Settings.from_environment(env)
    assert rebuilt.max_message_bytes == 1234 and rebuilt.secret_key == "k"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def _children(pid: int) -> list[int]:
    text = Path(f"/proc/{pid}/task/{pid}/children").read_text()
    return [int(p) for p in text.split()]


def test_serve_with_two_workers_answers_and_stops_on_sigterm(tmp_path: Path) -> None:
    port = _free_port()
    command = [sys.executable, "-m", "correspondent.cli.main", "--data-dir", str(tmp_path),
               "serve", "--workers", "2", "--no-demo", "--port", str(port)]  # fmt: skip
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    lines: list[str] = []
    assert process.stdout is not None
    reader = threading.Thread(target=lambda: lines.extend(process.stdout or ()), daemon=True)
    reader.start()
    try:
        # Wait for both workers, not a fixed time: on a loaded machine the second one may
        # start seconds after the first already answers.
        deadline = time.monotonic() + 300
        while sum("Started server process" in line for line in lines) < 2:
            assert process.poll() is None, "".join(lines)
            assert time.monotonic() < deadline, "".join(lines)
            time.sleep(0.1)
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/health", timeout=30) as r:
            assert r.status == 200
        # Two spawned API workers (plus multiprocessing's resource tracker).
        assert len(_children(process.pid)) >= 2
    finally:
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=60)
        reader.join(timeout=30)
    output = "".join(lines)
    assert process.returncode is not None
    assert output.count("Started server process") == 2, output
