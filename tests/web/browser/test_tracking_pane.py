"""The activity page (the tracking pane) in Chromium: sections, Set/Change Regarding through the
record search dialog, Remove attachment, Untrack (keep and delete), Download original, and a
hostile body that must neither run script nor reach the network until asked."""

from __future__ import annotations

import time

from playwright.sync_api import Browser, Page, expect

from correspondent.bootstrap import Installation
from correspondent.services.activities.track import MessageTracker, TrackRequest
from tests.builders import add_record, address, make_message, unique
from tests.web.browser.conftest import Watched, open_page, sign_in_with_form
from tests.web.browser_support import PHONE, axe_violations
from tests.web.conftest import WebUser

HOSTILE_HTML = (
    "<p>Hello from a stranger</p><script>window.x = 1; alert('script ran')</script>"
    '<img src="http://remote.invalid/beacon.png" alt="beacon" onerror="window.x = 2">'
    '<a href="javascript:window.x=3">click</a><svg onload="window.x = 4"></svg>'
)


def _customer(inst: Installation, owner: WebUser, name: str) -> tuple[int, str]:
    email = address("info", unique("d") + ".test")
    return add_record(inst, "account", owner.user, name=name, email=email), email


def _track(inst: Installation, who: WebUser, **kwargs: object) -> int:
    raw = make_message(sender=who.user.email, **kwargs)  # type: ignore[arg-type]
    return MessageTracker(inst.uow, inst.blobs).track(TrackRequest(raw, who.user.email)).activity_id


def _clean(page: Page, watched: Watched) -> None:
    assert axe_violations(page) == [], page.url
    assert watched.csp_violations == [] and watched.page_errors == [], watched


def test_the_pane_shows_each_section_and_sets_then_changes_regarding(
    desktop: tuple[Page, Watched], live: str, installation: Installation, rep: WebUser
) -> None:
    page, watched = desktop
    first_name, second_name = unique("Northwind "), unique("Contoso ")
    first_id, first_email = _customer(installation, rep, first_name)
    second_id, _ = _customer(installation, rep, second_name)
    stranger = address("stranger")
    activity_id = _track(installation, rep, to=[first_email, stranger], subject=unique("Pane "))
    sign_in_with_form(page, live, rep, f"/activities/{activity_id}")
    for heading in ("Regarding", "Participants", "Attachments", "Thread", "Tracked by"):
        expect(page.get_by_role("heading", name=heading, exact=True)).to_be_visible()
    participants = page.get_by_role("region", name="Participants")
    expect(participants.get_by_role("link", name=first_name)).to_have_attribute(
        "href", f"/records/account/{first_id}"
    )
    expect(participants.get_by_role("listitem").filter(has_text=stranger)).to_contain_text(
        "Unresolved"
    )
    expect(page.get_by_role("region", name="Tracked by")).to_contain_text("Tracked by hand")
    _clean(page, watched)

    page.get_by_role("button", name="Set Regarding").click()
    dialog = page.get_by_role("dialog", name="Set Regarding")
    expect(dialog).to_be_visible()
    dialog.get_by_label("Name or email address").fill(first_name[:-3])
    dialog.get_by_role("button", name=first_name).click()
    expect(page.get_by_role("status")).to_have_text("The regarding record was changed.")
    regarding = page.get_by_role("region", name="Regarding")
    expect(regarding.get_by_role("link", name=first_name)).to_be_visible()
    _clean(page, watched)

    page.get_by_role("button", name="Change Regarding").click()
    dialog = page.get_by_role("dialog", name="Change Regarding")
    dialog.get_by_label("Record type").select_option("account")
    dialog.get_by_label("Name or email address").fill(second_name)
    expect(dialog.get_by_role("button", name=second_name)).to_be_visible()
    _clean(page, watched)
    dialog.get_by_role("button", name=second_name).click()
    expect(regarding.get_by_role("link", name=second_name)).to_have_attribute(
        "href", f"/records/account/{second_id}"
    )


def test_remove_attachment_asks_first_and_the_file_is_gone(
    desktop: tuple[Page, Watched], live: str, installation: Installation, rep: WebUser
) -> None:
    page, watched = desktop
    activity_id = _track(
        installation,
        rep,
        subject=unique("Files "),
        attachments=[("price-list.pdf", "application/pdf", b"%PDF-1.4 prices")],
    )
    sign_in_with_form(page, live, rep, f"/activities/{activity_id}")
    files = page.get_by_role("region", name="Attachments")
    link = files.get_by_role("link", name="price-list.pdf")
    href = link.get_attribute("href")
    with page.expect_download() as download:
        link.click()
    assert download.value.suggested_filename == "price-list.pdf"
    files.get_by_role("button", name="Remove attachment").click()
    dialog = page.get_by_role("dialog", name="Remove price-list.pdf?")
    expect(dialog).to_be_visible()
    dialog.get_by_role("button", name="Cancel").click()
    expect(dialog).to_be_hidden()
    files.get_by_role("button", name="Remove attachment").click()
    _clean(page, watched)
    dialog.get_by_role("button", name="Remove attachment").click()
    expect(page.get_by_role("status")).to_have_text("The attachment was removed.")
    expect(files).to_contain_text("Removed")
    expect(files.get_by_role("link", name="price-list.pdf")).to_have_count(0)
    assert page.request.get(live + str(href)).status == 404


def test_untrack_keeps_or_deletes_the_activity(
    desktop: tuple[Page, Watched], live: str, installation: Installation, rep: WebUser
) -> None:
    page, watched = desktop
    kept = _track(installation, rep, subject=unique("Keep me "))
    deleted = _track(installation, rep, subject=unique("Delete me "))
    sign_in_with_form(page, live, rep, f"/activities/{kept}")
    page.get_by_role("button", name="Untrack").click()
    dialog = page.get_by_role("dialog", name="Untrack this email?")
    expect(dialog.get_by_role("radio", name="Keep the activity")).to_be_checked()
    _clean(page, watched)
    dialog.get_by_role("button", name="Untrack").click()
    expect(page.get_by_role("status")).to_have_text(
        "You no longer track this email; the activity was kept."
    )
    expect(page.get_by_role("region", name="Tracked by")).not_to_contain_text("Tracked by hand")

    page.goto(f"{live}/activities/{deleted}")
    page.get_by_role("button", name="Untrack").click()
    dialog = page.get_by_role("dialog", name="Untrack this email?")
    dialog.get_by_role("radio", name="Delete the activity (when nobody else tracks it)").check()
    dialog.get_by_role("button", name="Untrack").click()
    expect(page.get_by_role("status")).to_contain_text("its activity was deleted")
    assert page.request.get(f"{live}/activities/{deleted}").status == 404


def test_a_hostile_body_runs_nothing_and_loads_remote_images_only_when_asked(
    desktop: tuple[Page, Watched], live: str, installation: Installation, rep: WebUser
) -> None:
    page, watched = desktop
    alerts: list[str] = []
    page.on("dialog", lambda d: (alerts.append(d.message), d.dismiss()))
    page.route("http://remote.invalid/**", lambda route: route.abort())
    activity_id = _track(installation, rep, subject=unique("Hostile "), html=HOSTILE_HTML)
    sign_in_with_form(page, live, rep, f"/activities/{activity_id}")
    body = page.frame_locator("iframe[title='Message body']")
    expect(body.get_by_text("Hello from a stranger")).to_be_visible()
    frame = next(f for f in page.frames if f.url.endswith("/body"))
    assert frame.evaluate("() => window.x") is None
    assert watched.remote_requests == []
    _clean(page, watched)
    with page.expect_download() as download:
        page.get_by_role("link", name="Download original").click()
    assert download.value.suggested_filename == f"activity-{activity_id}.eml"

    page.get_by_role("button", name="Load remote content").click()
    expect(page.get_by_role("button", name="Load remote content")).to_have_count(0)
    expect(body.get_by_text("Hello from a stranger")).to_be_visible()
    remote_frame = next(f for f in page.frames if "/body?remote=true" in f.url)
    remote_frame.wait_for_load_state()
    assert remote_frame.evaluate("() => window.x") is None, "an onerror handler ran"
    deadline = time.monotonic() + 30
    while not watched.remote_requests and time.monotonic() < deadline:
        page.wait_for_timeout(100)  # the image request goes out once the frame has loaded
    assert watched.remote_requests == ["http://remote.invalid/beacon.png"]
    assert alerts == []


def test_the_pane_fits_a_phone(
    browser: Browser, live: str, installation: Installation, rep: WebUser
) -> None:
    page, watched = open_page(browser, PHONE, "en-US")
    activity_id = _track(
        installation,
        rep,
        subject=unique("A long subject that must wrap without pushing the page sideways "),
        html="<table width='900'><tr><td>wide newsletter</td></tr></table>",
        attachments=[("quarterly-report-with-a-very-long-name.pdf", "application/pdf", b"%PDF")],
    )
    sign_in_with_form(page, live, rep, f"/activities/{activity_id}")
    assert page.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth")
    page.get_by_role("button", name="Set Regarding").click()
    dialog = page.get_by_role("dialog", name="Set Regarding")
    expect(dialog).to_be_in_viewport()
    _clean(page, watched)
    page.context.close()
