"""Listing more activities than one page holds, and one way of writing a regarding record for
``/track`` and ``PUT .../regarding`` (issue 8)."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

from correspondent.bootstrap import Installation
from correspondent.services.activities.track import MessageTracker, TrackRequest, TrackResult
from tests.api.conftest import ApiUser, make_api_user
from tests.builders import address, make_message


def _track_many(installation: Installation, who: ApiUser, count: int) -> list[int]:
    tracker = MessageTracker(installation.uow, installation.blobs)
    requests = [
        TrackRequest(make_message(sender=address("c"), subject=f"n{i}"), who.user.email)
        for i in range(count)
    ]
    ids = []
    for start in range(0, count, 50):
        for outcome in tracker.track_batch(requests[start : start + 50]):
            assert isinstance(outcome, TrackResult) and outcome.created, outcome
            ids.append(outcome.activity_id)
    return ids


def _get(client: TestClient, who: ApiUser, path: str, **params: Any) -> Any:
    response = client.get(path, params=params, headers=who.headers)
    assert response.status_code == 200, response.text
    return response.json()


def test_the_activity_list_pages_past_200(installation: Installation, client: TestClient) -> None:
    alice = make_api_user(installation)
    ids = _track_many(installation, alice, 201)
    first = _get(client, alice, "/api/v1/activities", limit=200)
    assert [a["id"] for a in first["items"]] == sorted(ids, reverse=True)[:200]
    assert first["next_cursor"]
    rest = _get(client, alice, "/api/v1/activities", limit=200, cursor=first["next_cursor"])
    assert [a["id"] for a in rest["items"]] == [min(ids)]
    assert rest["next_cursor"] is None
    # A page that ends exactly at the last activity says it is the last.
    exact = _get(client, alice, "/api/v1/activities", limit=1, cursor=first["next_cursor"])
    assert len(exact["items"]) == 1 and exact["next_cursor"] is None


def test_the_list_documents_its_paging(client: TestClient) -> None:
    schema = client.get("/api/v1/openapi.json").json()
    page = schema["components"]["schemas"]["ActivityPage"]["properties"]
    assert "next page" in page["next_cursor"]["description"]


def _account(client: TestClient, who: ApiUser, name: str) -> int:
    response = client.post(
        "/api/v1/records/account", json={"fields": {"name": name}}, headers=who.headers
    )
    assert response.status_code == 201, response.text
    return int(response.json()["id"])


def test_track_and_set_regarding_read_a_regarding_record_alike(
    installation: Installation, client: TestClient
) -> None:
    alice = make_api_user(installation)
    first, second = _account(client, alice, "First"), _account(client, alice, "Second")
    tracked = client.post(
        "/api/v1/track",
        params={"regarding": f"account:{first}"},
        content=make_message(sender=address("c"), to=[alice.user.email]),
        headers={**alice.headers, "Content-Type": "message/rfc822"},
    ).json()
    activity_id = tracked["activity"]["id"]
    assert tracked["activity"]["regarding"]["id"] == first
    path = f"/api/v1/activities/{activity_id}/regarding"
    for body, expected in (
        ({"regarding": f"account:{second}"}, second),  # TYPE:ID, as /track takes it
        ({"regarding": {"type": "account", "id": first}}, first),  # the object, as before
    ):
        response = client.put(path, json=body, headers=alice.headers)
        assert response.status_code == 200, response.text
        assert response.json()["regarding"]["id"] == expected
    assert (
        client.put(path, json={"regarding": None}, headers=alice.headers).json()["regarding"]
        is None
    )
    for bad in ("planet:1", "account", "account:0", "user:1"):
        put = client.put(path, json={"regarding": bad}, headers=alice.headers)
        query = client.post(
            "/api/v1/track",
            params={"regarding": bad},
            content=make_message(sender=address("c")),
            headers={**alice.headers, "Content-Type": "message/rfc822"},
        )
        assert (put.status_code, query.status_code) == (422, 422), bad


def test_the_openapi_document_describes_the_activity_answers(client: TestClient) -> None:
    schema = client.get("/api/v1/openapi.json").json()
    paths = schema["paths"]
    for path, method in (
        ("/api/v1/activities/{activity_id}", "get"),
        ("/api/v1/activities/{activity_id}/regarding", "put"),
        ("/api/v1/track", "post"),
        ("/api/v1/activities", "get"),
    ):
        answer = paths[path][method]["responses"]["200"]["content"]["application/json"]
        assert "$ref" in answer["schema"], (path, answer)
    regarding = schema["components"]["schemas"]["RegardingIn"]["properties"]["regarding"]
    kinds = {option.get("$ref", option.get("type")) for option in regarding["anyOf"]}
    assert kinds == {"#/components/schemas/RefIn", "string", "null"}
    view = schema["components"]["schemas"]["ActivityView"]["properties"]
    assert "untracked" in view["status"]["description"]
