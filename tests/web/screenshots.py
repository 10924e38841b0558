"""``make screenshots``: the main pages on the demo data, desktop and phone, English and Japanese.

Writes ``docs/screenshots/<page>-<desktop|phone>-<en|ja>.png`` (shown in the README). Runs the
app on a throw-away SQLite installation seeded with the demo organisation. My mailbox is shown
connected to a throw-away Dovecot (tests/support/dovecot.py) with a tracked folder; without
Dovecot it shows the form that adds one.
"""

from __future__ import annotations

import contextlib
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

from imapclient import IMAPClient
from playwright.sync_api import Page, sync_playwright

from correspondent.api.app import create_app
from correspondent.bootstrap import Installation, build
from correspondent.config import Settings
from correspondent.demo.seed import seed_demo_if_empty
from correspondent.domain.access import OPERATOR, Actor
from correspondent.domain.mailbox import TlsChoice
from correspondent.domain.records import RecordRef
from correspondent.services import auth
from correspondent.services.activities.queries import (
    ActivityFilter,
    get_activity,
    list_activities,
)
from correspondent.services.mailboxes import folders
from correspondent.services.mailboxes.add import MailboxInput, add_mailbox
from correspondent.services.mailboxes.connect import MailboxConnector
from correspondent.services.mailboxes.enable import run_mailbox_test
from correspondent.services.mailboxes.secrets import SecretBox
from correspondent.services.records.queries import list_records
from tests.support.dovecot import DovecotServer, DovecotUnavailable
from tests.web.browser_support import DESKTOP, PHONE, REPO, launch_chromium, serving

USER = "sam.sales@ourco.example"
ADMIN = "admin@ourco.example"
PASSWORD = "screenshots-only-password"
TIMEOUT_MS = 120_000
"""Generous: a loaded machine renders the API docs slowly, and nothing here is timed."""
ADMIN_PAGES = ("users", "settings", "roles", "sharing", "mailboxes", "quarantine")
"""The administration pages, shot as the demo administrator (``admin-<page>-…png``)."""
LABELS = {
    "en": ("Email address", "Password", "Sign in", "Sign out"),
    "ja": ("メールアドレス", "パスワード", "サインイン", "サインアウト"),
}


def _shoot(page: Page, target: Path, *, full_page: bool = True) -> None:
    page.wait_for_load_state("networkidle")
    page.screenshot(path=str(target), full_page=full_page)
    print(target)


@contextlib.contextmanager
def _demo_mailbox(inst: Installation, actor: Actor) -> Iterator[None]:
    """Sam's mailbox on a throw-away Dovecot: enabled, one folder tracked regarding an account."""
    try:
        server = DovecotServer()
    except DovecotUnavailable as missing:
        print(f"My mailbox shows the add form: {missing}")
        yield
        return
    with server:
        password = "screenshots-mail-password"
        server.add_user(USER, password)
        connector = MailboxConnector(SecretBox.for_settings(inst.settings), timeout=10)
        item = MailboxInput(USER, server.host, server.port, TlsChoice.PLAIN, USER, password)
        mailbox = add_mailbox(inst.uow, connector.secrets, actor, item)
        assert mailbox.id is not None
        with server_client(server, password) as client:
            for name in ("Customers", "Customers/Northwind", "Customers/Contoso", "Projects"):
                client.create_folder(name)
        run_mailbox_test(inst.uow, connector, actor, mailbox.id, enable=True)
        account = list_records(inst.uow, actor, "account", text="Northwind", limit=1).items[0]
        folders.track_folder(
            inst.uow, connector, actor, mailbox.id, "Customers/Northwind",
            RecordRef("account", account.id),
        )  # fmt: skip
        yield


@contextlib.contextmanager
def server_client(server: DovecotServer, password: str) -> Iterator[IMAPClient]:
    client = IMAPClient(server.host, server.port, ssl=False, timeout=10)
    client.login(USER, password)
    try:
        yield client
    finally:
        client.logout()


def _sign_in(page: Page, base: str, user: str, labels: tuple[str, str, str, str]) -> None:
    email, password, sign_in, sign_out = labels
    page.goto(base + "/sign-in")
    page.get_by_label(email).fill(user)
    page.get_by_label(password).fill(PASSWORD)
    page.get_by_role("button", name=sign_in).click()
    page.get_by_role("button", name=sign_out).wait_for()


def main(out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as data:
        inst = build(Settings(data_dir=Path(data)))
        seed_demo_if_empty(inst)
        auth.set_password(inst.uow, OPERATOR, USER, PASSWORD)
        auth.set_password(inst.uow, OPERATOR, ADMIN, PASSWORD)
        session = auth.sign_in(inst.uow, USER, PASSWORD, "screenshots")
        with inst.uow() as uow:
            actor = auth.authenticate_session(uow, session.session_id).actor
        wanted = ActivityFilter(owner_id=session.user.id)
        recent = list_activities(inst.uow, actor, wanted, limit=40)
        views = [get_activity(inst.uow, actor, a.id) for a in recent.items]
        # The richest pane: replies, an address to create a record for, attachments and a
        # regarding record, as far as any has them.
        best = max(
            views,
            key=lambda v: (
                bool(v.replies or v.correlation),
                any(p.resolution == "no_match" for p in v.parties),
                any(p.account for p in v.parties),
                bool(v.attachments),
                bool(v.regarding),
            ),
        )
        activity_id = best.id
        record = next((v.regarding for v in views if v.regarding), None)
        pages = (
            ("options", "/options"),
            ("address-book", "/address-book?q=l"),
            ("mailbox", "/mailbox"),
        )
        with (
            _demo_mailbox(inst, actor),
            serving(create_app(inst)) as base,
            sync_playwright() as playwright,
        ):
            browser = launch_chromium(playwright)
            for device, viewport in (("desktop", DESKTOP), ("phone", PHONE)):
                for language in ("en", "ja"):
                    email, password, sign_in, sign_out = LABELS[language]
                    context = browser.new_context(
                        viewport=viewport, locale="ja-JP" if language == "ja" else "en-GB"
                    )
                    context.set_default_timeout(TIMEOUT_MS)
                    page = context.new_page()
                    page.goto(base + "/sign-in")
                    _shoot(page, out / f"sign-in-{device}-{language}.png")
                    page.get_by_label(email).fill(USER)
                    page.get_by_label(password).fill(PASSWORD)
                    page.get_by_role("button", name=sign_in).click()
                    page.get_by_role("button", name=sign_out).wait_for()
                    _shoot(page, out / f"home-{device}-{language}.png")
                    page.goto(f"{base}/activities/{activity_id}")
                    _shoot(page, out / f"activity-{device}-{language}.png")
                    if record is not None:
                        page.goto(f"{base}/records/{record.type}/{record.id}")
                        _shoot(page, out / f"record-{device}-{language}.png")
                    for name, path in pages:
                        page.goto(base + path)
                        # The folder tree comes from the mail server after the page.
                        page.wait_for_function("() => !document.querySelector('[hx-get].folders')")
                        _shoot(page, out / f"{name}-{device}-{language}.png")
                    page.goto(base + "/api/v1/docs")
                    page.locator(".swagger-ui .info .title").wait_for()
                    _shoot(page, out / f"api-docs-{device}-{language}.png", full_page=False)
                    context.close()
                    context = browser.new_context(
                        viewport=viewport, locale="ja-JP" if language == "ja" else "en-GB"
                    )
                    context.set_default_timeout(TIMEOUT_MS)
                    page = context.new_page()
                    _sign_in(page, base, ADMIN, LABELS[language])
                    for name in ADMIN_PAGES:
                        page.goto(f"{base}/admin/{name}")
                        _shoot(page, out / f"admin-{name}-{device}-{language}.png")
                    context.close()
            browser.close()
        inst.close()


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else REPO / "docs" / "screenshots")
