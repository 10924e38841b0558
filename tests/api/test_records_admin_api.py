"""Records, administration and the address book through the API: the answers and their schema."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import pytest
from fastapi.testclient import TestClient

from correspondent.bootstrap import Installation
from correspondent.domain.access import OPERATOR
from correspondent.domain.errors import PermissionDenied
from correspondent.services import auth
from correspondent.services.access import actor_of
from correspondent.services.activities.quarantine import quarantine_message
from tests.api.conftest import make_api_user

RECORD_AND_ADMIN_PATHS = (
    "/api/v1/records/",
    "/api/v1/users",
    "/api/v1/roles",
    "/api/v1/settings",
    "/api/v1/quarantine",
    "/api/v1/me/options",
    "/api/v1/address-book",
)


def test_address_book_shows_each_contacts_owner(
    installation: Installation, client: TestClient
) -> None:
    sam, mia = make_api_user(installation), make_api_user(installation)
    for who, last_name in ((sam, "Lee"), (mia, "Leeds")):
        created = client.post(
            "/api/v1/records/contact",
            json={"fields": {"last_name": last_name, "email": f"{last_name}@customer.example"}},
            headers=who.headers,
        )
        assert created.status_code == 201, created.text
        assert created.json()["owner"] == who.user.email
    own = client.get("/api/v1/address-book?q=lee", headers=sam.headers).json()
    assert [(c["name"], c["owner"], c["owner_id"]) for c in own] == [
        ("Lee", sam.user.email, sam.user.id)
    ]
    option = client.patch(
        "/api/v1/me/options", json={"address_book": "readable"}, headers=sam.headers
    )
    assert option.status_code == 200 and option.json()["address_book"] == "readable"
    readable = client.get("/api/v1/address-book?q=lee", headers=sam.headers).json()
    assert [(c["name"], c["owner"]) for c in readable] == [
        ("Lee", sam.user.email),
        ("Leeds", mia.user.email),
    ]


def test_record_answers_keep_their_fields_beside_the_common_keys(
    installation: Installation, client: TestClient
) -> None:
    sam = make_api_user(installation)
    made = client.post(
        "/api/v1/records/account",
        json={"fields": {"name": "Acme", "phone": "+1 555 0100", "email": "Info@Acme.example"}},
        headers=sam.headers,
    ).json()
    expected = {
        "type": "account",
        "name": "Acme",
        "phone": "+1 555 0100",
        "email": "info@acme.example",
        "emails": ["info@acme.example"],
        "owner": sam.user.email,
        "owner_id": sam.user.id,
        "active": True,
    }
    assert {k: made[k] for k in expected} == expected
    url = f"/api/v1/records/account/{made['id']}"
    assert client.get(url, headers=sam.headers).json() == made
    off = client.post(f"{url}/deactivate", headers=sam.headers).json()
    assert off["active"] is False and off["phone"] == "+1 555 0100"
    page = client.get("/api/v1/records/account", headers=sam.headers).json()
    assert page["items"][0]["phone"] == "+1 555 0100" and page["next_cursor"] is None


def _described(schema: dict[str, Any]) -> bool:
    """A named model, a list of one, or a map of text; not "any object"."""
    if "$ref" in schema:
        return True
    if schema.get("type") == "array":
        return _described(schema.get("items", {}))
    values = schema.get("additionalProperties")
    return schema.get("type") == "object" and isinstance(values, dict) and "type" in values


def test_every_record_and_administration_answer_is_described(client: TestClient) -> None:
    document = client.get("/api/v1/openapi.json").json()
    undescribed = []
    for path, operations in document["paths"].items():
        if not path.startswith(RECORD_AND_ADMIN_PATHS):
            continue
        for method, operation in operations.items():
            for status, response in operation["responses"].items():
                if not status.startswith("2") or status == "204":
                    continue
                if set(response.get("content", {})) == {"message/rfc822"}:
                    continue  # a download (.eml): bytes, not JSON to describe
                schema = response.get("content", {}).get("application/json", {}).get("schema")
                if not _described(schema or {}):
                    undescribed.append(f"{method.upper()} {path} {status}")
    assert not undescribed, undescribed
    record = document["components"]["schemas"]["RecordOut"]
    assert {"owner", "owner_id", "emails", "created_at"} <= set(record["properties"])
    assert record.get("additionalProperties") is True


def test_quarantine_listing_is_for_administrators(
    installation: Installation, client: TestClient
) -> None:
    admin, sam = make_api_user(installation, "administrator"), make_api_user(installation)
    kept = quarantine_message(
        installation.uow,
        installation.blobs,
        b"not mail",
        reason="no headers",
        user_email=sam.user.email,
        origin="test",
    )
    assert client.get("/api/v1/quarantine", headers=sam.headers).status_code == 403
    listed = client.get("/api/v1/quarantine", headers=admin.headers)
    assert listed.status_code == 200, listed.text
    [item] = listed.json()
    received = item.pop("received_at")
    assert item == {
        "id": kept,
        "user_id": sam.user.id,
        "source": "test",
        "reason": "no headers",
        "raw_size": 8,
    }
    assert datetime.fromisoformat(received).tzinfo is not None


def test_tokens_and_passwords_are_the_users_own_or_an_administrators_business(
    installation: Installation, client: TestClient
) -> None:
    sam, mia = make_api_user(installation), make_api_user(installation)
    as_sam = actor_of(sam.user, {})
    with pytest.raises(PermissionDenied):
        auth.create_token(installation.uow, as_sam, mia.user.email)
    with pytest.raises(PermissionDenied):
        auth.set_password(installation.uow, as_sam, mia.user.email, "a long enough password")
    auth.set_password(installation.uow, as_sam, sam.user.email, "a long enough password")
    spare = auth.create_token(installation.uow, OPERATOR, mia.user.email, "spare")
    mine = client.get("/api/v1/tokens", headers=mia.headers).json()
    assert spare.id in {t["id"] for t in mine}
    refused = client.delete(f"/api/v1/tokens/{spare.id}", headers=sam.headers)
    assert refused.status_code == 404
    assert client.delete(f"/api/v1/tokens/{spare.id}", headers=mia.headers).status_code == 204


def test_quarantine_original_and_retry_are_for_administrators(
    installation: Installation, client: TestClient
) -> None:
    from tests.builders import make_message, unique

    admin, sam = make_api_user(installation, "administrator"), make_api_user(installation)
    raw = make_message(sender=sam.user.email, subject=unique("Once refused "))
    kept = quarantine_message(
        installation.uow,
        installation.blobs,
        raw,
        reason="refused by an older version",
        user_email=sam.user.email,
        origin="test",
    )
    for method, path in (("GET", "original"), ("POST", "retry")):
        refused = client.request(method, f"/api/v1/quarantine/{kept}/{path}", headers=sam.headers)
        assert refused.status_code == 403, path
    original = client.get(f"/api/v1/quarantine/{kept}/original", headers=admin.headers)
    assert original.status_code == 200 and original.content == raw
    assert original.headers["content-type"] == "message/rfc822"
    retried = client.post(f"/api/v1/quarantine/{kept}/retry", headers=admin.headers)
    assert retried.status_code == 200, retried.text
    answer = retried.json()
    assert answer["tracked"] is True and answer["reason"] is None
    activity = client.get(f"/api/v1/activities/{answer['activity_id']}", headers=sam.headers)
    assert activity.status_code == 200
    assert client.get("/api/v1/quarantine", headers=admin.headers).json() == []
    gone = client.post(f"/api/v1/quarantine/{kept}/retry", headers=admin.headers)
    assert gone.status_code == 404


def test_settings_name_every_refused_value(installation: Installation, client: TestClient) -> None:
    admin = make_api_user(installation, "administrator")
    bad = {"correlation.token_prefix": "a b", "attachments.max_bytes": "0"}
    refused = client.patch("/api/v1/settings", json=bad, headers=admin.headers)
    assert refused.status_code == 422
    assert set(refused.json()["error"]["details"]["problems"]) == set(bad)


def test_a_user_is_moved_to_another_business_unit(
    installation: Installation, client: TestClient
) -> None:
    admin, sam = make_api_user(installation, "administrator"), make_api_user(installation)
    moved = client.patch(
        f"/api/v1/users/{sam.user.id}", json={"business_unit": "Osaka"}, headers=admin.headers
    )
    assert moved.status_code == 200, moved.text
    assert moved.json()["business_unit_id"] != sam.user.business_unit_id
