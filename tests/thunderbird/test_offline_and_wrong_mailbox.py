"""Tracking while the server cannot be reached (queued, kept across a restart of Thunderbird,
sent in order once each when it answers again) and the refusal for a mailbox that is not the
user's CRM address.

The server is stopped rather than Thunderbird put offline: with ``Services.io.offline`` set,
the add-on's requests to the loopback test server still went through in this Thunderbird, so
offline mode could not make the server unreachable here; a stopped server does, and it is the
same failure for the add-on (the request does not get an answer).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from correspondent.domain.access import OPERATOR
from correspondent.services import auth
from correspondent.services.admin import users as admin_users
from tests.builders import address
from tests.support.dovecot import DovecotServer
from tests.sync.harness import SyncEnv
from tests.thunderbird.mail import show_message, sync_inbox, wait_for_keyword
from tests.thunderbird.pane import TrackingPane
from tests.thunderbird.session import MailClient, Server, sign_in, start_thunderbird
from tests.thunderbird.thunderbird import wait_for

pytestmark = pytest.mark.dovecot


def test_tracking_unreachable_is_queued_survives_a_restart_and_is_sent_in_order_once_each(
    mail_client: MailClient, env: SyncEnv, server: Server
) -> None:
    first = env.append("INBOX", subject="Offline one")
    second = env.append("INBOX", subject="Offline two")
    sync_inbox(mail_client.tb, [first, second])
    server.stop()
    for message_id in (first, second):
        show_message(mail_client.tb, message_id)
        pane = mail_client.pane
        pane.open()
        pane.wait_for_status("not-tracked")
        pane.press("Track")
        assert pane.wait_for_status("pending")["status"].startswith("Pending: 1 change")
        pane.close()
    assert env.activity(first) is None and env.activity(second) is None

    mail_client.restart()  # closed meanwhile: the queue is in storage.local
    server.start()
    mail_client.open_pane(first)  # opening the pane also asks the add-on to send the queue
    wait_for(lambda: env.activity(first) and env.activity(second), 120, "both tracked")
    first_id, second_id = env.activity(first), env.activity(second)
    assert first_id is not None and second_id is not None
    assert first_id < second_id, "sent in the order they were tracked"
    for activity_id in (first_id, second_id):
        assert [t.source.value for t in env.trackers(activity_id)] == ["manual"]
    assert env.activity_count(first) == 1 and env.activity_count(second) == 1
    for message_id in (first, second):
        wait_for_keyword(mail_client.tb, message_id, "$tracked", present=True)
    mail_client.open_pane(second).wait_for_status("tracked")


def test_a_mailbox_that_is_not_the_crm_address_gets_the_reference_message_and_nothing_tracked(
    server: Server,
    env: SyncEnv,
    dovecot: DovecotServer,
    dovecot_user: tuple[str, str],
    addon_dir: Path,
) -> None:
    # Signed in as a CRM user whose address is not this mailbox's.
    other = admin_users.add_user(
        server.installation.uow, OPERATOR, address("crm", "ourco.example"), "Other"
    )
    token = auth.create_token(server.installation.uow, OPERATOR, other.email).token
    login, password = dovecot_user
    message_id = env.append("INBOX", subject="Not my mailbox")
    tb, addon = start_thunderbird(dovecot, login, password, login, addon_dir)
    try:
        sign_in(tb, addon, server.url, token)
        sync_inbox(tb, [message_id])
        show_message(tb, message_id)
        pane = TrackingPane(tb, addon)
        pane.open()
        seen = pane.wait_for_status("wrong-mailbox")
        assert seen["status"] == (
            f"To track email, the mailbox address ({login.lower()}) must be the same as your "
            f"email address in the CRM ({other.email.lower()})."
        )
        assert not [c for c in seen["controls"] if c["role"] == "button"]
    finally:
        tb.close()
    assert env.activity(message_id) is None
