"""My options, the address book and My mailbox in Chromium: options saved and shown (and refused
field by field), the address book's type-ahead, and a mailbox on the test Dovecot added, tested
and enabled, a folder tracked and linked to a record, and a message moved there by a mail
client appearing as an activity while a sync worker runs; the phone layout; axe."""

from __future__ import annotations

import re
import threading
from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from imapclient import IMAPClient
from playwright.sync_api import Browser, Page, expect

from correspondent.bootstrap import Installation
from correspondent.domain.access import OPERATOR
from correspondent.services import auth
from correspondent.services.activities.track import MessageTracker, TrackRequest
from correspondent.services.admin import users as admin_users
from correspondent.services.mailboxes.connect import MailboxConnector
from correspondent.services.mailboxes.secrets import SecretBox
from correspondent.sync.runner import SyncRunner
from tests.builders import add_record, address, make_message, unique
from tests.support.dovecot import DovecotServer
from tests.support.waiting import wait_until
from tests.sync.harness import fast_config
from tests.web.browser.conftest import Watched, open_page, sign_in_with_form
from tests.web.browser_support import PHONE, axe_violations
from tests.web.conftest import WebUser

FITS = "() => document.documentElement.scrollWidth <= window.innerWidth"


def _clean(page: Page, watched: Watched) -> None:
    assert axe_violations(page) == [], page.url
    assert watched.csp_violations == [] and watched.page_errors == [], watched
    assert watched.remote_requests == [], watched.remote_requests


def test_options_are_saved_and_shown_and_bad_ones_are_named_field_by_field(
    desktop: tuple[Page, Watched], live: str, installation: Installation, rep: WebUser
) -> None:
    page, watched = desktop
    sent = datetime(2026, 1, 5, 0, 0, tzinfo=UTC)
    raw = make_message(sender=rep.user.email, subject=unique("Timed "), date=sent)
    activity_id = (
        MessageTracker(installation.uow, installation.blobs)
        .track(TrackRequest(raw, rep.user.email))
        .activity_id
    )
    sign_in_with_form(page, live, rep)
    page.get_by_role("link", name="My options").click()
    expect(page.get_by_role("heading", name="My options", level=1)).to_be_visible()
    expect(page.get_by_label("Email messages in response to tracked email")).to_be_checked()
    _clean(page, watched)
    page.get_by_label("Email messages from leads, contacts and accounts in the CRM").check()
    page.get_by_label("Track replies to and forwards of tracked email, incoming and sent").uncheck()
    page.get_by_label("When an address matches no record").select_option("lead")
    page.get_by_label("Every contact I may read").check()
    page.get_by_label("Track keyword").fill("CRM-Track")
    page.get_by_label("Time zone").fill("Asia/Tokyo")
    page.get_by_role("button", name="Save options").click()
    expect(page.get_by_role("status")).to_have_text("Your options were saved.")
    page.reload()
    expect(
        page.get_by_label("Email messages from leads, contacts and accounts in the CRM")
    ).to_be_checked()
    expect(
        page.get_by_label("Track replies to and forwards of tracked email, incoming and sent")
    ).not_to_be_checked()
    expect(page.get_by_label("When an address matches no record")).to_have_value("lead")
    expect(page.get_by_label("Every contact I may read")).to_be_checked()
    expect(page.get_by_label("Track keyword")).to_have_value("CRM-Track")
    expect(page.get_by_label("Time zone")).to_have_value("Asia/Tokyo")
    _clean(page, watched)

    # Times are shown in the chosen time zone: midnight UTC is 9 in the morning in Tokyo.
    page.goto(f"{live}/activities/{activity_id}")
    expect(page.locator(".status-line time")).to_have_text(re.compile(r"Jan 5, 2026, 9:00:00"))

    page.goto(live + "/options")
    page.get_by_label("Track keyword").fill("two words")
    page.get_by_label("Time zone").fill("Mars/Olympus")
    page.get_by_label("Only the contacts I own").check()
    page.get_by_role("button", name="Save options").click()
    summary = page.get_by_role("alert")
    expect(summary).to_contain_text("Nothing was saved")
    expect(summary.get_by_role("link")).to_have_count(2)
    expect(page.get_by_label("Time zone")).to_have_accessible_description(
        re.compile("Enter a time zone name from the list")
    )
    expect(page.get_by_label("Time zone")).to_have_value("Mars/Olympus")  # kept as typed
    _clean(page, watched)
    summary.get_by_role("link", name=re.compile("keyword")).click()
    expect(page.get_by_label("Track keyword")).to_be_focused()
    page.goto(live + "/options")
    expect(page.get_by_label("Every contact I may read")).to_be_checked()  # nothing was saved
    expect(page.get_by_label("Track keyword")).to_have_value("CRM-Track")

    # The language option applies to every page at once.
    page.get_by_label("Language").select_option("ja")
    page.get_by_role("button", name="Save options").click()
    expect(page.get_by_role("status")).to_have_text("オプションを保存しました。")
    assert page.get_attribute("html", "lang") == "ja"
    _clean(page, watched)


def test_the_address_book_finds_contacts_as_one_types(
    desktop: tuple[Page, Watched], live: str, installation: Installation, rep: WebUser
) -> None:
    page, watched = desktop
    family = unique("Nakamura")
    mine = f"Aiko {family}"
    add_record(installation, "contact", rep.user, first_name="Aiko", last_name=family,
               email=address("aiko"), job_title="Buyer")  # fmt: skip
    sign_in_with_form(page, live, rep)
    page.get_by_role("link", name="Address book").click()
    expect(page.get_by_text("Finds the contacts you own.")).to_be_visible()
    _clean(page, watched)
    url = page.url
    page.get_by_label("Name or email address").press_sequentially(family[:8], delay=30)
    results = page.locator("#address-book-results")
    expect(results.get_by_role("link", name=mine)).to_be_visible()  # no Enter, no page load
    expect(results).to_contain_text("Buyer")
    _clean(page, watched)
    page.get_by_label("Name or email address").fill(unique("nobody"))
    expect(results).to_have_text("No contact matches.")
    assert page.url != url  # the address keeps the search, for the back button and sharing
    page.get_by_label("Name or email address").fill(family)
    results.get_by_role("link", name=mine).click()
    expect(page.get_by_role("heading", name=mine, level=1)).to_be_visible()


@pytest.fixture
def worker(installation: Installation) -> Iterator[SyncRunner]:
    """A sync worker running beside the browser, as ``correspondent worker`` does."""
    connector = MailboxConnector(SecretBox.for_settings(installation.settings), timeout=10)
    tracker = MessageTracker(installation.uow, installation.blobs)
    runner = SyncRunner(installation.uow, tracker, connector, fast_config(poll_interval=0.5))
    thread = threading.Thread(target=runner.run, daemon=True)
    thread.start()
    yield runner
    runner.stop()
    thread.join(30)


@pytest.mark.dovecot
def test_add_a_mailbox_test_and_enable_track_a_folder_and_a_moved_message_is_tracked(
    desktop: tuple[Page, Watched],
    live: str,
    installation: Installation,
    dovecot: DovecotServer,
    dovecot_user: tuple[str, str],
    imap_client: IMAPClient,
    worker: SyncRunner,
) -> None:
    page, watched = desktop
    login, password = dovecot_user
    owner = admin_users.add_user(installation.uow, OPERATOR, login, "Mia Mailbox")
    web_password = unique("pw-")
    auth.set_password(installation.uow, OPERATOR, login, web_password)
    who = WebUser(owner, web_password)
    folder = f"Clients/{unique('Contoso')}"
    leaf = folder.split("/")[-1]
    imap_client.create_folder(folder)
    account = unique("Contoso ")
    account_id = add_record(installation, "account", owner, name=account)

    sign_in_with_form(page, live, who)
    page.get_by_role("link", name="My mailbox").click()
    expect(page.get_by_role("heading", name="Add a mailbox")).to_be_visible()
    _clean(page, watched)
    page.get_by_label("IMAP server").fill(dovecot.host)
    page.get_by_label("Port").fill(str(dovecot.port))
    page.get_by_label("Security").select_option("plain")
    expect(page.get_by_label("User name on the server")).to_have_value(login)
    page.get_by_label("Password or OAuth2 token").fill(password)
    page.get_by_role("button", name="Add mailbox").click()
    expect(page.get_by_role("status")).to_contain_text("The mailbox was saved.")
    expect(page.get_by_role("region", name="Status")).to_contain_text("Not tested yet")

    page.get_by_role("button", name="Test & Enable").click()
    expect(page.get_by_role("status")).to_contain_text("Test & Enable succeeded")
    status = page.get_by_role("region", name="Status")
    expect(status).to_contain_text("Enabled")
    expect(status).to_contain_text("Working")
    alerts = page.get_by_role("region", name="Alerts")
    expect(alerts).to_contain_text(f"Incoming: connected to {dovecot.host} and signed in")
    expect(alerts).to_contain_text("Server-side sync enabled.")

    folders = page.get_by_role("region", name="Folders")
    row = folders.get_by_role("listitem").filter(has_text=leaf)
    expect(row.get_by_role("button", name="Track folder")).to_be_visible()  # loaded by htmx
    expect(folders.get_by_role("listitem").filter(has_text="INBOX")).to_contain_text(
        "Watched for automatic tracking"
    )
    _clean(page, watched)
    row.get_by_role("button", name="Track folder").click()
    expect(page.get_by_role("status")).to_have_text("The folder is tracked.")
    row = page.get_by_role("region", name="Folders").get_by_role("listitem").filter(has_text=leaf)
    expect(row.get_by_role("button", name="Stop tracking folder")).to_be_visible()

    row.get_by_role("button", name="Set Regarding").click()
    dialog = page.get_by_role("dialog", name=f"Regarding record of {folder}")
    dialog.get_by_label("Name or email address").fill(account)
    _clean(page, watched)
    dialog.get_by_role("button", name=account).click()
    expect(page.get_by_role("status")).to_have_text("The folder's regarding record was changed.")
    row = page.get_by_role("region", name="Folders").get_by_role("listitem").filter(has_text=leaf)
    expect(row.get_by_role("link", name=account)).to_have_attribute(
        "href", f"/records/account/{account_id}"
    )

    # A mail client moves a message into the folder; the running worker tracks it.
    subject = unique("Moved into the folder ")
    message_id = f"<{unique('moved')}@partner.example>"
    raw = make_message(sender=address("buyer", "partner.example"), to=[login],
                       subject=subject, message_id=message_id)  # fmt: skip
    imap_client.append("INBOX", raw)
    imap_client.select_folder("INBOX")
    [uid] = imap_client.search(["HEADER", "Message-ID", message_id])
    imap_client.move([uid], folder)

    def tracked() -> bool:
        page.goto(live + "/")
        return page.get_by_role("link", name=subject).count() == 1

    wait_until(tracked, what="the moved message to appear among my tracked email")
    page.get_by_role("link", name=subject).click()
    expect(page.get_by_role("region", name="Tracked by")).to_contain_text(
        "Moved to a tracked folder"
    )
    expect(
        page.get_by_role("region", name="Regarding").get_by_role("link", name=account)
    ).to_be_visible()

    page.goto(live + "/mailbox")
    expect(page.get_by_role("region", name="Status")).not_to_contain_text("Last sync Never")
    row = page.get_by_role("region", name="Folders").get_by_role("listitem").filter(has_text=leaf)
    expect(row).to_contain_text("0 new messages not read yet")
    row.get_by_role("button", name="Stop tracking folder").click()
    expect(page.get_by_role("status")).to_contain_text("The folder is no longer tracked")
    row = page.get_by_role("region", name="Folders").get_by_role("listitem").filter(has_text=leaf)
    expect(row.get_by_role("button", name="Track folder")).to_be_visible()
    _clean(page, watched)


def test_the_self_service_pages_fit_a_phone(
    browser: Browser, live: str, installation: Installation, rep: WebUser
) -> None:
    page, watched = open_page(browser, PHONE, "en-US")
    add_record(installation, "contact", rep.user, last_name=unique("Phone Contact"))
    sign_in_with_form(page, live, rep)
    for path, heading in (("/options", "My options"), ("/address-book?q=Phone", "Address book"),
                          ("/mailbox", "My mailbox")):  # fmt: skip
        page.goto(live + path)
        expect(page.get_by_role("heading", name=heading, level=1)).to_be_visible()
        assert page.evaluate(FITS), f"{path} scrolls sideways at 390 px"
        _clean(page, watched)
    page.context.close()
