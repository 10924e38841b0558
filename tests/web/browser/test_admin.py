"""The administration pages in Debian's Chromium: an administrator approves a user's email
address, changes an organisation setting, retries a quarantined message and downloads its
original; anyone else gets 404; every page fits a phone and passes axe."""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser, Page, expect

from correspondent.bootstrap import Installation
from correspondent.domain.access import OPERATOR
from correspondent.services.activities.quarantine import quarantine_message
from correspondent.services.admin import settings, users
from correspondent.services.admin.quarantine import list_quarantine
from tests.builders import address, make_message, unique
from tests.web.browser.conftest import Watched, open_page, sign_in_with_form
from tests.web.browser_support import PHONE, axe_violations
from tests.web.conftest import WebUser, make_web_user

ADMIN_PAGES = (
    ("/admin/users", "Users"),
    ("/admin/settings", "Organisation settings"),
    ("/admin/roles", "Roles"),
    ("/admin/roles/salesperson", "Salesperson"),
    ("/admin/sharing", "Sharing"),
    ("/admin/mailboxes", "Mailboxes"),
    ("/admin/quarantine", "Quarantine"),
)


@pytest.fixture
def admin(installation: Installation) -> WebUser:
    return make_web_user(installation, "administrator", "Ada Admin")


def _assert_clean(page: Page, watched: Watched) -> None:
    assert axe_violations(page) == [], page.url
    assert watched.csp_violations == [] and watched.page_errors == [], watched
    assert watched.remote_requests == [], watched.remote_requests


def test_an_administrator_approves_a_users_email_address(
    desktop: tuple[Page, Watched], live: str, installation: Installation, admin: WebUser
) -> None:
    page, watched = desktop
    email = address("nora", "ourco.example")
    pending = users.add_user(installation.uow, OPERATOR, email, "Nora New", email_approved=False)
    sign_in_with_form(page, live, admin)
    page.get_by_role("link", name="Administration").click()
    expect(page.get_by_role("heading", name="Users", exact=True)).to_be_visible()
    _assert_clean(page, watched)
    nora = page.get_by_role("listitem").filter(has_text=email)
    expect(nora).to_contain_text("Email address not approved")
    nora.get_by_role("button", name="Approve email address").click()
    expect(page.get_by_role("status")).to_have_text("The email address was approved.")
    expect(page.get_by_role("listitem").filter(has_text=email)).to_contain_text(
        "Email address approved"
    )
    approved = [u for u in users.list_users(installation.uow, OPERATOR) if u.id == pending.id]
    assert approved[0].email_approved
    _assert_clean(page, watched)


def test_an_administrator_changes_an_organisation_setting(
    desktop: tuple[Page, Watched], live: str, installation: Installation, admin: WebUser
) -> None:
    page, watched = desktop
    sign_in_with_form(page, live, admin, "/admin/settings")
    expect(page.get_by_role("heading", name="Organisation settings")).to_be_visible()
    _assert_clean(page, watched)
    prefix = page.get_by_label("Tracking token prefix")
    prefix.fill("has space")
    page.get_by_label("Maximum attachment size in bytes").fill("0")
    page.get_by_label("Require a regarding record").check()
    page.get_by_role("button", name="Save settings").click()
    summary = page.get_by_role("alert")
    expect(summary).to_contain_text("Nothing was saved")
    expect(summary.get_by_role("link")).to_have_count(2)
    expect(page.get_by_label("Tracking token prefix")).to_have_value("has space")
    _assert_clean(page, watched)
    assert settings.org_settings(installation.uow, OPERATOR)["tracking.require_regarding"] == "off"
    summary.get_by_role("link", name="Tracking token prefix").click()
    expect(page.get_by_label("Tracking token prefix")).to_be_focused()
    page.get_by_label("Tracking token prefix").fill("ACME:")
    page.get_by_label("Maximum attachment size in bytes").fill("1048576")
    page.get_by_role("button", name="Save settings").click()
    expect(page.get_by_role("status")).to_have_text("The settings were saved.")
    stored = settings.org_settings(installation.uow, OPERATOR)
    assert stored["correlation.token_prefix"] == "ACME:"
    assert stored["attachments.max_bytes"] == "1048576"
    assert stored["tracking.require_regarding"] == "on"
    expect(page.get_by_label("Require a regarding record")).to_be_checked()


def test_an_administrator_retries_a_quarantined_message(
    desktop: tuple[Page, Watched],
    live: str,
    installation: Installation,
    admin: WebUser,
    rep: WebUser,
) -> None:
    page, watched = desktop
    subject = unique("Refused once ")
    raw = make_message(sender=rep.user.email, subject=subject)
    kept = quarantine_message(
        installation.uow,
        installation.blobs,
        raw,
        reason="refused by an older version",
        user_email=rep.user.email,
        origin="upload: once.eml",
    )
    sign_in_with_form(page, live, admin, "/admin/quarantine")
    item = page.get_by_role("listitem").filter(has_text="upload: once.eml")
    expect(item).to_contain_text("refused by an older version")
    _assert_clean(page, watched)
    with page.expect_download() as download:
        item.get_by_role("link", name="Download original").click()
    path = download.value.path()
    assert path is not None and path.read_bytes() == raw
    item.get_by_role("button", name="Retry").click()
    expect(page.get_by_role("status")).to_contain_text(f"Message {kept} was tracked.")
    expect(page.get_by_text("Nothing is in the quarantine.")).to_be_visible()
    assert list_quarantine(installation.uow, OPERATOR) == []
    _assert_clean(page, watched)
    page.get_by_role("link", name="Open the activity").click()
    expect(page.get_by_role("heading", name=subject)).to_be_visible()


def test_anyone_else_gets_404_and_no_administration_link(
    desktop: tuple[Page, Watched], live: str, rep: WebUser
) -> None:
    page, watched = desktop
    sign_in_with_form(page, live, rep)
    expect(page.get_by_role("link", name="Administration")).to_have_count(0)
    for path, _heading in ADMIN_PAGES:
        answer = page.goto(live + path)
        assert answer is not None and answer.status == 404, path
        expect(page.get_by_role("heading", name="Page not found")).to_be_visible()
    _assert_clean(page, watched)


def test_every_administration_page_fits_a_phone_and_passes_axe(
    browser: Browser, live: str, installation: Installation, admin: WebUser
) -> None:
    users.add_user(
        installation.uow, OPERATOR, address("p", "ourco.example"), "Pat Pending",
        email_approved=False,
    )  # fmt: skip
    quarantine_message(
        installation.uow, installation.blobs, b"not mail", reason="no headers",
        user_email=admin.user.email, origin="upload: a-rather-long-file-name-that-wraps.eml",
    )  # fmt: skip
    page, watched = open_page(browser, PHONE, "en-US")
    sign_in_with_form(page, live, admin)
    fits = "() => document.documentElement.scrollWidth <= window.innerWidth"
    for path, heading in ADMIN_PAGES:
        page.goto(live + path)
        expect(page.get_by_role("heading", name=heading, exact=True)).to_be_visible()
        assert page.evaluate(fits), f"{path} scrolls sideways at 390 px"
        _assert_clean(page, watched)
    page.context.close()
