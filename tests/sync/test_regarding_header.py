"""Set Regarding before sending (the Outlook add-in's compose pane): the signed header in the
sent copy makes the sync track it with that record; a forged, foreign or expired header is
refused with a visible reason (a mailbox alert naming the message), against the test Dovecot."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from correspondent.domain.access import OPERATOR
from correspondent.domain.activity import TrackerSource
from correspondent.domain.records import RecordRef
from correspondent.domain.regarding_header import HEADER_NAME, RegardingClaim, derive_key, sign
from correspondent.services.activities.regarding_header import issue_regarding_header
from correspondent.services.admin import users as admin_users
from tests.builders import make_message, unique
from tests.sync.harness import SyncEnv

pytestmark = pytest.mark.dovecot
KEY = derive_key(b"the installation's secret")


def _sync(env: SyncEnv, key: bytes | None = KEY) -> None:
    env.runner(use_idle=False, regarding_key=key).sync_once()


def _append_sent(env: SyncEnv, header_value: str | None) -> str:
    message_id = f"{unique('sent')}@ourco.example"
    raw = make_message(
        sender=env.user.email, to=[env.sent_from], message_id=f"<{message_id}>", subject="Quote"
    )
    if header_value is not None:
        raw = f"{HEADER_NAME}: {header_value}\r\n".encode() + raw
    env.client.append("Sent", raw)
    return message_id


def _alerts(env: SyncEnv) -> list[str]:
    with env.installation.uow() as uow:
        return [alert.text for alert in uow.mailboxes.alerts(env.mailbox_id)]


def _issue(env: SyncEnv, record: RecordRef) -> str:
    header = issue_regarding_header(
        env.installation.uow, OPERATOR, env.user.email, record, key=KEY, now=datetime.now(UTC)
    )
    assert header.name == HEADER_NAME
    return header.value


def test_a_sent_message_with_set_regarding_is_tracked_with_that_record(env: SyncEnv) -> None:
    record = env.record("account")
    message_id = _append_sent(env, _issue(env, record))
    plain = _append_sent(env, None)  # Sent mail that answers nothing: the rules skip it
    _sync(env)
    activity = env.activity(message_id)
    assert activity is not None, _alerts(env)
    assert env.regarding(activity) == record
    assert [t.source for t in env.trackers(activity)] == [TrackerSource.MANUAL]
    assert "$Tracked" in env.keywords("Sent", f"<{message_id}>")
    assert env.activity(plain) is None
    assert not [a for a in _alerts(env) if "Set Regarding" in a]


def test_a_forged_header_is_refused_with_the_reason_and_the_message_is_not_linked(
    env: SyncEnv,
) -> None:
    record = env.record("account")
    genuine = _issue(env, record)
    other = env.record("account")
    # Point the signed header at another record: the signature no longer matches.
    forged = genuine.replace(f".{record}.", f".{other}.")
    assert forged != genuine
    message_id = _append_sent(env, forged)
    from_elsewhere = _append_sent(env, sign(derive_key(b"another server"), _claim(env, record)))
    _sync(env)
    assert env.activity(message_id) is None and env.activity(from_elsewhere) is None
    alerts = [a for a in _alerts(env) if "Set Regarding" in a]
    assert len(alerts) == 2, alerts
    assert all("forged or from another Correspondent server" in a for a in alerts)
    assert any(f"<{message_id}>" in a for a in alerts)
    _sync(env)  # said once, not on every pass
    assert len([a for a in _alerts(env) if "Set Regarding" in a]) == 2


def test_another_users_or_an_expired_header_is_refused(env: SyncEnv) -> None:
    record = env.record("account")
    colleague = admin_users.add_user(
        env.installation.uow, OPERATOR, f"{unique('col')}@ourco.example", "Colleague"
    )
    foreign = sign(KEY, RegardingClaim(colleague.id, record, datetime.now(UTC) + timedelta(days=1)))
    expired = sign(KEY, RegardingClaim(env.user.id, record, datetime.now(UTC) - timedelta(days=1)))
    foreign_id = _append_sent(env, foreign)
    expired_id = _append_sent(env, expired)
    _sync(env)
    assert env.activity(foreign_id) is None and env.activity(expired_id) is None
    alerts = _alerts(env)
    assert any(f"<{foreign_id}>" in a and "issued to another user" in a for a in alerts), alerts
    assert any(f"<{expired_id}>" in a and "expired on" in a for a in alerts), alerts


def test_the_header_in_the_inbox_is_not_the_recipients_to_honour(env: SyncEnv) -> None:
    record = env.record("account")
    env.set_option("incoming_tracking", "none")
    message_id = f"{unique('in')}@x.example"
    raw = make_message(sender=env.sent_from, to=[env.user.email], message_id=f"<{message_id}>")
    env.client.append("INBOX", f"{HEADER_NAME}: {_issue(env, record)}\r\n".encode() + raw)
    _sync(env)
    assert env.activity(message_id) is None
    assert not [a for a in _alerts(env) if "Set Regarding" in a]


def _claim(env: SyncEnv, record: RecordRef) -> RegardingClaim:
    return RegardingClaim(env.user.id, record, datetime.now(UTC) + timedelta(days=1))
