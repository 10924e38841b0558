"""``correspondent serve --workers N``: the API in N processes, settings passed to them, and the
sync in the parent only."""

from __future__ import annotations

import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from correspondent.api.asgi import settings_environment
from correspondent.config import Settings


def test_settings_reach_worker_processes_through_the_environment(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path / "d", max_message_bytes=1234, secret_key="k")
    env = settings_environment(settings)
    assert env["CORRESPONDENT_DATA_DIR"] == str((tmp_path / "d").resolve())
    assert "CORRESPONDENT_DATABASE_URL" not in env  # unset stays unset
    rebuilt = Settings(**{k.removeprefix("CORRESPONDENT_").lower(): v for k, v in env.items()})
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
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/health", timeout=2) as r:
                    assert r.status == 200
                    break
            except OSError:
                assert process.poll() is None, process.stdout.read() if process.stdout else ""
                assert time.monotonic() < deadline, "serve did not answer within 30 s"
                time.sleep(0.2)
        # Two spawned API workers (plus multiprocessing's resource tracker).
        assert len(_children(process.pid)) >= 2
    finally:
        process.send_signal(signal.SIGTERM)
        output = process.communicate(timeout=30)[0].decode()
    assert process.returncode is not None
    assert output.count("Started server process") == 2, output
