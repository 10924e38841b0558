"""A record page in Chromium: the email timeline loads further pages as the user scrolls,
filters by direction, shows exactly what each user may read (a salesperson and a sales
manager), and tracks a message dropped on its drop zone (or chosen in the file input)
regarding the record."""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser, Locator, Page, expect

from correspondent.bootstrap import Installation
from correspondent.domain.records import RecordRef
from correspondent.services.activities.track import MessageTracker, TrackRequest
from correspondent.web.routes import records as record_routes
from tests.builders import add_record, address, make_message, unique
from tests.web.browser.conftest import Watched, open_page, sign_in_with_form
from tests.web.browser_support import DESKTOP, PHONE, axe_violations
from tests.web.conftest import WebUser, make_web_user


def _clean(page: Page, watched: Watched) -> None:
    assert axe_violations(page) == [], page.url
    assert watched.csp_violations == [] and watched.page_errors == [], watched


def _timeline(page: Page) -> Locator:
    return page.get_by_role("region", name="Email timeline").locator(".activity-list__subject")


@pytest.fixture
def account(installation: Installation, rep: WebUser) -> tuple[int, str, str]:
    name = unique("Adatum ")
    customer = address("buyer")
    return add_record(installation, "account", rep.user, name=name, email=customer), name, customer


def test_the_timeline_scrolls_filters_and_shows_each_user_what_they_may_read(
    browser: Browser,
    live: str,
    installation: Installation,
    rep: WebUser,
    account: tuple[int, str, str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(record_routes, "TIMELINE_PAGE", 3)
    account_id, _, customer = account
    ref = RecordRef("account", account_id)
    colleague = make_web_user(installation, "salesperson", "Cole League")
    manager = make_web_user(installation, "sales_manager", "Mana Ger")
    tracker = MessageTracker(installation.uow, installation.blobs)
    mine: list[str] = []
    for number in range(7):
        subject = unique(f"Mine {number} ")
        if number % 2:
            raw = make_message(sender=customer, to=[rep.user.email], subject=subject)
        else:
            raw = make_message(sender=rep.user.email, to=[customer], subject=subject)
        tracker.track(TrackRequest(raw, rep.user.email, ref))
        mine.append(subject)
    theirs = unique("Colleague's ")
    raw = make_message(sender=colleague.user.email, to=[customer], subject=theirs)
    tracker.track(TrackRequest(raw, colleague.user.email, ref))
    newest_first = list(reversed(mine))

    page, watched = open_page(browser, DESKTOP, "en-US")
    sign_in_with_form(page, live, rep, f"/records/account/{account_id}")
    subjects = _timeline(page)
    expect(subjects).to_have_count(3)
    _clean(page, watched)
    page.get_by_role("link", name="More email").scroll_into_view_if_needed()
    expect(subjects).to_have_count(6)
    page.get_by_role("link", name="More email").scroll_into_view_if_needed()
    expect(subjects).to_have_count(7)
    expect(page.get_by_role("link", name="More email")).to_have_count(0)
    assert subjects.all_inner_texts() == newest_first
    _clean(page, watched)

    page.get_by_label("Direction").select_option("outgoing")
    page.get_by_role("button", name="Show").click()
    expect(page.get_by_label("Direction")).to_have_value("outgoing")
    page.get_by_role("link", name="More email").scroll_into_view_if_needed()
    expect(subjects).to_have_count(4)
    outgoing = [s for s in newest_first if int(s.split()[1]) % 2 == 0]
    assert subjects.all_inner_texts() == outgoing
    page.context.close()

    page, watched = open_page(browser, PHONE, "en-US")
    sign_in_with_form(page, live, manager, f"/records/account/{account_id}")
    subjects = _timeline(page)
    expect(subjects).to_have_count(3)
    expect(subjects.first).to_have_text(theirs)
    for shown in (6, 8):
        page.get_by_role("link", name="More email").scroll_into_view_if_needed()
        expect(subjects).to_have_count(shown)
    assert page.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth")
    _clean(page, watched)
    page.context.close()


def test_a_dropped_or_chosen_message_is_tracked_regarding_the_record(
    desktop: tuple[Page, Watched],
    live: str,
    installation: Installation,
    rep: WebUser,
    account: tuple[int, str, str],
) -> None:
    page, watched = desktop
    account_id, name, customer = account
    sign_in_with_form(page, live, rep, f"/records/account/{account_id}")
    expect(page.get_by_text("No email you may read is linked to this record.")).to_be_visible()
    dropped = unique("Dropped ")
    eml = make_message(sender=customer, to=[rep.user.email], subject=dropped).decode()
    transfer = page.evaluate_handle(
        """(text) => {
            const data = new DataTransfer();
            data.items.add(new File([text], "dropped.eml", {type: "message/rfc822"}));
            return data;
        }""",
        eml,
    )
    zone = page.locator("[data-drop-target]")
    zone.dispatch_event("dragover", {"dataTransfer": transfer})
    expect(zone).to_have_class("field drop-target drop-target--over")
    zone.dispatch_event("drop", {"dataTransfer": transfer})
    results = page.get_by_role("region", name="Results")
    expect(results.get_by_role("link", name=dropped)).to_be_visible()
    expect(_timeline(page)).to_have_text([dropped])
    _clean(page, watched)

    chosen = unique("Chosen ")
    page.get_by_label("Email files").set_input_files(
        {
            "name": "chosen.eml",
            "mimeType": "message/rfc822",
            "buffer": make_message(sender=rep.user.email, to=[customer], subject=chosen),
        }
    )
    page.get_by_role("button", name="Track email").click()
    expect(results.get_by_role("link", name=chosen)).to_be_visible()
    expect(_timeline(page)).to_have_text([chosen, dropped])
    results.get_by_role("link", name=chosen).click()
    regarding = page.get_by_role("region", name="Regarding")
    expect(regarding.get_by_role("link", name=name)).to_have_attribute(
        "href", f"/records/account/{account_id}"
    )
