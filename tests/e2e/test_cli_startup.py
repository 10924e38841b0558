"""The CLI starts quickly: ``--help`` and a command import only what they need.

Checked through ``sys.modules`` in a fresh interpreter, not by timing (figures are in
``docs/benchmarks.md``; ``bench/cli_startup.py`` measures them).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from typer.testing import CliRunner

from correspondent.cli.main import COMMANDS, app, commands_of, first_paragraph

HEAVY = ("sqlalchemy", "alembic", "pydantic", "fastapi", "uvicorn", "imapclient")
COMMAND_MODULES = sorted({entry.module for entry in COMMANDS.values()})

PROBE = """
import atexit, json, os, sys
atexit.register(lambda: open(os.environ["MODULES_OUT"], "w").write(json.dumps(sorted(sys.modules))))
sys.argv = ["correspondent", *json.loads(os.environ["CLI_ARGS"])]
from correspondent.cli.main import app
app()
"""


def modules_loaded_by(tmp_path: Path, *args: str) -> set[str]:
    out = tmp_path / "modules.json"
    env = {**os.environ, "MODULES_OUT": str(out), "CLI_ARGS": json.dumps(args)}
    env["CORRESPONDENT_DATA_DIR"] = str(tmp_path / "data")
    result = subprocess.run(
        [sys.executable, "-c", PROBE], env=env, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    return set(json.loads(out.read_text()))


def roots(modules: set[str]) -> set[str]:
    return {name.split(".")[0] for name in modules}


def test_help_imports_no_database_layer_and_no_command_module(tmp_path: Path) -> None:
    loaded = modules_loaded_by(tmp_path, "--help")
    assert roots(loaded).isdisjoint(HEAVY), sorted(roots(loaded) & set(HEAVY))
    assert loaded.isdisjoint(COMMAND_MODULES), sorted(loaded & set(COMMAND_MODULES))


def test_activity_list_skips_alembic_on_a_migrated_database_and_loads_one_command_module(
    tmp_path: Path,
) -> None:
    modules_loaded_by(tmp_path, "db", "upgrade")  # first use: Alembic creates the schema
    loaded = modules_loaded_by(tmp_path, "activity", "list")
    assert "sqlalchemy" in loaded
    assert roots(loaded).isdisjoint({"alembic", "pydantic", "fastapi", "uvicorn", "imapclient"})
    assert loaded & set(COMMAND_MODULES) == {"correspondent.cli.tracking"}


def test_the_listing_matches_the_commands_it_stands_for() -> None:
    registered: dict[str, str] = {}
    for module in COMMAND_MODULES:
        for name, command in commands_of(module).items():
            registered[name] = module
            assert first_paragraph(command) == COMMANDS[name].help, name
    assert registered == {name: entry.module for name, entry in COMMANDS.items()}


def test_help_lists_every_command() -> None:
    result = CliRunner().invoke(app, ["--help"], env={"COLUMNS": "200"})
    assert result.exit_code == 0
    for name, entry in COMMANDS.items():
        assert name in result.stdout and entry.help in result.stdout


def test_a_mistyped_command_gets_a_suggestion() -> None:
    result = CliRunner().invoke(app, ["activty", "list"])
    assert result.exit_code == 2
    assert "Did you mean 'activity'?" in result.output
