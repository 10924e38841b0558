"""Every script the pages and the add-ins load is valid JavaScript.

A merge that loses one closing brace makes the browser drop the whole file, and with it every
enhancement of every page; Node's parser finds that in a second, long before a browser test.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
SCRIPTS = sorted(
    path
    for path in [
        *(REPO / "src/correspondent/web/static").glob("*.js"),
        *(REPO / "clients").rglob("*.js"),
    ]
    if "node_modules" not in path.parts
)


def test_there_are_scripts_to_check() -> None:
    assert any(path.name == "app.js" for path in SCRIPTS)


@pytest.mark.parametrize("script", SCRIPTS, ids=lambda path: str(path.relative_to(REPO)))
def test_the_script_parses(script: Path) -> None:
    node = shutil.which("node")
    assert node, "Node.js is needed (README: set-up)"
    module = script.suffix == ".js" and "export " in script.read_text(encoding="utf-8")
    command = [node, "--check", str(script)]
    if module:  # ES modules (clients/shared) are checked as modules
        command = [node, "--input-type=module", "--check"]
    result = subprocess.run(
        command,
        input=script.read_text(encoding="utf-8") if module else None,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
