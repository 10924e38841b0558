"""Tracking from the add-on's pane in a real Thunderbird (issue 10): the activity through the
API, the tag in Thunderbird, ``$Tracked`` on the IMAP server."""

from __future__ import annotations

import pytest

from tests.sync.harness import SyncEnv
from tests.thunderbird.mail import wait_for_keyword
from tests.thunderbird.session import MailClient, Server

pytestmark = pytest.mark.dovecot


def test_track_from_the_pane_makes_the_activity_tags_the_message_and_the_server(
    mail_client: MailClient, env: SyncEnv, server: Server
) -> None:
    message_id = env.append("INBOX", subject="Quote for the spring order")
    pane = mail_client.open_pane(message_id)
    assert pane.wait_for_status("not-tracked")["status"] == "Not tracked"

    pane.press("Track")
    seen = pane.wait_for_status("tracked")
    assert seen["status"] == "Tracked"
    names = {c["name"] for c in seen["controls"] if c["role"] == "button"}
    assert {"Set Regarding…", "View in Correspondent", "Untrack"} <= names
    assert "Track" not in names
    assert env.sent_from in seen["text"] and env.user.email in seen["text"]

    activity_id = env.activity(message_id)
    assert activity_id is not None
    with server.api(mail_client.token) as api:
        activity = api.get(f"/activities/{activity_id}").raise_for_status().json()
    assert activity["subject"] == "Quote for the spring order"
    assert {p["address"] for p in activity["parties"]} == {env.sent_from, env.user.email}
    assert [t["source"] for t in activity["trackers"]] == ["manual"]

    wait_for_keyword(mail_client.tb, message_id, "$tracked", present=True)
    env.sync()
    # Dovecot compares keywords without case and keeps the first spelling the mailbox saw.
    assert "$tracked" in {k.lower() for k in env.keywords("INBOX", message_id)}
    assert len(env.trackers(activity_id)) >= 1
