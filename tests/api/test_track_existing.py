"""POST /api/v1/track for a message that is already an activity: a tracker, and a regarding record
only for users who may write that activity (docs/security.md, "Tracking and ownership")."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

from correspondent.bootstrap import Installation
from tests.api.conftest import ApiUser, make_api_user
from tests.builders import address, make_message


def _track(client: TestClient, who: ApiUser, raw: bytes, regarding: str) -> Any:
    response = client.post(
        "/api/v1/track",
        params={"regarding": regarding},
        content=raw,
        headers={**who.headers, "Content-Type": "message/rfc822"},
    )
    assert response.status_code in (200, 201), response.text
    return response.json()


def _account(client: TestClient, who: ApiUser, name: str) -> str:
    response = client.post(
        "/api/v1/records/account", json={"fields": {"name": name}}, headers=who.headers
    )
    assert response.status_code == 201, response.text
    return f"account:{response.json()['id']}"


def test_a_regarding_record_is_applied_only_by_users_who_may_write_the_activity(
    installation: Installation, client: TestClient
) -> None:
    owner = make_api_user(installation)
    outsider = make_api_user(installation, unit="Elsewhere")
    raw = make_message(sender=address("c"), to=[owner.user.email, outsider.user.email])
    first, second = _account(client, owner, "First"), _account(client, owner, "Second")
    created = _track(client, owner, raw, first)
    activity_id = created["activity"]["id"]

    # The outsider may read the account (customers are organisation-wide) but not the activity.
    again = _track(client, outsider, raw, second)
    assert again["readable"] is False and again["activity"] is None
    shown = client.get(f"/api/v1/activities/{activity_id}", headers=owner.headers).json()
    assert shown["regarding"]["name"] == "First"
    with installation.uow() as uow:
        trackers = {t.user_id for t in uow.activities.trackers_of(activity_id)}
    assert trackers == {owner.user.id, outsider.user.id}

    # The owner tracking it again relinks it.
    relinked = _track(client, owner, raw, second)
    assert relinked["activity"]["id"] == activity_id
    assert relinked["activity"]["regarding"]["name"] == "Second"
