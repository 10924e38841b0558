"""The pane's records in a real Thunderbird (issue 10, point 2 and 3): a message tracked
elsewhere found by its Message-ID (no second tracking), each party's parent account, and
Create contact / Create lead for an unresolved sender."""

from __future__ import annotations

import pytest

from tests.sync.harness import SyncEnv
from tests.thunderbird.session import MailClient, Server
from tests.thunderbird.thunderbird import wait_for

pytestmark = pytest.mark.dovecot


def _buttons(seen: dict[str, object]) -> set[str]:
    return {c["name"] for c in seen["controls"] if c["role"] == "button"}  # type: ignore[attr-defined, index]


def test_a_message_tracked_in_the_web_app_shows_its_pane_with_the_parent_account(
    mail_client: MailClient, env: SyncEnv, server: Server
) -> None:
    account = env.record("account", name="Globex Shipping")
    env.record(
        "contact", first_name="Ann", last_name="Lee", email=env.sent_from, account=str(account.id)
    )
    message_id, raw = env.message(subject="Tracked in the web app first")
    env.client.append("INBOX", raw)
    with server.api(mail_client.token) as api:
        tracked = api.post("/track", content=raw, headers={"Content-Type": "message/rfc822"})
        activity_id = tracked.raise_for_status().json()["activity"]["id"]

    # No sync, no tag yet: the pane finds the activity by the message's Message-ID.
    pane = mail_client.open_pane(message_id)
    seen = pane.wait_for_status("tracked")
    assert seen["status"] == "Tracked"
    assert "Ann Lee (contact)" in seen["text"] and "account Globex Shipping" in seen["text"]
    assert {"View in Correspondent", "Untrack", "Set Regarding…"} <= _buttons(seen)
    assert "Track" not in _buttons(seen)
    assert env.activity_count(message_id) == 1 and len(env.trackers(activity_id)) == 1


def test_create_contact_for_the_unresolved_sender_links_it_in_the_pane(
    mail_client: MailClient, env: SyncEnv, server: Server
) -> None:
    message_id = env.append(
        "INBOX", subject="From someone new", sender=f"Rita Novak <{env.sent_from}>"
    )
    pane = mail_client.open_pane(message_id)
    pane.wait_for_status("not-tracked")
    pane.press("Track")
    seen = pane.wait_for_status("tracked")
    assert {f"Create contact for {env.sent_from}", f"Create lead for {env.sent_from}"} <= (
        _buttons(seen)
    )

    pane.press(f"Create contact for {env.sent_from}")
    seen = wait_for(
        lambda: (s := pane.describe()) and "Rita Novak (contact)" in s["text"] and s,
        90,
        f"the sender linked to the new contact ({pane.describe()})",
    )
    assert not [name for name in _buttons(seen) if name.startswith("Create ")]
    activity_id = env.activity(message_id)
    with server.api(mail_client.token) as api:
        activity = api.get(f"/activities/{activity_id}").raise_for_status().json()
    sender = next(p for p in activity["parties"] if p["role"] == "from")
    assert sender["record"]["type"] == "contact" and sender["record"]["name"] == "Rita Novak"
