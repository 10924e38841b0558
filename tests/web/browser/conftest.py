"""Browser test fixtures: one Chromium per test worker, the app served per test over the real
``installation``, and pages that record console errors (a CSP
violation is one) and every request that leaves for another host."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Browser, Page, Playwright, Request, sync_playwright
from playwright.sync_api import expect as _expect

from correspondent.api.app import create_app
from correspondent.bootstrap import Installation
from tests.conftest import BACKENDS
from tests.web.browser_support import DESKTOP, launch_chromium, serving
from tests.web.conftest import WebUser

_expect.set_options(timeout=30_000)  # a loaded machine: wait for conditions, generously


@pytest.fixture(params=BACKENDS[:1])
def backend(request: pytest.FixtureRequest) -> str:
    """One database backend (the first of CORRESPONDENT_TEST_BACKENDS): a page proves the page;
    the use cases and storage it calls are proven on both databases by the API and integration
    tests. Running every page twice cost CI about two minutes of its fifteen."""
    value: str = request.param
    return value


@pytest.fixture(scope="session")
def playwright() -> Iterator[Playwright]:
    with sync_playwright() as instance:
        yield instance


@pytest.fixture(scope="session")
def browser(playwright: Playwright) -> Iterator[Browser]:
    chromium = launch_chromium(playwright)
    yield chromium
    chromium.close()


@pytest.fixture
def live(installation: Installation) -> Iterator[str]:
    with serving(create_app(installation)) as base_url:
        yield base_url


@dataclass
class Watched:
    """What the browser saw go wrong on a page."""

    console_errors: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)
    remote_requests: list[str] = field(default_factory=list)

    @property
    def csp_violations(self) -> list[str]:
        return [e for e in self.console_errors if "Content Security Policy" in e]


def open_page(browser: Browser, viewport: dict[str, int], locale: str) -> tuple[Page, Watched]:
    context = browser.new_context(viewport=viewport, locale=locale, service_workers="block")
    context.set_default_timeout(30_000)
    page = context.new_page()
    watched = Watched()
    page.on("console", lambda m: m.type == "error" and watched.console_errors.append(m.text))
    page.on("pageerror", lambda e: watched.page_errors.append(str(e)))

    def outside(request: Request) -> None:
        host = urlsplit(request.url).hostname
        if host not in (None, "127.0.0.1", "localhost") and request.url.startswith("http"):
            watched.remote_requests.append(request.url)

    page.on("request", outside)
    return page, watched


@pytest.fixture
def desktop(browser: Browser) -> Iterator[tuple[Page, Watched]]:
    page, watched = open_page(browser, DESKTOP, "en-US")
    yield page, watched
    page.context.close()


def sign_in_with_form(page: Page, base_url: str, who: WebUser, path: str = "/") -> None:
    page.goto(base_url + path)
    page.get_by_label("Email address").fill(who.user.email)
    page.get_by_label("Password").fill(who.password)
    page.get_by_role("button", name="Sign in").click()
    _expect(page.get_by_role("button", name="Sign out")).to_be_visible()
