"""Reply correlation through storage (BEHAVIOUR §4)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from correspondent.bootstrap import Installation
from correspondent.domain.access import OPERATOR
from correspondent.domain.records import RecordRef
from correspondent.services.activities import untrack as untracking
from correspondent.services.admin import settings as configuration
from tests.builders import add_record, add_user, address, make_message
from tests.integration.test_tracking import track


def _setup(installation: Installation) -> tuple[str, str, int]:
    me = add_user(installation)
    account = add_record(installation, "account", me, name="Globex")
    return me.email, address("cust"), account


def test_reply_by_in_reply_to_inherits_regarding(installation: Installation) -> None:
    me, customer, account = _setup(installation)
    original = make_message(sender=customer, to=[me], subject="Order", message_id="<o1@x>")
    parent = track(installation, original, me, regarding=RecordRef("account", account))
    reply = make_message(sender=me, to=[customer], subject="Re: Order", in_reply_to="<o1@x>")
    view = track(installation, reply, me)
    assert view["correlation"] == {"method": "in_reply_to", "parent_id": parent["id"]}
    assert view["regarding"]["id"] == account


def test_reply_by_references_uses_the_newest_known(installation: Installation) -> None:
    me, customer, _ = _setup(installation)
    first = track(installation, make_message(sender=customer, message_id="<r1@x>"), me)
    second = track(installation, make_message(sender=customer, message_id="<r2@x>"), me)
    reply = make_message(
        sender=customer, in_reply_to="<unknown@x>", references=["<r1@x>", "<r2@x>", "<unknown@x>"]
    )
    view = track(installation, reply, me)
    assert view["correlation"] == {"method": "references", "parent_id": second["id"]}
    assert first["id"] != second["id"]


def test_tracking_token_in_subject(installation: Installation) -> None:
    me, customer, account = _setup(installation)
    parent = track(
        installation,
        make_message(sender=me, to=[customer], subject="Quote"),
        me,
        regarding=RecordRef("account", account),
    )
    token = parent["tracking_token"]
    assert token.startswith("CRM:")
    view = track(installation, make_message(sender=customer, subject=f"Answer {token}"), me)
    assert view["correlation"] == {"method": "tracking_token", "parent_id": parent["id"]}
    assert view["regarding"]["id"] == account
    configuration.change_org_settings(
        installation.uow, OPERATOR, {"correlation.tracking_token": "off"}
    )
    view = track(installation, make_message(sender=customer, subject=f"Again {token}"), me)
    assert view["correlation"] is None


def test_smart_matching_is_off_by_default_and_matches_when_on(installation: Installation) -> None:
    me, customer, account = _setup(installation)
    other = address("third")
    sent = datetime.now(UTC) - timedelta(days=10)
    parent = track(
        installation,
        make_message(sender=me, to=[customer, other], subject="見積もりのご依頼", date=sent),
        me,
        regarding=RecordRef("account", account),
    )
    reply = make_message(sender=customer, to=[me, other], subject="返信: 見積もりのご依頼")
    unmatched = track(installation, reply, me)
    assert unmatched["correlation"] is None
    untracking.untrack(
        installation.uow, installation.blobs, OPERATOR, unmatched["id"], me, delete_activity=True
    )
    configuration.change_org_settings(
        installation.uow, OPERATOR, {"correlation.smart_matching": "on"}
    )
    reply = make_message(sender=customer, to=[me, other], subject="RE: 返信: 見積もりのご依頼")
    view = track(installation, reply, me)
    assert view["correlation"] == {"method": "smart_match", "parent_id": parent["id"]}
    assert view["regarding"]["id"] == account
    stranger = make_message(sender=address(), to=[address()], subject="Re: 見積もりのご依頼")
    assert track(installation, stranger, me)["correlation"] is None


def test_smart_matching_window_is_90_days(installation: Installation) -> None:
    me, customer, _ = _setup(installation)
    configuration.change_org_settings(
        installation.uow, OPERATOR, {"correlation.smart_matching": "on"}
    )
    old = datetime.now(UTC) - timedelta(days=120)
    track(installation, make_message(sender=me, to=[customer], subject="Renewal", date=old), me)
    view = track(installation, make_message(sender=customer, to=[me], subject="AW: Renewal"), me)
    assert view["correlation"] is None


def test_correlation_can_be_switched_off(installation: Installation) -> None:
    me, customer, _ = _setup(installation)
    track(installation, make_message(sender=customer, message_id="<off@x>"), me)
    configuration.change_org_settings(installation.uow, OPERATOR, {"correlation.enabled": "off"})
    view = track(installation, make_message(sender=me, in_reply_to="<off@x>"), me)
    assert view["correlation"] is None
