"""The demo organisation seeded by ``make run`` on first start."""

from __future__ import annotations

import re

import pytest

from correspondent.bootstrap import Installation
from correspondent.demo.seed import DEMO_MESSAGES, PENDING_USER, seed_demo_if_empty
from correspondent.domain.access import OPERATOR
from correspondent.services.activities.queries import ActivityFilter, list_activities_in_full
from correspondent.services.admin.quarantine import list_quarantine
from correspondent.services.admin.users import list_users


@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
def test_demo_is_seeded_once_with_threads_attachments_and_japanese(
    installation: Installation,
) -> None:
    summary = seed_demo_if_empty(installation)
    assert summary is not None and f"{DEMO_MESSAGES} tracked emails" in summary
    assert seed_demo_if_empty(installation) is None
    page = list_activities_in_full(installation.uow, OPERATOR, ActivityFilter(), limit=200)
    listed = page.items
    assert len(listed) == DEMO_MESSAGES and page.next_cursor is None
    assert any(a.correlation for a in listed), "no threaded mail"
    assert any(a.attachments for a in listed), "no attachments"
    assert any(re.search(r"[\u3040-\u30ff\u4e00-\u9fff]", a.subject) for a in listed)
    assert any(a.regarding for a in listed)
    resolved = [p.record for a in listed for p in a.parties if p.record]
    assert {r.type for r in resolved} >= {"user", "contact"}
    # The administration pages have something to show: an address to approve, a quarantine.
    assert [u.email for u in list_users(installation.uow, OPERATOR) if not u.email_approved] == [
        PENDING_USER[0]
    ]
    [kept] = list_quarantine(installation.uow, OPERATOR)
    assert kept.source == "demo: minutes.txt"


@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
def test_demo_summary_carries_a_working_admin_token(installation: Installation) -> None:
    from fastapi.testclient import TestClient

    from correspondent.api.app import create_app

    summary = seed_demo_if_empty(installation)
    assert summary is not None
    token = summary.rsplit(" ", 1)[-1]
    client = TestClient(create_app(installation))
    headers = {"Authorization": f"Bearer {token}"}
    answer = client.get("/api/v1/activities", headers=headers)
    assert answer.status_code == 200, answer.text
    # The administrator owns no customers; their address book still finds the contacts.
    found = client.get("/api/v1/address-book?q=ourco", headers=headers).json()
    assert found == []  # colleagues are users, not contacts
    for text, name in (
        ("davolio", "Nancy Davolio"),
        ("chloe.d", "Chloé Dubois"),
        ("山田", "太郎 山田"),
    ):
        found = client.get("/api/v1/address-book", params={"q": text}, headers=headers).json()
        assert [c["name"] for c in found] == [name]
        assert found[0]["owner"].endswith("@ourco.example")
