"""POST /api/v1/untrack: take back your tracking of a message whose activity you cannot read."""

from __future__ import annotations

from fastapi.testclient import TestClient

from correspondent.bootstrap import Installation
from tests.api.conftest import ApiUser, make_api_user
from tests.builders import address, make_message

RAW = {"Content-Type": "message/rfc822"}


def _post(client: TestClient, path: str, who: ApiUser, raw: bytes) -> object:
    return client.post(f"/api/v1/{path}", content=raw, headers={**who.headers, **RAW})


def _trackers(installation: Installation, activity_id: int) -> set[int]:
    with installation.uow() as uow:
        return {t.user_id for t in uow.activities.trackers_of(activity_id)}


def test_untrack_by_message_without_read_access(
    installation: Installation, client: TestClient
) -> None:
    owner = make_api_user(installation)
    outsider = make_api_user(installation, unit="Elsewhere")
    stranger = make_api_user(installation, unit="Elsewhere")
    raw = make_message(sender=address("c"), to=[owner.user.email, outsider.user.email])
    tracked = _post(client, "track", owner, raw)
    activity_id = tracked.json()["activity"]["id"]  # type: ignore[attr-defined]
    seen = _post(client, "track", outsider, raw).json()  # type: ignore[attr-defined]
    assert seen["readable"] is False and seen["activity"] is None
    assert _trackers(installation, activity_id) == {owner.user.id, outsider.user.id}

    response = _post(client, "untrack", outsider, raw)
    assert response.status_code == 204, response.text  # type: ignore[attr-defined]
    assert _trackers(installation, activity_id) == {owner.user.id}

    # Not tracking it any more, never tracking it, and an unknown message: the same answer,
    # which says nothing about the activity.
    unknown = make_message(sender=address("c"), to=[outsider.user.email])
    answers = [
        _post(client, "untrack", outsider, raw),
        _post(client, "untrack", stranger, raw),
        _post(client, "untrack", outsider, unknown),
    ]
    for answer in answers:
        assert answer.status_code == 404  # type: ignore[attr-defined]
        assert str(activity_id) not in answer.text  # type: ignore[attr-defined]
    assert len({a.text for a in answers}) == 1  # type: ignore[attr-defined]
    assert _trackers(installation, activity_id) == {owner.user.id}


def test_untrack_by_message_needs_a_raw_message(
    installation: Installation, client: TestClient
) -> None:
    me = make_api_user(installation)
    response = client.post("/api/v1/untrack", json={"id": 1}, headers=me.headers)
    assert response.status_code == 422
    assert client.post("/api/v1/untrack", content=b"x", headers=RAW).status_code == 401
