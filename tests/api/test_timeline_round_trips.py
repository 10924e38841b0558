"""The timeline is the API's busiest read: it stays a handful of statements in one transaction.

Under load each statement is a round trip (and CPU in both the worker and the database), so a
change that brings back a query per role, per contact or per row shows here before it shows in
``bench.api_load``. Reading it in the unit of work that authenticated the request must not
weaken authentication: revoked tokens, deactivated users and edited roles take effect at once.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
from fastapi.testclient import TestClient

from correspondent.bootstrap import Installation
from correspondent.domain.access import OPERATOR
from correspondent.services import auth
from correspondent.storage.access_repository import _facts_query, _names_query
from correspondent.storage.auth_repository import _credential_query
from correspondent.storage.listing import _activity_page_query
from tests.api.conftest import ApiUser, make_api_user
from tests.builders import address, make_message

# Authentication (token, user and stored roles), the record's access facts, the page of
# activities (the account's contacts found inside it) and the names shown.
TIMELINE_STATEMENTS = 4


@dataclass
class Statements:
    sql: list[str] = field(default_factory=list)
    transactions: int = 0


@contextmanager
def counting(installation: Installation) -> Iterator[Statements]:
    seen = Statements()

    def statement(*args: Any) -> None:
        # SQLite's own transaction control (BEGIN, and PRAGMA query_only for read-only units)
        # is in-process, not a round trip.
        if not args[2].lstrip().upper().startswith(("BEGIN", "PRAGMA QUERY_ONLY")):
            seen.sql.append(args[2])

    def begin(*_args: Any) -> None:
        seen.transactions += 1

    sa.event.listen(installation.engine, "before_cursor_execute", statement)
    sa.event.listen(installation.engine, "begin", begin)
    try:
        yield seen
    finally:
        sa.event.remove(installation.engine, "before_cursor_execute", statement)
        sa.event.remove(installation.engine, "begin", begin)


def _account_with_activity(client: TestClient, me: ApiUser) -> int:
    """An account with three contacts who each wrote twice, half of it regarding the account."""

    def create(type_name: str, fields: dict[str, object]) -> int:
        response = client.post(
            f"/api/v1/records/{type_name}", json={"fields": fields}, headers=me.headers
        )
        assert response.status_code == 201, response.text
        return int(response.json()["id"])

    account = create("account", {"name": "Acme"})
    for n in range(3):
        sender = address(f"c{n}")
        create("contact", {"last_name": f"C{n}", "account": account, "email": sender})
        for regarding in (None, f"account:{account}"):
            raw = make_message(sender=sender, to=[me.user.email], subject=f"{n} {regarding}")
            response = client.post(
                "/api/v1/track",
                params={"regarding": regarding} if regarding else {},
                content=raw,
                headers={**me.headers, "Content-Type": "message/rfc822"},
            )
            assert response.status_code == 201, response.text
    return account


def test_a_timeline_request_is_one_transaction_of_few_statements(
    installation: Installation, client: TestClient
) -> None:
    me = make_api_user(installation, "sales_manager", unit="Sales")
    account = _account_with_activity(client, me)
    with counting(installation) as seen:
        response = client.get(f"/api/v1/records/account/{account}/timeline", headers=me.headers)
    assert response.status_code == 200, response.text
    items = response.json()["items"]
    assert len(items) == 6
    assert sum(1 for i in items if i["regarding"] and i["regarding"]["name"] == "Acme") == 3
    assert {i["owner"] for i in items} == {me.user.email}
    assert seen.transactions == 1
    assert len(seen.sql) <= TIMELINE_STATEMENTS, "\n".join(seen.sql)


def test_the_timeline_rechecks_credentials_and_roles_on_every_request(
    installation: Installation, client: TestClient
) -> None:
    me = make_api_user(installation, "salesperson")
    account = _account_with_activity(client, me)
    admin = make_api_user(installation, "administrator")
    path = f"/api/v1/records/account/{account}/timeline"
    assert client.get(path, headers=me.headers).status_code == 200

    # A stored role replacing the built-in one applies to the very next request.
    no_reading = {"account": {"read": "none"}, "activity": {"read": "none"}}
    saved = client.put(
        "/api/v1/roles/salesperson", json={"privileges": no_reading}, headers=admin.headers
    )
    assert saved.status_code == 200, saved.text
    assert client.get(path, headers=me.headers).status_code == 404
    everything = {"account": {"read": "organisation"}, "activity": {"read": "organisation"}}
    saved = client.put(
        "/api/v1/roles/salesperson", json={"privileges": everything}, headers=admin.headers
    )
    assert client.get(path, headers=me.headers).json()["items"]

    spare = auth.create_token(installation.uow, OPERATOR, me.user.email, "spare")
    spare_headers = {"Authorization": f"Bearer {spare.token}"}
    assert client.get(path, headers=spare_headers).status_code == 200
    revoked = client.delete(f"/api/v1/tokens/{spare.id}", headers=me.headers)
    assert revoked.status_code == 204
    assert client.get(path, headers=spare_headers).status_code == 401

    deactivated = client.patch(
        f"/api/v1/users/{me.user.id}", json={"active": False}, headers=admin.headers
    )
    assert deactivated.status_code == 200
    assert client.get(path, headers=me.headers).status_code == 401


def test_the_timeline_accepts_a_browser_session(
    installation: Installation, client: TestClient
) -> None:
    me = make_api_user(installation, "salesperson")
    account = _account_with_activity(client, me)
    auth.set_password(installation.uow, OPERATOR, me.user.email, "a long enough password")
    signed_in = client.post(
        "/api/v1/session", json={"email": me.user.email, "password": "a long enough password"}
    )
    assert signed_in.status_code in (200, 201), signed_in.text
    response = client.get(f"/api/v1/records/account/{account}/timeline")
    assert response.status_code == 200, response.text
    assert len(response.json()["items"]) == 6
    client.delete("/api/v1/session", headers={"X-CSRF-Token": signed_in.json()["csrf_token"]})
    assert client.get(f"/api/v1/records/account/{account}/timeline").status_code == 401


def test_the_timeline_builds_its_statements_once_per_shape(
    installation: Installation, client: TestClient
) -> None:
    """Building a SQLAlchemy statement costs more Python time than running it: the hot ones are
    cached by shape, and a second user of the same role reuses them with their own values."""
    builders = (_credential_query, _facts_query, _activity_page_query, _names_query)
    me = make_api_user(installation, "sales_manager", unit="Sales")
    other = make_api_user(installation, "sales_manager", unit="Support")
    account = _account_with_activity(client, me)
    path = f"/api/v1/records/account/{account}/timeline"
    assert len(client.get(path, headers=me.headers).json()["items"]) == 6
    built = [b.cache_info().misses for b in builders]
    # A manager of another business unit reads the account (customers are organisation-wide)
    # but none of these activities: same shapes, so nothing is built, and none of the first
    # user's values come through the cached statements.
    assert client.get(path, headers=other.headers).json()["items"] == []
    assert len(client.get(path, headers=me.headers).json()["items"]) == 6
    assert [b.cache_info().misses for b in builders] == built
