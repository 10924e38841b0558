"""Hostile mail in a real browser: every message of the shared corpus that tracks opens in its
tracking pane, and no script runs, no request leaves for another host, and no CSP violation is
caused by Correspondent's own pages (the body frame's own refusals are the policy working)."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
from playwright.sync_api import ConsoleMessage, Page

from correspondent.bootstrap import Installation
from correspondent.services.activities.track import MessageQuarantined, MessageTracker, TrackRequest
from tests.support.corpus import require_corpus
from tests.web.browser.conftest import Watched, sign_in_with_form
from tests.web.conftest import WebUser

SKIPPED_NAMES = ("LICENSE", "NOTICE", "MIT-LICENSE", "README")


@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
def test_every_corpus_message_opens_in_the_pane_without_running_or_fetching_anything(
    desktop: tuple[Page, Watched], live: str, installation: Installation, rep: WebUser
) -> None:
    corpus = require_corpus()
    page, watched = desktop
    tracker = MessageTracker(installation.uow, installation.blobs)
    activity_ids = set()
    for path in sorted(p for p in corpus.rglob("*") if p.is_file()):
        if path.name.startswith(SKIPPED_NAMES):
            continue
        try:
            result = tracker.track(
                TrackRequest(path.read_bytes(), rep.user.email, origin=str(path))
            )
        except MessageQuarantined:
            continue
        activity_ids.add(result.activity_id)
    assert len(activity_ids) > 100, "the corpus should mostly track"

    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    own_page_violations: list[str] = []

    def on_console(message: ConsoleMessage) -> None:
        source = message.location.get("url", "") if message.location else ""
        if "Content Security Policy" in message.text and "/body" not in urlsplit(source).path:
            own_page_violations.append(f"{page.url}: {message.text}")

    page.on("console", on_console)
    sign_in_with_form(page, live, rep)
    for activity_id in sorted(activity_ids):
        page.goto(f"{live}/activities/{activity_id}", wait_until="load")
        assert page.get_by_role("heading", name="Participants").count() == 1, activity_id
        for frame in page.frames[1:]:
            assert frame.evaluate("() => document.scripts.length") == 0, (activity_id, frame.url)
    assert watched.remote_requests == [], watched.remote_requests[:5]
    assert dialogs == []
    assert watched.page_errors == []
    assert own_page_violations == [], own_page_violations[:5]
