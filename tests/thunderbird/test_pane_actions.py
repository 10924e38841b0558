"""Set Regarding, Untrack (keep or delete), removing the tag, and a message tracked elsewhere,
each done in a real Thunderbird's tracking pane (issue 10)."""

from __future__ import annotations

import pytest

from correspondent.domain.records import RecordRef
from tests.sync.harness import SyncEnv
from tests.thunderbird.mail import remove_tag, wait_for_keyword
from tests.thunderbird.pane import TrackingPane
from tests.thunderbird.session import MailClient, Server
from tests.thunderbird.thunderbird import wait_for

pytestmark = pytest.mark.dovecot
TRACKED = "$tracked"


def _track(mail_client: MailClient, env: SyncEnv, message_id: str) -> int:
    pane = mail_client.open_pane(message_id)
    pane.wait_for_status("not-tracked")
    pane.press("Track")
    pane.wait_for_status("tracked")
    activity_id = env.activity(message_id)
    assert activity_id is not None
    return activity_id


def _choices(pane: TrackingPane) -> list[str]:
    seen = pane.describe() or {"controls": []}
    return [c["name"] for c in seen["controls"] if c["name"].startswith("Choose ")]


def test_set_regarding_searches_records_and_links_the_activity(
    mail_client: MailClient, env: SyncEnv
) -> None:
    wanted = env.record("account", name="Harbour Lights Ltd")
    env.record("account", name="Harbour Freight plc")
    message_id = env.append("INBOX", subject="Berth booking")
    activity_id = _track(mail_client, env, message_id)

    pane = mail_client.pane
    pane.press("Set Regarding…")
    pane.fill("Search records", "Lights")
    # Each keystroke searches again: wait for the list of the whole word before choosing.
    wait_for(lambda: _choices(pane) == ["Choose Harbour Lights Ltd"], 90, "search results")
    pane.press("Choose Harbour Lights Ltd")
    wait_for(
        lambda: "Harbour Lights Ltd (account)" in (pane.describe() or {}).get("text", ""),
        90,
        "the regarding record in the pane",
    )
    assert env.regarding(activity_id) == wanted


def test_set_regarding_on_an_untracked_message_tracks_it_with_that_record(
    mail_client: MailClient, env: SyncEnv
) -> None:
    wanted = env.record("account", name="Northwind Traders")
    message_id = env.append("INBOX", subject="Catalogue")
    pane = mail_client.open_pane(message_id)
    pane.wait_for_status("not-tracked")
    pane.press("Set Regarding…")
    pane.fill("Search records", "Northwind")
    pane.press("Choose Northwind Traders")
    pane.wait_for_status("tracked")
    activity_id = env.activity(message_id)
    assert activity_id is not None
    assert env.regarding(activity_id) == RecordRef(wanted.type, wanted.id)


def test_untrack_and_keep_the_activity(
    mail_client: MailClient, env: SyncEnv, server: Server
) -> None:
    message_id = env.append("INBOX", subject="Keep this one")
    activity_id = _track(mail_client, env, message_id)
    wait_for_keyword(mail_client.tb, message_id, TRACKED, present=True)

    pane = mail_client.pane
    pane.press("Untrack")
    pane.press("Untrack, keep the activity")
    pane.wait_for_status("not-tracked")
    assert env.trackers(activity_id) == []
    with server.api(mail_client.token) as api:
        assert api.get(f"/activities/{activity_id}").status_code == 200
    wait_for_keyword(mail_client.tb, message_id, TRACKED, present=False)


def test_untrack_and_delete_the_activity(
    mail_client: MailClient, env: SyncEnv, server: Server
) -> None:
    message_id = env.append("INBOX", subject="Delete this one")
    activity_id = _track(mail_client, env, message_id)

    pane = mail_client.pane
    pane.press("Untrack")
    pane.press("Untrack and delete the activity")
    pane.wait_for_status("not-tracked")
    assert env.activity(message_id) is None
    with server.api(mail_client.token) as api:
        assert api.get(f"/activities/{activity_id}").status_code == 404
    wait_for_keyword(mail_client.tb, message_id, TRACKED, present=False)


def test_removing_the_tag_untracks_and_keeps_the_activity(
    mail_client: MailClient, env: SyncEnv
) -> None:
    message_id = env.append("INBOX", subject="Tag comes off")
    activity_id = _track(mail_client, env, message_id)
    wait_for_keyword(mail_client.tb, message_id, TRACKED, present=True)

    mail_client.pane.close()
    remove_tag(mail_client.tb, message_id, TRACKED)
    wait_for(lambda: env.trackers(activity_id) == [], 90, "untracked after the tag was removed")
    assert env.activity(message_id) == activity_id


def test_a_message_tracked_elsewhere_shows_the_tag_after_sync(
    mail_client: MailClient, env: SyncEnv, server: Server
) -> None:
    message_id, raw = env.message(subject="Tracked in the web app")
    env.client.append("INBOX", raw)
    with server.api(mail_client.token) as api:
        api.post(
            "/track", content=raw, headers={"Content-Type": "message/rfc822"}
        ).raise_for_status()
    env.sync()  # the server's sync writes $Tracked on the message
    assert "$tracked" in {k.lower() for k in env.keywords("INBOX", message_id)}

    pane = mail_client.open_pane(message_id)
    wait_for_keyword(mail_client.tb, message_id, TRACKED, present=True)
    pane.close()
    pane = mail_client.open_pane(message_id)
    # Found by its Message-ID: the pane shows the activity itself, not only the tag.
    seen = pane.wait_for_status("tracked")
    assert seen["status"] == "Tracked" and env.sent_from in seen["text"]
