"""GET /api/v1/search: records and activities found through the search indexes (migration 0007),
on SQLite and PostgreSQL, only as far as the user may read them, and kept up to date."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

from correspondent.bootstrap import Installation
from correspondent.domain.access import OPERATOR
from correspondent.domain.records import RecordRef
from correspondent.services.activities.track import MessageTracker, TrackRequest, TrackResult
from correspondent.services.activities.untrack import untrack
from correspondent.services.admin.roles import save_role
from correspondent.services.records import update
from tests.api.conftest import ApiUser, make_api_user
from tests.builders import add_record, address, make_message, unique


def _track(installation: Installation, who: ApiUser, raw: bytes) -> int:
    outcome = MessageTracker(installation.uow, installation.blobs).track(
        TrackRequest(raw, who.user.email)
    )
    assert isinstance(outcome, TrackResult), outcome
    return outcome.activity_id


def _search(client: TestClient, who: ApiUser, q: str, **params: Any) -> Any:
    response = client.get("/api/v1/search", params={"q": q, **params}, headers=who.headers)
    assert response.status_code == 200, response.text
    return response.json()


def _activity_ids(found: Any) -> list[int]:
    return [a["id"] for a in found["activities"]]


def _record_refs(found: Any) -> list[tuple[str, int]]:
    return [(r["type"], r["id"]) for r in found["records"]]


def test_japanese_subject_and_body_are_found_by_three_characters(
    installation: Installation, client: TestClient
) -> None:
    alice = make_api_user(installation)
    subject_id = _track(
        installation,
        alice,
        make_message(
            sender=address("c"), subject="御見積書の送付について", body="ご確認ください。"
        ),
    )
    body_id = _track(
        installation,
        alice,
        make_message(
            sender=address("c"),
            subject="Re: meeting",
            body="来週の打ち合わせは木曜日でお願いします。",
        ),
    )
    assert _activity_ids(_search(client, alice, "見積書")) == [subject_id]
    assert _activity_ids(_search(client, alice, "打ち合わせ")) == [body_id]
    assert _activity_ids(_search(client, alice, "木曜日")) == [body_id]
    assert _activity_ids(_search(client, alice, "水曜日")) == []
    # Two characters cannot be looked up in a trigram index: the answer says so.
    short = client.get("/api/v1/search", params={"q": "見積"}, headers=alice.headers)
    assert short.status_code == 422
    assert "at least 3 characters" in short.json()["error"]["message"]


def test_participants_records_and_every_word(
    installation: Installation, client: TestClient
) -> None:
    alice = make_api_user(installation)
    tag = unique("zq")
    sender = f"{tag}-buyer@customer.example"
    by_name = _track(
        installation,
        alice,
        make_message(sender=address("c"), sender_name=f"Hanako {tag}Yamada", subject="Order"),
    )
    by_address = _track(installation, alice, make_message(sender=sender, subject="Invoice 42"))
    account = add_record(installation, "account", alice.user, name=f"{tag} Widgets")
    contact = add_record(
        installation, "contact", alice.user, first_name="Ken", last_name="Sato", email=sender
    )
    found = _search(client, alice, tag.upper())  # case does not matter
    assert _activity_ids(found) == [by_address, by_name]
    assert set(_record_refs(found)) == {("account", account), ("contact", contact)}
    # Every word must occur, in any of the searched fields.
    assert _activity_ids(_search(client, alice, f"{tag} invoice")) == [by_address]
    both = _search(client, alice, f"{tag} widgets")
    assert _record_refs(both) == [("account", account)] and both["activities"] == []
    # Words too short to look up are reported, not silently dropped.
    assert _search(client, alice, f"{tag} of")["ignored_words"] == ["of"]


def test_query_syntax_is_plain_text(installation: Installation, client: TestClient) -> None:
    alice = make_api_user(installation)
    odd = _track(
        installation, alice, make_message(sender=address("c"), subject='50%_off "NEAR" AND x*')
    )
    _track(installation, alice, make_message(sender=address("c"), subject="50 percent off"))
    assert _activity_ids(_search(client, alice, "50%_off")) == [odd]
    assert _activity_ids(_search(client, alice, '"NEAR"')) == [odd]
    assert _activity_ids(_search(client, alice, "AND x*")) == [odd]


def test_a_user_never_finds_what_he_may_not_read(
    installation: Installation, client: TestClient
) -> None:
    save_role(
        installation.uow,
        OPERATOR,
        "own_accounts",
        "Reads only their own accounts and activities.",
        {"account": {"read": "user"}, "activity": {"read": "user"}},
    )
    alice = make_api_user(installation, role="own_accounts")
    bob = make_api_user(installation, role="own_accounts")
    manager = make_api_user(installation, role="administrator")
    tag = unique("hid")
    mine = _track(installation, alice, make_message(sender=address("c"), subject=f"{tag} plan"))
    theirs = _track(installation, bob, make_message(sender=address("c"), body=f"the {tag} plan"))
    alices = add_record(installation, "account", alice.user, name=f"{tag} Alice Ltd")
    bobs = add_record(installation, "account", bob.user, name=f"{tag} Bob Ltd")

    found = _search(client, alice, tag)
    assert _activity_ids(found) == [mine]
    assert _record_refs(found) == [("account", alices)]
    found = _search(client, bob, tag)
    assert _activity_ids(found) == [theirs]
    assert _record_refs(found) == [("account", bobs)]
    everything = _search(client, manager, tag)
    assert _activity_ids(everything) == [theirs, mine]
    assert _record_refs(everything) == [("account", alices), ("account", bobs)]
    # The limit is applied after the access filter, and says when more match.
    first = _search(client, manager, tag, limit=1)
    assert _activity_ids(first) == [theirs] and first["more_activities"] is True
    assert _search(client, alice, tag, limit=1)["more_activities"] is False


def test_the_index_follows_update_delete_and_untrack(
    installation: Installation, client: TestClient
) -> None:
    alice = make_api_user(installation, role="administrator")
    old, new = unique("old"), unique("new")
    account = add_record(installation, "account", alice.user, name=f"{old} Trading")
    ref = RecordRef("account", account)
    assert _record_refs(_search(client, alice, old)) == [("account", account)]
    update.update_record(installation.uow, OPERATOR, ref, {"name": f"{new} Trading"})
    assert _search(client, alice, old)["records"] == []
    assert _record_refs(_search(client, alice, new)) == [("account", account)]
    update.delete_record(installation.uow, OPERATOR, ref)
    assert _search(client, alice, new)["records"] == []

    contact = add_record(
        installation, "contact", alice.user, last_name="Kept", email=f"{old}@mail.example"
    )
    assert _record_refs(_search(client, alice, f"{old}@mail")) == [("contact", contact)]
    update.update_record(
        installation.uow, OPERATOR, RecordRef("contact", contact), {"email": f"{new}@mail.example"}
    )
    assert _search(client, alice, f"{old}@mail")["records"] == []
    assert _record_refs(_search(client, alice, f"{new}@mail")) == [("contact", contact)]

    kept = _track(installation, alice, make_message(sender=address("c"), subject=f"{old} kept"))
    gone = _track(installation, alice, make_message(sender=address("c"), subject=f"{old} gone"))
    untrack(installation.uow, installation.blobs, OPERATOR, kept, alice.user.email)
    untrack(
        installation.uow,
        installation.blobs,
        OPERATOR,
        gone,
        alice.user.email,
        delete_activity=True,
    )
    assert _activity_ids(_search(client, alice, old)) == [kept]


def test_search_needs_signing_in_and_a_query(client: TestClient) -> None:
    assert client.get("/api/v1/search", params={"q": "anything"}).status_code == 401
    schema = client.get("/api/v1/openapi.json").json()
    answer = schema["paths"]["/api/v1/search"]["get"]["responses"]["200"]
    assert answer["content"]["application/json"]["schema"]["$ref"].endswith("/SearchOut")
