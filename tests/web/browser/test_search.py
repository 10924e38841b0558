"""The search page and the home page in Debian's Chromium: the box, grouped results linking to
record pages and tracking panes, Japanese found by three characters, mailbox alerts; axe-clean
on a desktop and a phone."""

from __future__ import annotations

from datetime import UTC, datetime

from playwright.sync_api import Browser, Page, expect

from correspondent.bootstrap import Installation
from correspondent.domain.access import OPERATOR
from correspondent.domain.mailbox import Alert, AlertLevel, TlsChoice
from correspondent.services.activities.track import MessageTracker, TrackRequest, TrackResult
from correspondent.services.mailboxes.add import MailboxInput, add_mailbox
from correspondent.services.mailboxes.secrets import SecretBox
from tests.builders import add_record, address, make_message, unique
from tests.web.browser.conftest import Watched, open_page, sign_in_with_form
from tests.web.browser_support import PHONE, axe_violations
from tests.web.conftest import WebUser, make_web_user


def _track(inst: Installation, who: WebUser, subject: str, body: str) -> int:
    raw = make_message(sender=address("c"), to=[who.user.email], subject=subject, body=body)
    outcome = MessageTracker(inst.uow, inst.blobs).track(TrackRequest(raw, who.user.email))
    assert isinstance(outcome, TrackResult)
    return outcome.activity_id


def _assert_clean(page: Page, watched: Watched) -> None:
    assert axe_violations(page) == [], page.url
    assert watched.csp_violations == [] and watched.page_errors == [], watched
    assert watched.remote_requests == [], watched.remote_requests


def test_search_from_home_finds_records_and_email_and_opens_them(
    desktop: tuple[Page, Watched], live: str, installation: Installation, rep: WebUser
) -> None:
    page, watched = desktop
    tag = unique("brw")
    account = add_record(installation, "account", rep.user, name=f"{tag} Shipping")
    activity = _track(installation, rep, "出荷予定のご連絡", f"Order {tag}: 明日出荷いたします。")
    other = make_web_user(installation)
    _track(installation, other, f"{tag} belongs to someone else", "出荷予定")
    sign_in_with_form(page, live, rep)
    page.get_by_label("Search records and email").fill(tag)
    page.get_by_role("button", name="Search").click()
    expect(page.get_by_role("heading", name="Records")).to_be_visible()
    email = page.get_by_role("region", name="Email")
    expect(email.get_by_role("link")).to_have_count(1)
    expect(page.get_by_text("belongs to someone else")).to_have_count(0)
    _assert_clean(page, watched)
    page.get_by_role("link", name=f"{tag} Shipping").click()
    expect(page).to_have_url(f"{live}/records/account/{account}")

    page.goto(live + "/search")
    page.get_by_label("Search records and email").fill("明日出荷")  # four characters of the body
    page.get_by_role("button", name="Search").click()
    page.get_by_role("link", name="出荷予定のご連絡").click()
    expect(page).to_have_url(f"{live}/activities/{activity}")

    page.goto(live + "/search")
    page.get_by_label("Search records and email").fill("出荷")
    page.get_by_role("button", name="Search").click()
    expect(page.get_by_role("alert")).to_contain_text("at least three characters")
    _assert_clean(page, watched)


def test_search_and_home_on_a_phone_with_mailbox_alerts(
    browser: Browser, live: str, installation: Installation, rep: WebUser
) -> None:
    item = MailboxInput(rep.user.email, "127.0.0.1", 1, TlsChoice.PLAIN, rep.user.email, "pw")
    mailbox = add_mailbox(installation.uow, SecretBox.from_text("k"), OPERATOR, item)
    assert mailbox.id is not None
    problem = unique("The server refused the login ")
    with installation.uow() as uow:
        uow.mailboxes.add_alert(mailbox.id, Alert(AlertLevel.ERROR, problem, datetime.now(UTC)))
        uow.commit()
    tag = unique("ph")
    _track(installation, rep, f"{tag} on the phone", "A long body.")
    page, watched = open_page(browser, PHONE, "en-US")
    sign_in_with_form(page, live, rep)
    alerts = page.get_by_role("region", name="Mailbox alerts")
    expect(alerts).to_contain_text(problem)
    expect(alerts).to_contain_text(f"My mailbox {rep.user.email}")
    fits = "() => document.documentElement.scrollWidth <= window.innerWidth"
    assert page.evaluate(fits), "the home page scrolls sideways at 390 px"
    _assert_clean(page, watched)
    page.get_by_label("Search records and email").fill(tag)
    page.keyboard.press("Enter")
    expect(page.get_by_role("link", name=f"{tag} on the phone")).to_be_visible()
    assert page.evaluate(fits), "the search page scrolls sideways at 390 px"
    _assert_clean(page, watched)
    page.context.close()
