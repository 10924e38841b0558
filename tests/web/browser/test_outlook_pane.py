"""The Outlook add-in's panes in Chromium, inside an Office host emulation (``office_stub.js``,
served in place of Microsoft's office.js), fed with a real message from the shared corpus.
Results are checked through the API's storage: track, set regarding, untrack, the category
calls, the compose header, a client without Mailbox 1.14, and sign-in through the dialog."""

from __future__ import annotations

import base64
import json
import re
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from playwright.sync_api import Browser, Page, Route, expect

from correspondent.bootstrap import Installation
from correspondent.domain.records import RecordRef
from correspondent.domain.regarding_header import derive_key, verify
from correspondent.services import auth
from correspondent.services.activities.track import MessageTracker, TrackRequest
from correspondent.services.mailboxes.secrets import installation_secret
from tests.builders import add_record, unique
from tests.support.corpus import require_corpus
from tests.web.browser.conftest import Watched, open_page, sign_in_with_form
from tests.web.browser_support import DESKTOP
from tests.web.conftest import WebUser

STUB = Path(__file__).with_name("office_stub.js").read_text(encoding="utf-8")
OFFICE_JS = "https://appsforoffice.microsoft.com/lib/1/hosted/office.js"
CATEGORY = "Tracked to Correspondent"
MESSAGE = "mikel-mail/spec/fixtures/emails/attachment_emails/attachment_pdf.eml"


def _corpus_message() -> tuple[str, bytes]:
    """A real message from the corpus, under a Message-ID of its own for this test."""
    raw = (require_corpus() / MESSAGE).read_bytes()
    message_id = f"{unique('outlook')}@corpus.example"
    raw, count = re.subn(rb"(?im)^Message-ID:[^\r\n]*", f"Message-ID: <{message_id}>".encode(), raw)
    assert count == 1
    return message_id, raw


def _open(browser: Browser, config: dict[str, Any]) -> tuple[Page, Watched]:
    page, watched = open_page(browser, DESKTOP, "en-US")

    def office(route: Route) -> None:
        route.fulfill(status=200, content_type="text/javascript", body=STUB)

    page.context.route(OFFICE_JS, office)
    page.context.add_init_script(f"window.__officeConfig = {json.dumps(config)};")
    return page, watched


def _with_token(page: Page, who: WebUser, installation: Installation) -> None:
    token = auth.create_token(installation.uow, _operator(), who.user.email, "Outlook test").token
    page.context.add_init_script(
        f"localStorage.setItem('correspondent.outlook.token', {json.dumps(token)});"
    )


def _operator() -> Any:
    from correspondent.domain.access import OPERATOR

    return OPERATOR


def _calls(page: Page, name: str) -> list[Any]:
    return [c["args"] for c in page.evaluate("window.__officeCalls") if c["name"] == name]


def _activity_of(installation: Installation, message_id: str) -> int | None:
    with installation.uow() as uow:
        found = uow.activities.by_message_ids([message_id])
    return found[message_id][0] if message_id in found else None


def _config(who: WebUser, message_id: str, raw: bytes, version: str = "1.14") -> dict[str, Any]:
    return {
        "mailboxVersion": version,
        "mailbox": who.user.email,
        "messageId": f"<{message_id}>",
        "subject": "PDF attached",
        "from": "xxxx@xxxx.com",
        "rawBase64": base64.b64encode(raw).decode(),
    }


def test_sign_in_track_set_regarding_and_untrack_with_the_category(
    browser: Browser, live: str, installation: Installation, rep: WebUser
) -> None:
    message_id, raw = _corpus_message()
    name = unique("Fabrikam ")
    account_id = add_record(installation, "account", rep.user, name=name)
    page, watched = _open(browser, _config(rep, message_id, raw))
    sign_in_with_form(page, live, rep)  # the web app's session, which the dialog uses
    page.goto(f"{live}/addin/outlook/pane.html")
    status = page.get_by_role("status")
    expect(status).to_have_text("Sign in to Correspondent to track from Outlook.")
    with page.expect_popup() as opened:
        page.get_by_role("button", name="Sign in to Correspondent").click()
    dialog = opened.value
    dialog.get_by_role("button", name="Allow").click()
    expect(status).to_have_text("Not tracked")
    assert _calls(page, "dialog.close")

    page.get_by_role("button", name="Track", exact=True).click()
    expect(status).to_have_text("Tracked")
    activity_id = _activity_of(installation, message_id)
    assert activity_id is not None
    with installation.uow() as uow:
        stored = uow.activities.get(activity_id)
    assert stored is not None
    assert _calls(page, "getAsFileAsync") == [None]
    assert _calls(page, "masterCategories.addAsync") == [
        [{"displayName": CATEGORY, "color": "Preset4"}]
    ]
    assert _calls(page, "categories.addAsync") == [[CATEGORY]]
    expect(page.get_by_role("list", name="Attachments")).to_contain_text("kept")

    page.get_by_role("button", name="Set Regarding…").click()
    page.get_by_role("searchbox", name="Search records").fill(name)
    page.get_by_role("button", name=f"Choose {name}").click()
    expect(page.locator("#regarding")).to_contain_text(name)
    with installation.uow() as uow:
        assert uow.activities.regarding_of(activity_id)[1] == RecordRef("account", account_id)

    page.get_by_role("button", name="Untrack", exact=True).click()
    page.get_by_role("button", name="Untrack, keep the activity").click()
    expect(status).to_have_text("Not tracked")
    with installation.uow() as uow:
        trackers = [t for t in uow.activities.trackers_of(activity_id) if t.user_id == rep.user.id]
    assert trackers == []
    assert _calls(page, "categories.removeAsync") == [[CATEGORY]]
    assert page.evaluate("window.__officeState().categories") == []
    assert watched.csp_violations == [] and watched.page_errors == [], watched


def test_without_mailbox_1_14_nothing_reduced_is_sent_and_the_pane_waits_for_the_sync(
    browser: Browser, live: str, installation: Installation, rep: WebUser
) -> None:
    message_id, raw = _corpus_message()
    page, watched = _open(browser, _config(rep, message_id, raw, version="1.8"))
    _with_token(page, rep, installation)
    page.goto(f"{live}/addin/outlook/pane.html")
    status = page.get_by_role("status")
    expect(status).to_have_text("Not tracked")
    page.get_by_role("button", name="Track", exact=True).click()
    expect(page.get_by_role("note")).to_contain_text("needs Mailbox 1.14")
    expect(status).to_have_text(
        "Waiting for Correspondent's sync of your mailbox to track this message…"
    )
    assert _activity_of(installation, message_id) is None
    assert _calls(page, "getAsFileAsync") == []
    assert _calls(page, "categories.addAsync") == [[CATEGORY]]
    # The sync tracks it (as it would on seeing the category or a rule): the pane shows it.
    MessageTracker(installation.uow, installation.blobs).track(TrackRequest(raw, rep.user.email))
    expect(status).to_have_text("Tracked")
    assert watched.csp_violations == [] and watched.page_errors == [], watched


def test_compose_set_regarding_writes_the_signed_header(
    browser: Browser, live: str, installation: Installation, rep: WebUser
) -> None:
    name = unique("Tailspin ")
    account_id = add_record(installation, "account", rep.user, name=name)
    page, watched = _open(browser, {"mailboxVersion": "1.8", "mailbox": rep.user.email})
    _with_token(page, rep, installation)
    page.goto(f"{live}/addin/outlook/compose.html")
    expect(page.get_by_role("status")).to_have_text("No regarding record chosen.")
    page.get_by_role("searchbox", name="Search records").fill(name)
    page.get_by_role("button", name=f"Choose {name}").click()
    expect(page.get_by_role("status")).to_have_text(
        f"When sent, this message will be tracked regarding {name}."
    )
    [written] = _calls(page, "internetHeaders.setAsync")
    value = written["X-Correspondent-Regarding"]
    key = derive_key(installation_secret(installation.settings))
    claim = verify(key, value, user_id=rep.user.id, now=datetime.now(UTC))
    assert claim.regarding == RecordRef("account", account_id)
    page.get_by_role("button", name="Remove").click()
    expect(page.get_by_role("status")).to_have_text("Set Regarding removed from this message.")
    assert _calls(page, "internetHeaders.removeAsync") == [["X-Correspondent-Regarding"]]
    assert watched.csp_violations == [] and watched.page_errors == [], watched


def test_compose_without_mailbox_1_8_says_what_is_missing(
    browser: Browser, live: str, installation: Installation, rep: WebUser
) -> None:
    page, _ = _open(browser, {"mailboxVersion": "1.5", "mailbox": rep.user.email})
    _with_token(page, rep, installation)
    page.goto(f"{live}/addin/outlook/compose.html")
    expect(page.get_by_role("status")).to_contain_text("Mailbox requirement set 1.8")
    expect(page.get_by_role("searchbox", name="Search records")).to_be_hidden()
