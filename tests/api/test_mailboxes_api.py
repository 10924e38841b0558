"""``/api/v1/mailboxes``: add, Test & Enable and folders against a real Dovecot; access rules,
validation and secrets without one."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient
from imapclient import IMAPClient

from correspondent.bootstrap import Installation
from correspondent.domain.access import OPERATOR
from correspondent.services import auth
from correspondent.services.admin import users as admin_users
from correspondent.storage.mailbox_tables import mailboxes
from tests.api.conftest import ApiUser, make_api_user
from tests.builders import unique
from tests.support.dovecot import DovecotServer

URL = "/api/v1/mailboxes"
SECRET = "s3cret-never-echoed"


def _body(address: str, **overrides: object) -> dict[str, object]:
    body: dict[str, object] = {
        "address": address,
        "host": "127.0.0.1",
        "port": 1,
        "tls": "plain",
        "login": address,
        "password": SECRET,
    }
    body.update(overrides)
    return body


def _error(response: object, status: int, code: str) -> dict[str, object]:
    assert response.status_code == status, response.text  # type: ignore[attr-defined]
    body: dict[str, dict[str, object]] = response.json()  # type: ignore[attr-defined]
    assert set(body) == {"error"} and set(body["error"]) == {"code", "message", "details"}
    assert body["error"]["code"] == code
    return body["error"]


def _add(client: TestClient, who: ApiUser, **overrides: object) -> dict[str, object]:
    response = client.post(URL, json=_body(who.user.email, **overrides), headers=who.headers)
    assert response.status_code == 201, response.text
    assert SECRET not in response.text
    result: dict[str, object] = response.json()
    return result


def test_owner_sees_own_mailboxes_admin_sees_all_others_get_404(
    installation: Installation, client: TestClient
) -> None:
    me, other = make_api_user(installation), make_api_user(installation)
    admin = make_api_user(installation, "administrator")
    mine, theirs = _add(client, me), _add(client, other)
    assert mine["user"] == me.user.email and mine["status"] == "new" and not mine["enabled"]
    listed = client.get(URL, headers=me.headers)
    assert [m["id"] for m in listed.json()] == [mine["id"]]
    assert {m["id"] for m in client.get(URL, headers=admin.headers).json()} == {
        mine["id"],
        theirs["id"],
    }
    other_id = theirs["id"]
    for method, path, body in (
        ("GET", "", None),
        ("POST", "/test", None),
        ("POST", "/enable", None),
        ("POST", "/disable", None),
        ("GET", "/folders", None),
        ("POST", "/tracked-folders", {"folder": "INBOX"}),
        ("POST", "/tracked-folders/untrack", {"folder": "INBOX"}),
        ("PUT", "/tracked-folders/regarding", {"folder": "INBOX", "regarding": None}),
    ):
        response = client.request(method, f"{URL}/{other_id}{path}", json=body, headers=me.headers)
        _error(response, 404, "not_found")
        missing = client.request(method, f"{URL}/999999{path}", json=body, headers=me.headers)
        hidden = response.json()["error"]["message"].replace(f"id {other_id}.", "id 999999.")
        assert missing.json()["error"]["message"] == hidden
    # An administrator manages anyone's mailbox.
    disabled = client.post(f"{URL}/{other_id}/disable", headers=admin.headers)
    assert disabled.status_code == 200 and disabled.json()["status"] == "disabled"
    # Nobody takes over another user's mailbox by adding it again.
    _error(client.post(URL, json=_body(other.user.email), headers=me.headers), 403, "forbidden")
    _error(
        client.post(URL, json=_body(me.user.email, user=other.user.email), headers=me.headers),
        403,
        "forbidden",
    )


def test_secrets_are_stored_encrypted_and_never_returned(
    installation: Installation, client: TestClient
) -> None:
    me = make_api_user(installation)
    added = _add(client, me, password=None, oauth2_token="ya29.token-" + SECRET)
    assert added["auth"] == "xoauth2"
    for response in (
        client.get(URL, headers=me.headers),
        client.get(f"{URL}/{added['id']}", headers=me.headers),
        client.post(f"{URL}/{added['id']}/disable", headers=me.headers),
    ):
        assert response.status_code == 200
        assert SECRET not in response.text and "secret" not in response.text.lower()
    with installation.engine.connect() as conn:
        stored = conn.execute(sa.select(mailboxes.c.secret)).scalar_one()
    assert SECRET not in stored


def test_bad_input_answers_in_the_error_shape(
    installation: Installation, client: TestClient
) -> None:
    me = make_api_user(installation)
    h = me.headers
    address = me.user.email
    _error(client.post(URL, json=_body(address, tls="ssl3"), headers=h), 422, "validation_error")
    _error(client.post(URL, json=_body(address, port=70000), headers=h), 422, "validation_error")
    both = _body(address, oauth2_token="t")
    _error(client.post(URL, json=both, headers=h), 422, "validation_error")
    _error(client.post(URL, json=_body(address, password=None), headers=h), 422, "validation_error")
    _error(client.post(URL, json=_body("not an address"), headers=h), 422, "invalid_input")
    _error(client.post(URL, json=_body(address, extra=1), headers=h), 422, "validation_error")
    assert client.get(URL, headers=h).json() == []
    # Plain text to a remote host is refused when the server is contacted (never sent in clear).
    remote = _add(client, me, host="imap.example.invalid")
    _error(client.post(f"{URL}/{remote['id']}/test", headers=h), 422, "invalid_input")
    # Nothing listens on port 1 of loopback: the mail server is unreachable.
    local = _add(client, me)
    _error(client.post(f"{URL}/{local['id']}/enable", headers=h), 502, "mailbox_unreachable")
    status = client.get(f"{URL}/{local['id']}", headers=h).json()
    assert not status["enabled"] and status["alerts"][0]["level"] == "error"


@pytest.mark.dovecot
def test_add_enable_folders_and_tracked_folders_against_dovecot(
    installation: Installation,
    client: TestClient,
    dovecot: DovecotServer,
    dovecot_user: tuple[str, str],
    imap_client: IMAPClient,
) -> None:
    login, password = dovecot_user
    user = admin_users.add_user(installation.uow, OPERATOR, login, "Mail User")
    headers = {
        "Authorization": f"Bearer {auth.create_token(installation.uow, OPERATOR, user.email).token}"
    }
    folder = unique("Clients/Acme")
    imap_client.create_folder(folder)
    body = _body(login, port=dovecot.port, password=password)
    added = client.post(URL, json=body, headers=headers)
    assert added.status_code == 201 and password not in added.text
    mailbox_id = added.json()["id"]
    base = f"{URL}/{mailbox_id}"
    wrong = client.post(URL, json={**body, "password": "wrong"}, headers=headers)
    assert wrong.status_code == 201
    _error(client.post(f"{base}/test", headers=headers), 422, "mailbox_login_failed")
    assert client.post(URL, json=body, headers=headers).status_code == 201

    tested = client.post(f"{base}/test", headers=headers)
    assert tested.status_code == 200 and not tested.json()["enabled"]
    enabled = client.post(f"{base}/enable", headers=headers).json()
    assert enabled["enabled"] and "IDLE" in enabled["capabilities"]
    status = client.get(base, headers=headers).json()
    assert status["status"] == "enabled"
    assert {f["role"] for f in status["folders"]} >= {"inbox"}
    assert any("enabled" in a["text"] for a in status["alerts"])

    account = client.post(
        "/api/v1/records/account", json={"fields": {"name": "Acme"}}, headers=headers
    ).json()
    regarding = {"type": "account", "id": account["id"]}
    tracked = client.post(
        f"{base}/tracked-folders", json={"folder": folder, "regarding": regarding}, headers=headers
    )
    assert tracked.status_code == 201, tracked.text
    assert tracked.json()["regarding"] == f"account:{account['id']}"
    listed = {f["name"]: f for f in client.get(f"{base}/folders", headers=headers).json()}
    assert listed[folder]["tracked"] and listed["INBOX"]["watched"] == "inbox"
    _error(
        client.post(f"{base}/tracked-folders", json={"folder": "No/Such"}, headers=headers),
        404,
        "not_found",
    )
    relinked = client.put(
        f"{base}/tracked-folders/regarding",
        json={"folder": folder, "regarding": None},
        headers=headers,
    )
    assert relinked.status_code == 200 and relinked.json() == {"relinked": 0}
    # The folder's regarding record is written as everywhere else: `TYPE:ID` or {type, id}.
    relinked = client.put(
        f"{base}/tracked-folders/regarding",
        json={"folder": folder, "regarding": f"account:{account['id']}"},
        headers=headers,
    )
    assert relinked.status_code == 200, relinked.text
    listed = {f["name"]: f for f in client.get(f"{base}/folders", headers=headers).json()}
    assert listed[folder]["regarding"] == f"account:{account['id']}"
    untrack = {"folder": folder}
    assert (
        client.post(f"{base}/tracked-folders/untrack", json=untrack, headers=headers).status_code
        == 204
    )
    _error(
        client.post(f"{base}/tracked-folders/untrack", json=untrack, headers=headers),
        422,
        "invalid_input",
    )
    listed = {f["name"]: f for f in client.get(f"{base}/folders", headers=headers).json()}
    assert not listed[folder]["tracked"]


def _mismatch(mailbox: str, user: str) -> str:
    return (
        f"To track email, the mailbox address ({mailbox}) must be the same as your email "
        f"address in the CRM ({user})."
    )


def test_a_mailbox_is_added_only_for_the_user_whose_address_it_is(
    installation: Installation, client: TestClient
) -> None:
    alice, bob = make_api_user(installation), make_api_user(installation)
    admin = make_api_user(installation, "administrator")
    a, b = alice.user.email, bob.user.email
    # Bob adding Alice's address as his own mailbox, or an administrator adding it for Bob.
    refused = _error(client.post(URL, json=_body(a), headers=bob.headers), 422, "invalid_input")
    assert refused["message"] == _mismatch(a, b)
    for_bob = _body(a, user=b)
    refused = _error(client.post(URL, json=for_bob, headers=admin.headers), 422, "invalid_input")
    assert refused["message"] == _mismatch(a, b)
    assert client.get(URL, headers=admin.headers).json() == []
    # Nothing was saved, so Alice adds her own.
    assert _add(client, alice)["user"] == a
    # An administrator names the owner whose address it is.
    added = client.post(URL, json=_body(b, user=b), headers=admin.headers)
    assert added.status_code == 201 and added.json()["user"] == b


def test_owner_and_administrator_remove_a_mailbox_others_get_404(
    installation: Installation, client: TestClient
) -> None:
    me, other = make_api_user(installation), make_api_user(installation)
    admin = make_api_user(installation, "administrator")
    mine, theirs = _add(client, me), _add(client, other)
    _error(client.delete(f"{URL}/{theirs['id']}", headers=me.headers), 404, "not_found")
    assert client.delete(f"{URL}/{mine['id']}", headers=me.headers).status_code == 204
    assert client.delete(f"{URL}/{theirs['id']}", headers=admin.headers).status_code == 204
    _error(client.delete(f"{URL}/{mine['id']}", headers=me.headers), 404, "not_found")
    assert client.get(URL, headers=admin.headers).json() == []
    # The address is free again.
    assert _add(client, me)["user"] == me.user.email
