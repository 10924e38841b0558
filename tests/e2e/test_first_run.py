"""What ``serve`` prints works as printed, on every start, and Ctrl-C stops it cleanly."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from correspondent.cli.first_steps import cli_invocation, startup_message
from correspondent.config import Settings

REPO = Path(__file__).resolve().parents[2]
FRESH_SHELL = {"PATH": "/usr/bin:/bin", "HOME": os.environ.get("HOME", "/root")}
"""No virtual environment on the PATH and no CORRESPONDENT_* variables."""


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def _run_in_fresh_shell(command: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["bash", "-c", command], cwd=cwd, env=FRESH_SHELL, capture_output=True, text=True,
        timeout=120,
    )  # fmt: skip


def test_the_printed_command_works_from_a_fresh_shell(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    script = Path(sys.prefix) / "bin" / "correspondent"  # what `uv run correspondent` runs
    monkeypatch.setattr(sys, "argv", [str(script), "serve"])
    monkeypatch.chdir(REPO)
    settings = Settings(data_dir=tmp_path / "data")
    command = cli_invocation(settings)
    if script.is_relative_to(REPO):
        assert command.startswith(str(script.relative_to(REPO)))
    message = startup_message(settings, "http://127.0.0.1:8000", "admin@ourco.example")
    assert f"Try: {command} activity list" in message
    assert f"{command} token create admin@ourco.example" in message
    listed = _run_in_fresh_shell(f"{command} activity list", REPO)
    assert listed.returncode == 0, listed.stderr
    added = _run_in_fresh_shell(f"{command} user add ada@ourco.example --name Ada", REPO)
    assert added.returncode == 0, added.stderr
    token = _run_in_fresh_shell(f"{command} token create ada@ourco.example", REPO)
    assert token.returncode == 0 and token.stdout.startswith("cor_"), token.stderr


def _start(data_dir: Path, port: int) -> tuple[subprocess.Popen[str], str]:
    """Start serve with the demo, wait until it answers; return the process and its output."""
    command = [sys.executable, "-m", "correspondent.cli.main", "--data-dir", str(data_dir),
               "serve", "--no-sync", "--port", str(port)]  # fmt: skip
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    deadline = time.monotonic() + 180  # the first start seeds the demo (tracks 40 messages)
    while True:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/health", timeout=5) as answer:
                assert answer.status == 200
                return process, ""
        except OSError:
            if process.poll() is not None:
                return process, process.communicate()[0]
            assert time.monotonic() < deadline, "serve did not answer in time"
            time.sleep(0.2)


def _stop_with_ctrl_c(process: subprocess.Popen[str]) -> str:
    process.send_signal(signal.SIGINT)
    return process.communicate(timeout=60)[0]


def test_every_start_says_how_to_get_a_token_and_ctrl_c_stops_cleanly(tmp_path: Path) -> None:
    outputs = []
    for _ in range(2):
        process, early = _start(tmp_path / "data", _free_port())
        assert not early, early
        output = _stop_with_ctrl_c(process)
        assert process.returncode == 0, output
        assert "Correspondent stopped." in output
        outputs.append(output)
    first, second = outputs
    assert "Seeded the demo organisation" in first and "Seeded" not in second
    for output in outputs:
        assert "token create admin@ourco.example" in output, output
        assert "-m correspondent.cli.main --data-dir" in output  # the same installation
        assert "Traceback" not in output
