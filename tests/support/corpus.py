"""The shared real-world mail corpus: where it is, and what a missing corpus means.

Locally a missing corpus skips the tests that read it; in CI (``CI=true``) it is a failure, so a
broken checkout cannot pass by running none of them. ``CORRESPONDENT_TEST_CORPUS`` points
elsewhere (the suite's own test of this rule uses it).
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

CORPUS = Path(
    os.environ.get(
        "CORRESPONDENT_TEST_CORPUS",
        Path(__file__).resolve().parents[2].parent / "shared" / "corpus",
    )
)


def in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() in {"true", "1", "yes"}


def require_corpus() -> Path:
    """The corpus directory, or a skip (locally) / a failure (in CI) when it is missing."""
    if CORPUS.is_dir():
        return CORPUS
    message = f"the shared mail corpus is not at {CORPUS}"
    if in_ci():
        pytest.fail(f"{message} (in CI the corpus tests must run)", pytrace=False)
    pytest.skip(message, allow_module_level=True)


FILES = (
    sorted(
        p
        for p in CORPUS.rglob("*")
        if p.is_file() and not p.name.startswith(("LICENSE", "NOTICE", "MIT-LICENSE", "README"))
    )
    if CORPUS.is_dir()
    else []
)
"""Every message file of the corpus (licence and read-me files aside), in a stable order."""
