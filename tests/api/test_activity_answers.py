"""What the API says about an activity after tracking again, untracking, and for user parties
(issue 8's defects: no false "tracker added", a truthful status, users shown by name)."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

from correspondent.bootstrap import Installation
from tests.api.conftest import ApiUser, make_api_user
from tests.builders import address, make_message


def _track(client: TestClient, who: ApiUser, raw: bytes, **params: str) -> Any:
    response = client.post(
        "/api/v1/track",
        params=params,
        content=raw,
        headers={**who.headers, "Content-Type": "message/rfc822"},
    )
    assert response.status_code in (200, 201), response.text
    return response.json()


def test_tracking_again_tells_the_truth(installation: Installation, client: TestClient) -> None:
    alice = make_api_user(installation)
    bob = make_api_user(installation)
    raw = make_message(sender=address("c"), to=[alice.user.email, bob.user.email])
    first = _track(client, alice, raw)
    assert first["created"] and first["tracker_added"]
    again = _track(client, alice, raw)
    assert (again["created"], again["tracker_added"]) == (False, False)
    assert again["message"] == "Already tracked by you; nothing changed."
    assert len(again["activity"]["trackers"]) == 1
    by_bob = _track(client, bob, raw)  # a colleague, who may not read Alice's activity
    assert by_bob["tracker_added"] and not by_bob["readable"]
    assert "your tracking was recorded" in by_bob["message"]
    by_bob = _track(client, bob, raw)
    assert not by_bob["tracker_added"]
    assert (
        by_bob["message"] == "You already track this message; the activity is not visible to you."
    )
    activity_id = first["activity"]["id"]
    shown = client.get(f"/api/v1/activities/{activity_id}", headers=alice.headers).json()
    assert sorted(t["user"] for t in shown["trackers"]) == sorted(
        [alice.user.email, bob.user.email]
    )


def test_after_the_last_tracker_untracks_the_kept_activity_is_untracked(
    installation: Installation, client: TestClient
) -> None:
    alice = make_api_user(installation)
    raw = make_message(sender=address("c"), to=[alice.user.email])
    activity_id = _track(client, alice, raw)["activity"]["id"]
    untracked = client.post(
        f"/api/v1/activities/{activity_id}/untrack", json={}, headers=alice.headers
    )
    assert untracked.json() == {"deleted": False}
    shown = client.get(f"/api/v1/activities/{activity_id}", headers=alice.headers).json()
    assert (shown["status"], shown["trackers"]) == ("untracked", [])
    listed = client.get("/api/v1/activities", headers=alice.headers).json()["items"]
    assert [(a["id"], a["status"]) for a in listed] == [(activity_id, "untracked")]
    again = _track(client, alice, raw)
    assert again["tracker_added"] and again["activity"]["status"] == "tracked"


def test_a_party_that_is_a_user_is_shown_by_name(
    installation: Installation, client: TestClient
) -> None:
    alice = make_api_user(installation)
    raw = make_message(sender=alice.user.email, to=[address("c")])
    view = _track(client, alice, raw)["activity"]
    sender = next(p for p in view["parties"] if p["role"] == "from")
    assert sender["record"] == {"type": "user", "id": alice.user.id, "name": "API User"}
    assert view["owner"] == alice.user.email
