"""How long the ``correspondent`` command takes to start, with and without bytecode.

    uv run python -m bench.cli_startup [--runs 15]

Runs each command in a fresh process (as a user or a script would) and prints the median and
the fastest wall-clock time, next to the bare interpreter start measured in the same run.
"Without bytecode" points ``-X pycache_prefix`` at an empty directory with
PYTHONDONTWRITEBYTECODE set, so every module is compiled from source on every start.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.common import WORK, machine
from correspondent.demo.sample_mail import generate_messages

SCRIPT = Path(sys.prefix) / "bin" / "correspondent"
USER = "bench@example.com"


def prepare(data_dir: Path, activities: int) -> None:
    """A small installation: one user and ``activities`` tracked messages."""
    shutil.rmtree(data_dir, ignore_errors=True)
    env = {**os.environ, "CORRESPONDENT_DATA_DIR": str(data_dir)}
    subprocess.run([SCRIPT, "user", "add", USER, "--name", "Bench"], env=env, check=True)
    mail_dir = data_dir.parent / "mail"
    shutil.rmtree(mail_dir, ignore_errors=True)
    mail_dir.mkdir(parents=True)
    files = []
    for index, sample in enumerate(generate_messages(activities, seed=7)):
        path = mail_dir / f"{index}.eml"
        path.write_bytes(sample.raw)
        files.append(str(path))
    subprocess.run(
        [SCRIPT, "track", *files, "--user", USER], env=env, check=True, stdout=subprocess.DEVNULL
    )


def time_command(command: list[str], env: dict[str, str], runs: int) -> list[float]:
    subprocess.run(command, env=env, check=True, stdout=subprocess.DEVNULL)  # warm the page cache
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        subprocess.run(command, env=env, check=True, stdout=subprocess.DEVNULL)
        samples.append(time.perf_counter() - started)
    return samples


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--activities", type=int, default=20)
    args = parser.parse_args()
    data_dir = WORK / "cli-startup" / "data"
    prepare(data_dir, args.activities)
    base_env = {**os.environ, "CORRESPONDENT_DATA_DIR": str(data_dir)}
    commands = {
        "python -c pass": [sys.executable, "-c", "pass"],
        "correspondent --help": [str(SCRIPT), "--help"],
        f"correspondent activity list ({args.activities} activities)": [
            str(SCRIPT), "activity", "list",
        ],
    }  # fmt: skip
    print(f"Machine: {machine()}; {args.runs} runs each")
    print("| command | bytecode | median | fastest | × python -c pass |")
    print("| --- | --- | --- | --- | --- |")
    with tempfile.TemporaryDirectory() as empty_cache:
        variants = {
            "present": base_env,
            "absent": {
                **base_env,
                "PYTHONDONTWRITEBYTECODE": "1",
                "PYTHONPYCACHEPREFIX": empty_cache,
            },
        }
        for label, env in variants.items():
            floor = None
            for name, command in commands.items():
                samples = time_command(command, env, args.runs)
                median = statistics.median(samples)
                floor = floor or median
                print(
                    f"| `{name}` | {label} | {median * 1000:.0f} ms | {min(samples) * 1000:.0f} ms "
                    f"| {median / floor:.1f} |"
                )


if __name__ == "__main__":
    main()
