"""A missing corpus skips the corpus tests locally and fails them in CI."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
CORPUS_TESTS = [
    "tests/integration/test_corpus_parse.py",
    "tests/integration/test_corpus_tracking.py",
]


def _run(tmp_path: Path, ci: str | None, test_file: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in {"CI", "PYTEST_XDIST_WORKER"}}
    env["CORRESPONDENT_TEST_CORPUS"] = str(tmp_path / "no-corpus-here")
    env["CORRESPONDENT_TEST_BACKENDS"] = "sqlite"
    if ci is not None:
        env["CI"] = ci
    command = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-p", "no:xdist",
               "-k", "every_corpus_file", test_file]  # fmt: skip
    return subprocess.run(command, cwd=REPO, env=env, capture_output=True, text=True, timeout=300)


@pytest.mark.parametrize("test_file", CORPUS_TESTS)
def test_missing_corpus_fails_in_ci(tmp_path: Path, test_file: str) -> None:
    result = _run(tmp_path, "true", test_file)
    assert result.returncode != 0, result.stdout
    assert "in CI the corpus tests must run" in result.stdout


@pytest.mark.parametrize("test_file", CORPUS_TESTS)
def test_missing_corpus_skips_locally(tmp_path: Path, test_file: str) -> None:
    result = _run(tmp_path, None, test_file)
    assert result.returncode in (0, 5), result.stdout  # 5: a skipped module leaves no test
    assert "skipped" in result.stdout
