"""``POST /api/v1/regarding-header``: the signed header the Outlook compose pane writes."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from fastapi.testclient import TestClient

from correspondent.bootstrap import Installation
from correspondent.domain.access import OPERATOR
from correspondent.domain.records import RecordRef
from correspondent.domain.regarding_header import derive_key, verify
from correspondent.services.mailboxes.secrets import installation_secret
from correspondent.services.records.create import create_record
from tests.api.conftest import make_api_user
from tests.builders import unique


def test_the_header_is_signed_for_the_user_and_record(
    installation: Installation, client: TestClient
) -> None:
    alice = make_api_user(installation)
    record = create_record(
        installation.uow, OPERATOR, "account", {"name": unique("Acme ")}, alice.user.email
    )
    answer = client.post(
        "/api/v1/regarding-header",
        json={"regarding": f"account:{record.id}"},
        headers=alice.headers,
    )
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert body["name"] == "X-Correspondent-Regarding"
    expires = datetime.fromisoformat(body["expires_at"])
    assert timedelta(days=29) < expires - datetime.now(UTC) <= timedelta(days=30)
    key = derive_key(installation_secret(installation.settings))
    claim = verify(key, body["value"], user_id=alice.user.id, now=datetime.now(UTC))
    assert claim.regarding == RecordRef("account", record.id)


def test_a_missing_record_or_none_is_refused(
    installation: Installation, client: TestClient
) -> None:
    alice = make_api_user(installation)
    missing = client.post(
        "/api/v1/regarding-header", json={"regarding": "account:999999"}, headers=alice.headers
    )
    assert missing.status_code == 404, missing.text
    nothing = client.post(
        "/api/v1/regarding-header", json={"regarding": None}, headers=alice.headers
    )
    assert nothing.status_code == 422
    assert (
        client.post("/api/v1/regarding-header", json={"regarding": "account:1"}).status_code == 401
    )
