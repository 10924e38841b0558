"""What a mail client's pane needs from the API: the activity of the open message by its
Message-ID, Create contact / Create lead for an unresolved address, parent accounts, and what
the viewer may do."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

from correspondent.bootstrap import Installation
from correspondent.domain.access import OPERATOR
from correspondent.services.admin import settings as admin_settings
from tests.api.conftest import ApiUser, make_api_user
from tests.builders import add_account_contact, address, make_message, unique


def _track(client: TestClient, who: ApiUser, raw: bytes) -> Any:
    response = client.post(
        "/api/v1/track",
        content=raw,
        headers={**who.headers, "Content-Type": "message/rfc822"},
    )
    assert response.status_code in (200, 201), response.text
    return response.json()["activity"]


def _by_message_id(client: TestClient, who: ApiUser, **params: str) -> Any:
    return client.get("/api/v1/activities/by-message-id", params=params, headers=who.headers)


def test_the_pane_finds_the_open_message_by_its_message_id(
    installation: Installation, client: TestClient
) -> None:
    alice = make_api_user(installation)
    bob = make_api_user(installation)
    message_id = f"<{unique('m')}@test.example>"
    raw = make_message(sender=address("c"), to=[alice.user.email], message_id=message_id)
    tracked = _track(client, alice, raw)
    for written in (message_id, message_id.strip("<>"), f"  {message_id} "):
        found = _by_message_id(client, alice, message_id=written)
        assert found.status_code == 200, found.text
        assert found.json()["id"] == tracked["id"]
    assert (
        _by_message_id(client, alice, message_id=message_id, direction="incoming").json()["id"]
        == tracked["id"]
    )
    # Kept apart by direction (the default): there is no outgoing copy.
    assert (
        _by_message_id(client, alice, message_id=message_id, direction="outgoing").status_code
        == 404
    )
    # Not tracked, and tracked but not readable, answer alike.
    unknown = _by_message_id(client, alice, message_id=f"<{unique('n')}@test.example>")
    hidden = _by_message_id(client, bob, message_id=message_id)
    assert unknown.status_code == hidden.status_code == 404
    assert unknown.json()["error"]["message"] == hidden.json()["error"]["message"]
    assert _by_message_id(client, alice, message_id="<>").status_code == 422
    assert _by_message_id(client, alice, message_id=message_id, direction="up").status_code == 422


def test_one_activity_for_both_directions_is_found_by_either(
    installation: Installation, client: TestClient
) -> None:
    admin_settings.change_org_settings(
        installation.uow, OPERATOR, {"tracking.internal_as_two_activities": "false"}
    )
    alice = make_api_user(installation)
    message_id = f"<{unique('m')}@test.example>"
    tracked = _track(client, alice, make_message(sender=alice.user.email, message_id=message_id))
    for direction in ("incoming", "outgoing"):
        found = _by_message_id(client, alice, message_id=message_id, direction=direction)
        assert found.json()["id"] == tracked["id"]


def test_create_contact_links_the_unresolved_sender(
    installation: Installation, client: TestClient
) -> None:
    alice = make_api_user(installation)
    sender = address("new")
    raw = make_message(sender=sender, sender_name="Ann Lee", to=[alice.user.email])
    activity = _track(client, alice, raw)
    party = next(p for p in activity["parties"] if p["role"] == "from")
    assert (party["record"], party["resolution"]) == (None, "no_match")
    assert activity["actions"]["create_contact"] and activity["actions"]["create_lead"]
    created = client.post(
        f"/api/v1/activities/{activity['id']}/party-records",
        json={"address": sender.upper(), "type": "contact"},
        headers=alice.headers,
    )
    assert created.status_code == 201, created.text
    body = created.json()
    assert body["record"]["type"] == "contact" and body["record"]["name"] == "Ann Lee"
    linked = next(p for p in body["activity"]["parties"] if p["role"] == "from")
    assert linked["record"] == body["record"]
    assert linked["resolution"] == "unique_match"
    contact = client.get(f"/api/v1/records/contact/{body['record']['id']}", headers=alice.headers)
    assert contact.json()["email"] == sender and contact.json()["owner"] == alice.user.email
    shown = client.get(f"/api/v1/activities/{activity['id']}", headers=alice.headers).json()
    assert next(p for p in shown["parties"] if p["role"] == "from")["record"] == body["record"]
    # Resolved now: a second record for it is refused.
    again = client.post(
        f"/api/v1/activities/{activity['id']}/party-records",
        json={"address": sender, "type": "lead"},
        headers=alice.headers,
    )
    assert again.status_code == 422
    assert "not an unresolved address" in again.json()["error"]["message"]


def test_create_lead_for_a_recipient_without_a_name(
    installation: Installation, client: TestClient
) -> None:
    alice = make_api_user(installation)
    recipient = address("bare")
    activity = _track(client, alice, make_message(sender=alice.user.email, to=[recipient]))
    created = client.post(
        f"/api/v1/activities/{activity['id']}/party-records",
        json={"address": recipient, "type": "lead"},
        headers=alice.headers,
    ).json()
    assert created["record"]["name"] == recipient.split("@")[0]
    to = next(p for p in created["activity"]["parties"] if p["address"] == recipient)
    assert to["record"] == created["record"]


def test_create_record_needs_the_create_right_and_a_readable_activity(
    installation: Installation, client: TestClient
) -> None:
    alice = make_api_user(installation)
    reader = make_api_user(installation, role="read_only")
    other = make_api_user(installation)
    sender = address("new")
    tracked = _track(client, alice, make_message(sender=sender, to=[alice.user.email]))
    shared = client.post(
        f"/api/v1/activities/{tracked['id']}/shares",
        json={"user_id": reader.user.id, "access": "read"},
        headers=alice.headers,
    )
    assert shared.status_code == 204, shared.text
    activity = client.get(f"/api/v1/activities/{tracked['id']}", headers=reader.headers).json()
    assert activity["actions"] == {
        "set_regarding": False,
        "untrack": False,
        "delete": False,
        "create_contact": False,
        "create_lead": False,
    }
    url = f"/api/v1/activities/{activity['id']}/party-records"
    refused = client.post(url, json={"address": sender, "type": "contact"}, headers=reader.headers)
    assert refused.status_code == 403
    hidden = client.post(url, json={"address": sender, "type": "contact"}, headers=other.headers)
    assert hidden.status_code == 404
    for body in ({"address": sender, "type": "account"}, {"address": sender}):
        assert client.post(url, json=body, headers=other.headers).status_code == 422
    unresolved = client.get(f"/api/v1/activities/{activity['id']}", headers=reader.headers).json()
    assert next(p for p in unresolved["parties"] if p["role"] == "from")["record"] is None


def test_a_party_shows_its_parent_account_when_readable(
    installation: Installation, client: TestClient
) -> None:
    alice = make_api_user(installation)
    ann = add_account_contact(installation, alice.user, "Globex", "Ann", "Lee")
    account_id, contact_id, person = ann.account_id, ann.contact_id, ann.address
    activity = _track(
        client,
        alice,
        make_message(sender=person, to=[alice.user.email]),
    )
    sender = next(p for p in activity["parties"] if p["role"] == "from")
    assert sender["record"] == {"type": "contact", "id": contact_id, "name": "Ann Lee"}
    assert sender["account"] == {"type": "account", "id": account_id, "name": "Globex"}
    assert sender["resolution"] == "unique_match"
    assert activity["actions"]["set_regarding"] and activity["actions"]["delete"]
