"""Sign in, home, phone layout, Japanese and the offline API docs, in Debian's Chromium."""

from __future__ import annotations

from playwright.sync_api import Browser, Page, expect

from correspondent.bootstrap import Installation
from correspondent.services.activities.track import MessageTracker, TrackRequest
from tests.builders import address, make_message, unique
from tests.web.browser.conftest import Watched, open_page, sign_in_with_form
from tests.web.browser_support import PHONE, axe_violations
from tests.web.conftest import WebUser


def _track(inst: Installation, who: WebUser, subject: str) -> int:
    raw = make_message(sender=who.user.email, to=[address("c")], subject=subject)
    return MessageTracker(inst.uow, inst.blobs).track(TrackRequest(raw, who.user.email)).activity_id


def _assert_clean(page: Page, watched: Watched) -> None:
    assert axe_violations(page) == [], page.url
    assert watched.csp_violations == [] and watched.page_errors == [], watched
    assert watched.remote_requests == [], watched.remote_requests


def test_sign_in_shows_my_email_and_sign_out_ends_it(
    desktop: tuple[Page, Watched], live: str, installation: Installation, rep: WebUser
) -> None:
    page, watched = desktop
    subject = unique("Browser quote ")
    activity_id = _track(installation, rep, subject)
    page.goto(live + "/")
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible()
    _assert_clean(page, watched)
    page.get_by_label("Email address").fill(rep.user.email)
    page.get_by_label("Password").fill("not the password")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("alert")).to_contain_text("The email address or password is incorrect.")
    _assert_clean(page, watched)
    page.get_by_label("Password").fill(rep.password)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="My recently tracked email")).to_be_visible()
    _assert_clean(page, watched)
    page.get_by_role("link", name=subject).click()
    expect(page).to_have_url(f"{live}/activities/{activity_id}")
    expect(page.get_by_role("heading", name=subject)).to_be_visible()
    _assert_clean(page, watched)
    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible()
    page.goto(f"{live}/activities/{activity_id}")
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible()


def test_the_phone_layout_fits_and_is_keyboard_reachable(
    browser: Browser, live: str, installation: Installation, rep: WebUser
) -> None:
    page, watched = open_page(browser, PHONE, "en-US")
    _track(installation, rep, unique("A rather long subject line that has to wrap on a phone "))
    sign_in_with_form(page, live, rep)
    fits = "() => document.documentElement.scrollWidth <= window.innerWidth"
    assert page.evaluate(fits), "the page scrolls sideways at 390 px"
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Skip to main content")
    expect(skip).to_be_focused()
    expect(skip).to_be_in_viewport()
    for name in ("Home", "API docs"):
        expect(page.get_by_role("link", name=name)).to_be_in_viewport()
    expect(page.get_by_role("button", name="Sign out")).to_be_in_viewport()
    _assert_clean(page, watched)
    page.context.close()


def test_the_pages_speak_japanese_to_a_japanese_browser(
    browser: Browser, live: str, rep: WebUser
) -> None:
    page, watched = open_page(browser, PHONE, "ja-JP")
    page.goto(live + "/")
    expect(page.get_by_role("heading", name="サインイン")).to_be_visible()
    page.get_by_label("メールアドレス").fill(rep.user.email)
    page.get_by_label("パスワード").fill(rep.password)
    page.get_by_role("button", name="サインイン").click()
    expect(page.get_by_role("heading", name="最近追跡したメール")).to_be_visible()
    assert page.get_attribute("html", "lang") == "ja"
    _assert_clean(page, watched)
    page.context.close()


def test_the_api_docs_work_offline(desktop: tuple[Page, Watched], live: str) -> None:
    page, watched = desktop
    page.route(
        "**/*",
        lambda route: route.continue_() if route.request.url.startswith(live) else route.abort(),
    )
    page.goto(live + "/api/v1/docs")
    expect(page.locator(".swagger-ui .info .title")).to_contain_text("Correspondent")
    expect(page.get_by_text("/api/v1/session").first).to_be_visible()
    assert watched.csp_violations == [] and watched.page_errors == [], watched
    assert watched.remote_requests == [], watched.remote_requests


def test_the_checks_themselves_catch_what_they_look_for(
    desktop: tuple[Page, Watched], live: str
) -> None:
    """An audit that cannot fail proves nothing: show each check failing on a bad page."""
    page, watched = desktop
    bad = (
        "<!doctype html><html lang='en'><title>t</title><img src='/static/favicon.svg'>"
        "<script>window.ran = true</script><img src='http://remote.invalid/x.png' alt='x'>"
    )
    page.route(
        live + "/probe",
        lambda route: route.fulfill(
            body=bad,
            content_type="text/html",
            headers={"Content-Security-Policy": "script-src 'self'"},
        ),
    )
    page.route("http://remote.invalid/**", lambda route: route.abort())
    page.goto(live + "/probe")
    assert [v["id"] for v in axe_violations(page)] == ["image-alt"]
    assert page.evaluate("() => window.ran === undefined")
    assert watched.csp_violations, watched.console_errors
    assert watched.remote_requests == ["http://remote.invalid/x.png"]
