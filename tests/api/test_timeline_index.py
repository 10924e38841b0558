"""An account's timeline finds its contacts through index ix_records_type_account, not a scan.

The contacts are found by the ``account`` key inside the JSON ``fields`` column; the query has to
spell that expression exactly as migration 0004 indexed it, or the index is never used.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from fastapi.testclient import TestClient

from correspondent.bootstrap import Installation
from correspondent.storage.listing import ListingRepository
from tests.api.conftest import make_api_user
from tests.builders import add_record, add_user, address, make_message


def _plan(conn: sa.Connection, statement: str, parameters: Any) -> str:
    raw = conn.connection.driver_connection
    assert raw is not None
    cursor = raw.cursor()
    if conn.dialect.name == "postgresql":
        cursor.execute("SET LOCAL enable_seqscan = off")  # the test tables are tiny
        cursor.execute("EXPLAIN " + statement, parameters)
    else:
        cursor.execute("EXPLAIN QUERY PLAN " + statement, parameters)
    return "\n".join(" ".join(str(c) for c in row) for row in cursor.fetchall())


def test_contacts_of_account_uses_the_expression_index(installation: Installation) -> None:
    owner = add_user(installation)
    acme = add_record(installation, "account", owner, name="Acme")
    other = add_record(installation, "account", owner, name="Other", account=str(acme))
    mine = [
        add_record(installation, "contact", owner, last_name=n, account=str(acme)) for n in "AB"
    ]
    add_record(installation, "contact", owner, last_name="C", account=str(other))
    add_record(installation, "contact", owner, last_name="D")
    add_record(installation, "opportunity", owner, name="Deal", account=str(acme))

    seen: list[tuple[str, Any]] = []
    with installation.engine.connect() as conn, conn.begin():

        def capture(*args: Any) -> None:
            seen.append((args[2], args[3]))  # statement, parameters

        sa.event.listen(conn, "before_cursor_execute", capture)
        assert sorted(ListingRepository(conn).contacts_of_account(acme)) == sorted(mine)
        sa.event.remove(conn, "before_cursor_execute", capture)
        statement, parameters = seen[-1]
        plan = _plan(conn, statement, parameters)
    # Both columns of the index narrow the search, not only the type with a filter after it.
    if installation.engine.dialect.name == "postgresql":
        assert "Index Scan using ix_records_type_account" in plan, plan
        cond = next(line for line in plan.splitlines() if "Index Cond" in line)
        assert "fields ->> 'account'" in cond and "Filter" not in plan, plan
    else:
        assert "USING INDEX ix_records_type_account (type=? AND <expr>=?)" in plan, plan


def test_account_timeline_holds_its_contacts_activities(
    installation: Installation, client: TestClient
) -> None:
    me = make_api_user(installation)
    h = me.headers

    def create(type_name: str, fields: dict[str, object]) -> int:
        response = client.post(f"/api/v1/records/{type_name}", json={"fields": fields}, headers=h)
        assert response.status_code == 201, response.text
        return int(response.json()["id"])

    def track(sender: str, subject: str) -> int:
        raw = make_message(sender=sender, to=[me.user.email], subject=subject)
        headers = {**h, "Content-Type": "message/rfc822"}
        response = client.post("/api/v1/track", content=raw, headers=headers)
        assert response.status_code == 201, response.text
        return int(response.json()["activity"]["id"])

    acme, other = create("account", {"name": "Acme"}), create("account", {"name": "Other"})
    ann, bob = address("ann"), address("bob")
    create("contact", {"last_name": "Ann", "account": acme, "email": ann})
    create("contact", {"last_name": "Bob", "account": other, "email": bob})
    from_ann, from_bob = track(ann, "From Ann"), track(bob, "From Bob")

    response = client.get(f"/api/v1/records/account/{acme}/timeline", headers=h)
    assert response.status_code == 200, response.text
    assert [item["id"] for item in response.json()["items"]] == [from_ann]
    response = client.get(f"/api/v1/records/account/{other}/timeline", headers=h)
    assert [item["id"] for item in response.json()["items"]] == [from_bob]
