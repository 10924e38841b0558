"""Golden comparison: every corpus file becomes the same activity through the fast MIME path as
through the stdlib feed parser (``mail.mime_split``; computed here, side by side)."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest

import correspondent.mail.parse as parse_module
from correspondent.bootstrap import Installation, build
from correspondent.config import Settings
from correspondent.domain.access import OPERATOR
from correspondent.services.activities import queries
from correspondent.services.activities.track import MessageQuarantined, MessageTracker, TrackRequest
from tests.builders import add_user
from tests.support.corpus import FILES, require_corpus

_VOLATILE = {"id", "created_at", "modified_at", "tracked_at", "at", "activity_id", "parent_id"}


def _stable(value: Any) -> Any:
    """The view without what differs between two installations (ids, clock times)."""
    if isinstance(value, dict):
        return {k: _stable(v) for k, v in value.items() if k not in _VOLATILE}
    if isinstance(value, list):
        return [_stable(v) for v in value]
    return value


def _track_all(installation: Installation) -> list[Any]:
    user = add_user(installation, "tracker@ourco.example")
    tracker = MessageTracker(installation.uow, installation.blobs)
    outcomes: list[Any] = []
    for path in FILES:
        try:
            result = tracker.track(TrackRequest(path.read_bytes(), user.email, origin=path.name))
        except MessageQuarantined as error:
            outcomes.append(("quarantined", path.name, error.reason))
            continue
        view = queries.get_activity(installation.uow, OPERATOR, result.activity_id).as_json()
        outcomes.append((path.name, result.created, _stable(view)))
    return outcomes


@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
def test_the_fast_path_gives_every_corpus_file_the_same_activity(
    installation: Installation,
    sqlite_template: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    require_corpus()
    fast = _track_all(installation)
    database = tmp_path / "stdlib.sqlite3"
    shutil.copy(sqlite_template, database)
    stdlib = build(Settings(data_dir=tmp_path / "stdlib", database_url=f"sqlite:///{database}"))
    try:
        monkeypatch.setattr(parse_module, "_FAST_PATH_MAX_BYTES", -1)
        slow = _track_all(stdlib)
    finally:
        stdlib.close()
    assert len(fast) == len(slow) == len(FILES)
    for mine, theirs in zip(fast, slow, strict=True):
        assert mine == theirs
