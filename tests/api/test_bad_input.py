"""Bad requests get the right 4xx in the one error shape, and change nothing."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa
from fastapi.testclient import TestClient

from correspondent.api.app import create_app
from correspondent.bootstrap import Installation
from correspondent.domain.access import OPERATOR
from correspondent.services import auth
from correspondent.services.admin import users as admin_users
from tests.api.conftest import make_api_user
from tests.builders import address, make_message

SECURITY_HEADERS = (
    "content-security-policy",
    "x-content-type-options",
    "referrer-policy",
    "x-frame-options",
)


def _accounts(client: TestClient, headers: dict[str, str]) -> int:
    return len(client.get("/api/v1/records/account", headers=headers).json()["items"])


def _error(response: object, status: int, code: str) -> None:
    assert response.status_code == status, response.text  # type: ignore[attr-defined]
    body = response.json()  # type: ignore[attr-defined]
    assert set(body) == {"error"} and body["error"]["code"] == code
    assert set(body["error"]) == {"code", "message", "details"}
    for name in SECURITY_HEADERS:
        assert name in response.headers  # type: ignore[attr-defined]
    assert "frame-ancestors 'none'" in response.headers["content-security-policy"]  # type: ignore[attr-defined]


def test_malformed_wrong_types_and_oversized_bodies(
    installation: Installation, client: TestClient
) -> None:
    me = make_api_user(installation)
    url, h = "/api/v1/records/account", me.headers
    json_h = {**h, "Content-Type": "application/json"}
    _error(client.post(url, content=b'{"fields": {', headers=json_h), 400, "malformed_json")
    _error(client.post(url, json={"fields": "Acme"}, headers=h), 422, "validation_error")
    _error(client.post(url, json={"fields": {}, "extra": 1}, headers=h), 422, "validation_error")
    _error(client.post(url, json={"fields": {"colour": "red"}}, headers=h), 422, "invalid_input")
    big = b'{"fields": {"name": "' + b"x" * (1024 * 1024) + b'"}}'
    _error(client.post(url, content=big, headers=json_h), 413, "too_large")
    _error(client.get("/api/v1/records/account?limit=0", headers=h), 422, "validation_error")
    _error(client.get("/api/v1/records/account?cursor=nonsense", headers=h), 422, "invalid_input")
    assert _accounts(client, h) == 0


def test_raw_message_size_limit(installation: Installation) -> None:
    installation.settings = dataclasses.replace(installation.settings, max_message_bytes=2000)
    me = make_api_user(installation)
    small_client = TestClient(create_app(installation))
    raw = make_message(sender=address(), to=[me.user.email], body="y" * 5000)
    headers = {**me.headers, "Content-Type": "message/rfc822"}
    _error(small_client.post("/api/v1/track", content=raw, headers=headers), 413, "too_large")
    page = small_client.get("/api/v1/activities", headers=me.headers).json()
    assert page["items"] == []


def test_unknown_and_other_peoples_ids(installation: Installation, client: TestClient) -> None:
    me, other = make_api_user(installation), make_api_user(installation, unit="Elsewhere")
    _error(client.get("/api/v1/records/lead/999999", headers=me.headers), 404, "not_found")
    _error(client.get("/api/v1/activities/999999", headers=me.headers), 404, "not_found")
    raw = make_message(sender=address(), to=[other.user.email], subject="Private")
    tracked = client.post(
        "/api/v1/track", content=raw, headers={**other.headers, "Content-Type": "message/rfc822"}
    ).json()["activity"]
    activity_id = tracked["id"]
    for path in ("", "/raw", f"/attachments/{1}"):
        _error(
            client.get(f"/api/v1/activities/{activity_id}{path}", headers=me.headers),
            404,
            "not_found",
        )
    listed = client.get("/api/v1/activities", headers=me.headers).json()
    assert listed["items"] == []
    account = client.post(
        "/api/v1/records/account", json={"fields": {"name": "Theirs"}}, headers=other.headers
    ).json()
    patch = {"fields": {"name": "Mine now"}}
    url = f"/api/v1/records/account/{account['id']}"
    _error(client.patch(url, json=patch, headers=me.headers), 403, "forbidden")
    assert client.get(url, headers=other.headers).json()["name"] == "Theirs"
    # Tracking the same message again gives a tracker, not the colleague's activity.
    again = client.post(
        "/api/v1/track", content=raw, headers={**me.headers, "Content-Type": "message/rfc822"}
    )
    assert again.status_code == 200
    assert again.json()["readable"] is False and again.json()["activity"] is None


def test_expired_revoked_and_deactivated_credentials(
    installation: Installation, client: TestClient
) -> None:
    me = make_api_user(installation)
    soon = datetime.now(UTC) + timedelta(minutes=1)
    expiring = auth.create_token(installation.uow, OPERATOR, me.user.email, "short", soon)
    # Let it expire without waiting: move its expiry into the past.
    with installation.engine.begin() as conn:
        conn.execute(
            sa.text("UPDATE api_tokens SET expires_at = :t WHERE id = :i"),
            {"t": datetime.now(UTC) - timedelta(days=1), "i": expiring.id},
        )
    expired = {"Authorization": f"Bearer {expiring.token}"}
    _error(client.get("/api/v1/me", headers=expired), 401, "unauthenticated")
    assert client.get("/api/v1/me", headers=expired).headers["www-authenticate"] == "Bearer"
    _error(
        client.get("/api/v1/me", headers={"Authorization": "Bearer cor_nope"}),
        401,
        "unauthenticated",
    )
    _error(client.get("/api/v1/me"), 401, "unauthenticated")
    token_id = client.post("/api/v1/tokens", json={"name": "x"}, headers=me.headers).json()
    revoked = {"Authorization": f"Bearer {token_id['token']}"}
    assert client.delete(f"/api/v1/tokens/{token_id['id']}", headers=me.headers).status_code == 204
    _error(client.get("/api/v1/me", headers=revoked), 401, "unauthenticated")
    admin = make_api_user(installation, "administrator")
    response = client.patch(
        f"/api/v1/users/{me.user.id}", json={"active": False}, headers=admin.headers
    )
    assert response.status_code == 200
    _error(client.get("/api/v1/me", headers=me.headers), 401, "unauthenticated")


def test_sessions_need_csrf_for_changes_and_sign_in_is_throttled(
    installation: Installation, client: TestClient
) -> None:
    user = admin_users.add_user(installation.uow, OPERATOR, address("s", "ourco.example"), "Sam")
    auth.set_password(installation.uow, OPERATOR, user.email, "a long enough password")
    wrong = client.post("/api/v1/session", json={"email": user.email, "password": "nope nope"})
    unknown = client.post("/api/v1/session", json={"email": "x@nowhere.example", "password": "p"})
    assert wrong.json()["error"]["message"] == unknown.json()["error"]["message"]
    signed_in = client.post(
        "/api/v1/session", json={"email": user.email, "password": "a long enough password"}
    )
    assert signed_in.status_code == 200
    cookie = signed_in.headers["set-cookie"].lower()
    assert "httponly" in cookie and "samesite=strict" in cookie
    csrf = signed_in.json()["csrf_token"]
    assert client.get("/api/v1/me").status_code == 200
    form = client.post(
        "/api/v1/records/account",
        data={"fields": "x"},
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    _error(form, 403, "csrf_failed")
    _error(client.post("/api/v1/tokens", json={"name": "t"}), 403, "csrf_failed")
    assert client.get("/api/v1/tokens").json() == []
    ok = client.post("/api/v1/tokens", json={"name": "t"}, headers={"X-CSRF-Token": csrf})
    assert ok.status_code == 201
    assert client.delete("/api/v1/session", headers={"X-CSRF-Token": csrf}).status_code == 204
    client.cookies.clear()
    for _ in range(auth.MAX_FAILURES_PER_ACCOUNT):
        client.post("/api/v1/session", json={"email": user.email, "password": "wrong wrong"})
    throttled = client.post(
        "/api/v1/session", json={"email": user.email, "password": "a long enough password"}
    )
    _error(throttled, 429, "too_many_attempts")


def test_security_headers_on_every_kind_of_response(client: TestClient) -> None:
    for response in (
        client.get("/health"),
        client.get("/api/v1/openapi.json"),
        client.get("/api/v1/nowhere"),
        client.get("/api/v1/me"),
    ):
        for name in SECURITY_HEADERS:
            assert name in response.headers, (response.url, name)
    assert "frame-ancestors 'none'" in client.get("/api/v1/docs").headers["content-security-policy"]


def test_without_credentials_the_timeline_says_401_before_checking_parameters(
    installation: Installation, client: TestClient
) -> None:
    for path in (
        "/api/v1/records/account/1/timeline?limit=0",
        "/api/v1/records/nosuch/1/timeline",
        "/api/v1/records/account/x/timeline",
        "/api/v1/records/account/1/timeline?cursor=" + "c" * 600,
    ):
        _error(client.get(path), 401, "unauthenticated")
        _error(client.get(path, headers={"Authorization": "Basic eDp5"}), 401, "unauthenticated")
    # A token is checked in the route, after its parameters: malformed ones answer first.
    bogus = {"Authorization": "Bearer cor_nope"}
    _error(client.get("/api/v1/records/account/1/timeline", headers=bogus), 401, "unauthenticated")
    _error(
        client.get("/api/v1/records/account/1/timeline?limit=0", headers=bogus),
        422,
        "validation_error",
    )
