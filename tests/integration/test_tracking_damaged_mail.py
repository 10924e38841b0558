"""Real mail with damaged headers is tracked, on SQLite and PostgreSQL: what can be decoded is,
what cannot becomes U+FFFD with a notification, and the raw bytes are kept unchanged."""

from __future__ import annotations

from typing import Any

from hypothesis import HealthCheck, given, settings

from correspondent.bootstrap import Installation
from correspondent.domain.access import OPERATOR
from correspondent.domain.errors import MessageRejected
from correspondent.services.activities import queries
from correspondent.services.activities.track import MessageQuarantined, MessageTracker, TrackRequest
from tests.builders import add_user
from tests.support.damaged_mail import assert_limit_rejection, damaged_messages


def _track(installation: Installation, raw: bytes) -> tuple[dict[str, Any], bytes]:
    user = add_user(installation)
    result = MessageTracker(installation.uow, installation.blobs).track(
        TrackRequest(raw, user.email)
    )
    view = queries.get_activity(installation.uow, OPERATOR, result.activity_id).as_json()
    with installation.uow() as uow:
        activity = uow.activities.get(result.activity_id)
        assert activity is not None
        kept = installation.blobs.get(activity.raw_blob_hash)
    return view, kept


def test_raw_8bit_bytes_in_encoded_words_of_address_fields(installation: Installation) -> None:
    raw = (
        b"From: =?iso-8859-1?Q?J\xfcrgen_M\xfcller?= <juergen@damaged.example>\r\n"
        b"To: =?utf-8?Q?J\xfcrgen?= <j@damaged.example>\r\n"
        b"Subject: =?iso-8859-1?Q?Gr\xfc=DFe?=\r\n"
        b"Message-ID: <eudora-8bit@damaged.example>\r\n\r\n"
        b"Hallo\r\n"
    )
    view, kept = _track(installation, raw)
    assert view["subject"] == "Grüße"
    names = {p["address"]: p["display_name"] for p in view["parties"]}
    assert names["juergen@damaged.example"] == "Jürgen Müller"
    assert names["j@damaged.example"] == "J\ufffdrgen"  # 0xFC is not UTF-8
    assert view["notifications"] == [
        "Text could not be fully decoded: To display name: undecodable characters replaced"
    ]
    assert kept == raw


def test_a_byte_order_mark_before_the_first_field(installation: Installation) -> None:
    raw = b"\xef\xbb\xbfFrom: a@bom.example\r\nSubject: saved by Notepad\r\n\r\nbody\r\n"
    view, kept = _track(installation, raw)
    assert view["subject"] == "saved by Notepad"
    assert [p["address"] for p in view["parties"]] == ["a@bom.example"]
    assert kept == raw


@settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(raw=damaged_messages())
def test_damaged_mail_becomes_an_activity_or_breaks_a_limit(
    installation: Installation, raw: bytes
) -> None:
    with installation.uow() as uow:
        users = uow.directory.list_users()
    email = users[0].email if users else add_user(installation).email
    try:
        result = MessageTracker(installation.uow, installation.blobs).track(
            TrackRequest(raw, email)
        )
    except MessageQuarantined as quarantined:
        assert isinstance(quarantined.__cause__, MessageRejected)
        assert_limit_rejection(quarantined.__cause__)
        return
    view = queries.get_activity(installation.uow, OPERATOR, result.activity_id).as_json()
    assert view["id"] == result.activity_id
