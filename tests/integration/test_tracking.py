"""Tracking end to end through the services, on SQLite and PostgreSQL."""

from __future__ import annotations

from typing import Any

import pytest

from correspondent.bootstrap import Installation
from correspondent.domain.access import OPERATOR
from correspondent.domain.activity import TrackerSource
from correspondent.domain.errors import InvalidInput, NotFound
from correspondent.domain.records import RecordRef
from correspondent.services.activities import attachments, queries
from correspondent.services.activities import regarding as relinking
from correspondent.services.activities import track as tracking
from correspondent.services.activities import untrack as untracking
from correspondent.services.activities.track import MessageQuarantined, MessageTracker, TrackRequest
from correspondent.services.admin import settings as configuration
from tests.builders import add_record, add_user, address, make_message


def track(inst: Installation, raw: bytes, user: str, **kwargs: Any) -> dict[str, Any]:
    result = MessageTracker(inst.uow, inst.blobs).track(TrackRequest(raw, user, **kwargs))
    view = queries.get_activity(inst.uow, OPERATOR, result.activity_id).as_json()
    view["created"] = result.created
    return view


def test_track_creates_incoming_activity_with_resolved_parties(installation: Installation) -> None:
    user = add_user(installation)
    customer = address("c")
    contact_id = add_record(
        installation, "contact", user, first_name="Ann", last_name="Lee", email=customer
    )
    raw = make_message(
        sender=customer,
        to=[user.email, address("other")],
        subject="Quote",
        html="<p onclick='x()'>Hi<script>alert(1)</script></p>",
    )
    view = track(installation, raw, user.email)
    assert view["created"] is True
    assert view["direction"] == "incoming"
    assert view["subject"] == "Quote"
    assert view["owner"] == user.email
    assert view["trackers"][0]["user"] == user.email
    assert view["trackers"][0]["source"] == "manual"
    sender = next(p for p in view["parties"] if p["role"] == "from")
    assert sender["record"] == {"type": "contact", "id": contact_id, "name": "Ann Lee"}
    to = [p for p in view["parties"] if p["role"] == "to"]
    assert to[0]["record"]["type"] == "user"
    assert to[1]["record"] is None
    assert "script" not in view["html_body"] and "onclick" not in view["html_body"]


def test_outgoing_when_the_user_sent_it(installation: Installation) -> None:
    user = add_user(installation)
    view = track(installation, make_message(sender=user.email), user.email)
    assert view["direction"] == "outgoing"


def test_tracking_twice_is_one_activity_with_a_tracker_per_user(
    installation: Installation,
) -> None:
    first, second = add_user(installation), add_user(installation)
    raw = make_message(sender=address("ext"), to=[first.email, second.email])
    a = track(installation, raw, first.email)
    again = track(installation, raw, first.email)
    b = track(installation, raw, second.email, source=TrackerSource.FOLDER)
    assert a["id"] == again["id"] == b["id"]
    assert again["created"] is False and b["created"] is False
    assert {(t["user"], t["source"]) for t in b["trackers"]} == {
        (first.email, "manual"),
        (second.email, "folder"),
    }
    assert b["owner"] == first.email


def test_internal_mail_is_two_activities_unless_the_setting_is_off(
    installation: Installation,
) -> None:
    sender, receiver = add_user(installation), add_user(installation)
    raw = make_message(sender=sender.email, to=[receiver.email])
    sent = track(installation, raw, sender.email)
    received = track(installation, raw, receiver.email)
    assert sent["id"] != received["id"]
    assert (sent["direction"], received["direction"]) == ("outgoing", "incoming")

    configuration.change_org_settings(
        installation.uow, OPERATOR, {"tracking.internal_as_two_activities": "off"}
    )
    raw = make_message(sender=sender.email, to=[receiver.email])
    assert (
        track(installation, raw, sender.email)["id"]
        == track(installation, raw, receiver.email)["id"]
    )


def test_message_without_message_id_is_identified_by_content(installation: Installation) -> None:
    user = add_user(installation)
    raw = make_message(sender=address(), message_id=None)
    assert track(installation, raw, user.email)["id"] == track(installation, raw, user.email)["id"]
    other = make_message(sender=address(), message_id=None)
    assert (
        track(installation, other, user.email)["id"] != track(installation, raw, user.email)["id"]
    )


def test_regarding_is_set_on_track_and_can_be_changed_later(installation: Installation) -> None:
    user = add_user(installation)
    account = add_record(installation, "account", user, name="Acme")
    case = add_record(installation, "case", user, title="Broken widget", account=str(account))
    view = track(
        installation,
        make_message(sender=address()),
        user.email,
        regarding=RecordRef("account", account),
    )
    assert view["regarding"] == {"type": "account", "id": account, "name": "Acme"}
    relinking.set_regarding(
        installation.uow, OPERATOR, view["id"], RecordRef("case", case), user.email
    )
    changed = queries.get_activity(installation.uow, OPERATOR, view["id"]).as_json()
    assert changed["regarding"]["type"] == "case"
    with pytest.raises(NotFound):
        relinking.set_regarding(
            installation.uow, OPERATOR, view["id"], RecordRef("case", 999_999), user.email
        )


def test_require_regarding_setting(installation: Installation) -> None:
    user = add_user(installation)
    configuration.change_org_settings(
        installation.uow, OPERATOR, {"tracking.require_regarding": "on"}
    )
    with pytest.raises(InvalidInput, match="regarding"):
        track(installation, make_message(sender=address()), user.email)


def test_untrack_keeps_or_deletes_the_activity(installation: Installation) -> None:
    first, second = add_user(installation), add_user(installation)
    raw = make_message(sender=address(), attachments=[("a.pdf", "application/pdf", b"%PDF-1.4")])
    view = track(installation, raw, first.email)
    track(installation, raw, second.email)
    assert not untracking.untrack(
        installation.uow,
        installation.blobs,
        OPERATOR,
        view["id"],
        first.email,
        delete_activity=True,
    )  # second still tracks it
    assert (
        queries.get_activity(installation.uow, OPERATOR, view["id"]).as_json()["id"] == view["id"]
    )
    with pytest.raises(InvalidInput):
        untracking.untrack(installation.uow, installation.blobs, OPERATOR, view["id"], first.email)
    assert untracking.untrack(
        installation.uow,
        installation.blobs,
        OPERATOR,
        view["id"],
        second.email,
        delete_activity=True,
    )
    with pytest.raises(NotFound):
        queries.get_activity(installation.uow, OPERATOR, view["id"]).as_json()
    assert installation.blobs.all_digests() == []


def test_garbage_is_quarantined_with_the_raw_bytes_kept(installation: Installation) -> None:
    user = add_user(installation)
    with pytest.raises(MessageQuarantined) as caught:
        MessageTracker(installation.uow, installation.blobs).track(
            TrackRequest(b"\x00\x01\x02 not a message", user.email, origin="junk.eml")
        )
    with installation.uow() as uow:
        items = uow.quarantine.list()
    assert [i.id for i in items] == [caught.value.quarantine_id]
    assert items[0].source == "junk.eml" and items[0].reason
    assert installation.blobs.get(items[0].raw_blob_hash) == b"\x00\x01\x02 not a message"


def test_unknown_user_is_a_clear_error(installation: Installation) -> None:
    with pytest.raises(NotFound, match="user add"):
        track(installation, make_message(sender=address()), "nobody@example.com")


def test_export_returns_the_original_bytes(installation: Installation) -> None:
    user = add_user(installation)
    raw = make_message(sender=address(), subject="Überraschung ✓")
    view = track(installation, raw, user.email)
    assert (
        attachments.raw_message(installation.uow, installation.blobs, OPERATOR, view["id"]).data
        == raw
    )


def test_undecodable_text_is_replaced_visibly_and_noted(installation: Installation) -> None:
    user = add_user(installation)
    raw = (
        b"From: a@example.org\r\nTo: b@example.org\r\nSubject: broken\r\n"
        b"Message-ID: <broken-charset@example.org>\r\nMIME-Version: 1.0\r\n"
        b"Content-Type: text/plain; charset=iso-2022-jp\r\n\r\n"
        b"\x1b$B$3$s\x1b(B \x1b$B\xff\xfe\x1b(B end\r\n"
    )
    view = track(installation, raw, user.email)
    assert "\ufffd" in view["text_body"]
    assert any("decoded" in note for note in view["notifications"]), view["notifications"]


def test_batch_tracking_reports_each_message_on_its_own(installation: Installation) -> None:
    user = add_user(installation)
    good = make_message(sender=address(), subject="one")
    reply = make_message(sender=address(), subject="Re: one", in_reply_to=None)
    requests = [
        TrackRequest(good, user.email),
        TrackRequest(b"\x00 garbage", user.email, origin="junk"),
        TrackRequest(good, user.email),  # the same message again, within the batch
        TrackRequest(reply, "nobody@example.com"),
        TrackRequest(reply, user.email),
    ]
    outcomes = MessageTracker(installation.uow, installation.blobs).track_batch(requests)
    assert isinstance(outcomes[0], tracking.TrackResult) and outcomes[0].created
    assert isinstance(outcomes[1], MessageQuarantined)
    assert isinstance(outcomes[2], tracking.TrackResult) and not outcomes[2].created
    assert outcomes[2].activity_id == outcomes[0].activity_id
    assert isinstance(outcomes[3], NotFound)
    assert isinstance(outcomes[4], tracking.TrackResult) and outcomes[4].created
    assert (
        len(queries.list_activities(installation.uow, OPERATOR, queries.ActivityFilter()).items)
        == 2
    )


def test_a_batch_sees_what_it_added_itself(installation: Installation) -> None:
    user = add_user(installation)
    configuration.change_personal_options(
        installation.uow, OPERATOR, {"auto_create": "contact"}, user.email
    )
    stranger = address("new")
    account = add_record(installation, "account", user, name="Initech")
    original = make_message(sender=stranger, to=[user.email], message_id="<first@batch>")
    reply = make_message(sender=user.email, to=[stranger], in_reply_to="<first@batch>")
    tracker = MessageTracker(installation.uow, installation.blobs)
    first, second = tracker.track_batch(
        [
            TrackRequest(original, user.email, RecordRef("account", account)),
            TrackRequest(reply, user.email),
        ]
    )
    assert isinstance(first, tracking.TrackResult) and isinstance(second, tracking.TrackResult)
    view = queries.get_activity(installation.uow, OPERATOR, second.activity_id).as_json()
    assert view["correlation"] == {"method": "in_reply_to", "parent_id": first.activity_id}
    assert view["regarding"]["id"] == account
    sender = queries.get_activity(installation.uow, OPERATOR, first.activity_id).as_json()[
        "parties"
    ][0]
    recipient = next(p for p in view["parties"] if p["role"] == "to")
    assert sender["resolution"] == "auto_created"
    assert recipient["record"] == sender["record"]  # created once, found by the second message


def test_a_refused_message_in_a_batch_leaves_no_blob(installation: Installation) -> None:
    user = add_user(installation)
    kept = make_message(sender=address(), attachments=[("a.pdf", "application/pdf", b"%PDF")])
    refused = make_message(sender=address(), attachments=[("b.pdf", "application/pdf", b"%PDF2")])
    outcomes = MessageTracker(installation.uow, installation.blobs).track_batch(
        [
            TrackRequest(kept, user.email),
            TrackRequest(refused, user.email, RecordRef("account", 999_999)),
        ]
    )
    assert isinstance(outcomes[0], tracking.TrackResult)
    assert isinstance(outcomes[1], NotFound)
    assert len(installation.blobs.all_digests()) == 2  # the kept message and its file only


def test_oversized_identifiers_and_addresses_are_stored_safely(installation: Installation) -> None:
    user = add_user(installation)
    long_id = "<" + "x" * 990 + "@example.org>"
    long_address = "a" * 400 + "@example.org"
    raw = (
        f"From: sender@example.org\r\nTo: {user.email}, {long_address}\r\n"
        f"Subject: long\r\nMessage-ID: {long_id}\r\nIn-Reply-To: {long_id}\r\n\r\nbody\r\n"
    ).encode()
    outcomes = MessageTracker(installation.uow, installation.blobs).track_batch(
        [TrackRequest(raw, user.email), TrackRequest(make_message(sender=address()), user.email)]
    )
    assert all(isinstance(o, tracking.TrackResult) and o.created for o in outcomes), outcomes
    again = MessageTracker(installation.uow, installation.blobs).track(
        TrackRequest(raw, user.email)
    )
    assert again.activity_id == outcomes[0].activity_id and not again.created  # type: ignore[union-attr]
    view = queries.get_activity(installation.uow, OPERATOR, again.activity_id).as_json()
    assert long_address not in {p["address"] for p in view["parties"]}


def test_a_reply_later_in_a_batch_inherits_a_regarding_set_earlier_in_it(
    installation: Installation,
) -> None:
    first, second = add_user(installation), add_user(installation)
    account = add_record(installation, "account", first, name="Umbrella")
    original = make_message(
        sender=address(), to=[first.email, second.email], message_id="<relink@batch>"
    )
    tracker = MessageTracker(installation.uow, installation.blobs)
    tracker.track(TrackRequest(original, first.email))
    reply = make_message(sender=second.email, in_reply_to="<relink@batch>")
    outcomes = tracker.track_batch(
        [
            TrackRequest(original, second.email, RecordRef("account", account)),
            TrackRequest(reply, second.email),
        ]
    )
    assert isinstance(outcomes[1], tracking.TrackResult)
    view = queries.get_activity(installation.uow, OPERATOR, outcomes[1].activity_id).as_json()
    assert view["regarding"]["id"] == account
