"""BEHAVIOUR §6 (automatic tracking), §4 (track replies incl. Sent) and §8 (keywords)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from correspondent.domain.access import OPERATOR
from correspondent.domain.activity import TrackerSource
from correspondent.domain.mailbox_rules import SKIP_BEFORE_PROCESS_FROM, SKIP_NOT_A_REPLY
from correspondent.services.activities.track import MessageTracker, TrackRequest
from correspondent.services.mailboxes.status import mailbox_status
from tests.sync.harness import SyncEnv

pytestmark = pytest.mark.dovecot


def _skipped(env: SyncEnv, role: str) -> dict[str, int]:
    view = mailbox_status(env.installation.uow, OPERATOR, env.mailbox_id)
    [folder] = [f for f in view.folders if f.role == role]
    return dict(folder.skipped)


def test_replies_option_tracks_answers_to_tracked_mail_in_inbox_and_sent(env: SyncEnv) -> None:
    tracker = MessageTracker(env.installation.uow, env.installation.blobs)
    parent_id, raw = env.message()
    tracker.track(TrackRequest(raw, env.user.email))
    reply = env.append("INBOX", in_reply_to=f"<{parent_id}>", subject="Re: Hello")
    unrelated = env.append("INBOX")
    sent_reply = env.append(
        "Sent", sender=env.user.email, to=[env.sent_from], references=[f"<{parent_id}>"]
    )
    sent_other = env.append("Sent", sender=env.user.email, to=[env.sent_from])
    env.sync()
    reply_activity = env.activity(reply)
    assert reply_activity is not None
    assert [t.source for t in env.trackers(reply_activity)] == [TrackerSource.REPLY]
    assert env.activity(sent_reply) is not None
    assert env.activity(unrelated) is None and env.activity(sent_other) is None
    assert _skipped(env, "inbox")[SKIP_NOT_A_REPLY] == 1
    assert "$Tracked" in env.keywords("INBOX", reply)


def test_all_option_tracks_inbox_mail_after_process_from_only(env: SyncEnv) -> None:
    env.set_option("incoming_tracking", "all")
    old = env.message()
    env.client.append("INBOX", old[1], msg_time=datetime.now(UTC) - timedelta(days=30))
    new = env.append("INBOX")
    env.sync()
    assert env.activity(new) is not None
    assert env.activity(old[0]) is None
    assert _skipped(env, "inbox")[SKIP_BEFORE_PROCESS_FROM] == 1


def test_crm_people_option_tracks_mail_from_contacts(env: SyncEnv) -> None:
    env.set_option("incoming_tracking", "crm_people")
    contact = env.record("contact", first_name="Ann", last_name="Lee", email=env.sent_from)
    assert contact
    from_contact = env.append("INBOX")
    from_stranger = env.append("INBOX", sender="stranger@nowhere.example")
    env.set_option("incoming_tracking", "none")
    env.sync()
    assert env.activity(from_contact) is None  # option "none" at sync time
    env.set_option("incoming_tracking", "crm_people")
    later = env.append("INBOX")
    env.sync()
    assert env.activity(later) is not None
    assert env.activity(from_stranger) is None


def test_request_keyword_tracks_and_is_cleared(env: SyncEnv) -> None:
    tagged = env.append("INBOX", flags=("Track",))
    later = env.append("INBOX")
    env.sync()
    activity = env.activity(tagged)
    assert activity is not None
    assert [t.source for t in env.trackers(activity)] == [TrackerSource.KEYWORD]
    keywords = env.keywords("INBOX", tagged)
    assert "$Tracked" in keywords and "Track" not in keywords
    # Offline: the client sends the tag when it reconnects; an existing message gets it.
    assert env.activity(later) is None
    env.store("INBOX", later, ["Track"])
    env.sync()
    assert env.activity(later) is not None
    assert "Track" not in env.keywords("INBOX", later)


def test_configured_request_keyword(env: SyncEnv) -> None:
    env.set_option("track_keyword", "CRM")
    tagged = env.append("INBOX", flags=("CRM",))
    env.sync()
    assert env.activity(tagged) is not None


def test_removing_tracked_keyword_untracks_and_keeps_the_activity(env: SyncEnv) -> None:
    tagged = env.append("INBOX", flags=("Track",))
    env.sync()
    activity = env.activity(tagged)
    assert activity is not None and env.trackers(activity)
    env.store("INBOX", tagged, [], ["$Tracked"])
    env.sync()
    assert env.activity(tagged) == activity  # kept
    assert env.trackers(activity) == []
    env.sync()  # stays untracked
    assert env.trackers(activity) == []
    env.store("INBOX", tagged, ["Track"])  # and can be tracked again
    env.sync()
    assert env.trackers(activity)


def test_message_tracked_from_the_cli_gets_tracked_keyword(env: SyncEnv) -> None:
    env.sync()
    message_id, raw = env.message()
    env.client.append("INBOX", raw)
    env.sync()
    assert env.activity(message_id) is None
    MessageTracker(env.installation.uow, env.installation.blobs).track(
        TrackRequest(raw, env.user.email)
    )
    env.sync()
    assert "$Tracked" in env.keywords("INBOX", message_id)


def test_quarantined_message_is_listed_not_lost(env: SyncEnv) -> None:
    folder = "INBOX"
    env.client.append(folder, b"this is not an email at all", flags=("Track",))
    env.sync()
    view = mailbox_status(env.installation.uow, OPERATOR, env.mailbox_id)
    [inbox] = [f for f in view.folders if f.role == "inbox"]
    assert inbox.skipped.get("quarantined") == 1 or view.failed_messages
