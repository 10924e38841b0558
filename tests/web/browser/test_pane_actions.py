"""The tracking pane in Chromium: parent accounts, Create contact for an unresolved sender,
the thread's replies both ways, dropped files with their reason, notifications, and a reader
who may not change the activity sees none of the actions."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from correspondent.bootstrap import Installation
from correspondent.domain.access import ACTIVITY_TYPE, ShareAccess
from correspondent.domain.records import RecordRef
from correspondent.services.access import actor_for
from correspondent.services.activities.track import MessageTracker, TrackRequest
from correspondent.services.admin import sharing
from tests.builders import add_account_contact, address, make_message, unique
from tests.web.browser.conftest import Watched, sign_in_with_form
from tests.web.browser_support import axe_violations
from tests.web.conftest import WebUser, make_web_user

ACTIONS = ("Set Regarding", "Untrack", "Remove attachment", "Create contact", "Create lead")


def _track(inst: Installation, who: WebUser, raw: bytes) -> int:
    return MessageTracker(inst.uow, inst.blobs).track(TrackRequest(raw, who.user.email)).activity_id


def _clean(page: Page, watched: Watched) -> None:
    assert axe_violations(page) == [], page.url
    assert watched.csp_violations == [] and watched.page_errors == [], watched


def test_create_contact_accounts_replies_and_dropped_files(
    desktop: tuple[Page, Watched], live: str, installation: Installation, rep: WebUser
) -> None:
    page, watched = desktop
    kim = add_account_contact(installation, rep.user, unique("Litware "))
    account_id, account_name, known = kim.account_id, kim.account_name, kim.address
    stranger = address("ann")
    first_id = f"<{unique('t')}@test.example>"
    raw = make_message(
        sender=stranger,
        sender_name="Ann Lee",
        to=[rep.user.email],
        cc=[known],
        subject=unique("Order "),
        message_id=first_id,
        attachments=[
            ("order.pdf", "application/pdf", b"%PDF-1.4 order"),
            ("setup.exe", "application/octet-stream", b"MZ\x90\x00 not for the CRM"),
        ],
    )
    activity_id = _track(installation, rep, raw)
    reply_subject = unique("Re: order ")
    reply_id = _track(
        installation,
        rep,
        make_message(
            sender=rep.user.email, to=[stranger], subject=reply_subject, in_reply_to=first_id
        ),
    )
    sign_in_with_form(page, live, rep, f"/activities/{activity_id}")
    participants = page.get_by_role("region", name="Participants")
    kim = participants.get_by_role("listitem").filter(has_text=known)
    expect(kim.get_by_role("link", name="Kim Ito")).to_be_visible()
    expect(kim.get_by_role("link", name=account_name)).to_have_attribute(
        "href", f"/records/account/{account_id}"
    )
    files = page.get_by_role("region", name="Attachments")
    blocked = files.get_by_role("listitem").filter(has_text="setup.exe")
    expect(blocked).to_contain_text("Blocked")
    expect(blocked.get_by_role("link")).to_have_count(0)
    expect(page.get_by_role("region", name="Notifications")).to_contain_text("setup.exe")
    thread = page.get_by_role("region", name="Thread")
    expect(thread.get_by_role("link", name=reply_subject)).to_have_attribute(
        "href", f"/activities/{reply_id}"
    )
    ann = participants.get_by_role("listitem").filter(has_text=stranger)
    expect(ann).to_contain_text("Unresolved")
    expect(ann.get_by_role("button", name="Create lead")).to_be_visible()
    _clean(page, watched)

    ann.get_by_role("button", name="Create contact").click()
    expect(page.get_by_role("status")).to_have_text(
        "The contact was created and the address now links to it."
    )
    ann = participants.get_by_role("listitem").filter(has_text=stranger)
    expect(ann.get_by_role("link", name="Ann Lee")).to_be_visible()
    expect(ann.get_by_role("button", name="Create contact")).to_have_count(0)
    _clean(page, watched)

    thread.get_by_role("link", name=reply_subject).click()
    expect(page.get_by_role("heading", name=reply_subject)).to_be_visible()
    page.get_by_role("region", name="Thread").get_by_role("link", name="the earlier email").click()
    expect(page).to_have_url(f"{live}/activities/{activity_id}")


def test_a_reader_who_may_not_change_the_activity_sees_no_actions(
    desktop: tuple[Page, Watched], live: str, installation: Installation, rep: WebUser
) -> None:
    page, watched = desktop
    raw = make_message(
        sender=address("new"),
        to=[rep.user.email],
        subject=unique("Shared "),
        attachments=[("terms.pdf", "application/pdf", b"%PDF-1.4 terms")],
    )
    activity_id = _track(installation, rep, raw)
    reader = make_web_user(installation, "read_only", "Rita Reader")
    with installation.uow() as uow:
        owner = actor_for(uow, rep.user)
    sharing.share(
        installation.uow,
        owner,
        RecordRef(ACTIVITY_TYPE, activity_id),
        reader.user.id,
        ShareAccess.READ,
    )
    sign_in_with_form(page, live, reader, f"/activities/{activity_id}")
    files = page.get_by_role("region", name="Attachments")
    expect(files.get_by_role("link", name="terms.pdf")).to_be_visible()
    for name in ACTIONS:
        expect(page.get_by_role("button", name=name)).to_have_count(0)
    expect(page.get_by_role("button", name="Change Regarding")).to_have_count(0)
    expect(page.get_by_role("region", name="Participants")).to_contain_text("Unresolved")
    _clean(page, watched)
