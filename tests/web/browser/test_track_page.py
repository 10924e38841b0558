"""Tracking by upload in Chromium: choose several .eml files, see the progress bar and each
result linked to its tracking pane."""

from __future__ import annotations

from pathlib import Path

from playwright.sync_api import Page, expect

from tests.builders import address, make_message, unique
from tests.web.browser.conftest import Watched, sign_in_with_form
from tests.web.browser_support import axe_violations
from tests.web.conftest import WebUser


def test_track_by_upload_and_open_the_pane(
    desktop: tuple[Page, Watched], live: str, rep: WebUser, tmp_path: Path
) -> None:
    page, watched = desktop
    subjects = [unique("Uploaded ") for _ in range(3)]
    files = []
    for number, subject in enumerate(subjects):
        path = tmp_path / f"message-{number}.eml"
        path.write_bytes(make_message(sender=rep.user.email, to=[address("c")], subject=subject))
        files.append(path)
    sign_in_with_form(page, live, rep)
    page.get_by_role("link", name="Track email").click()
    expect(page.get_by_role("heading", name="Track email")).to_be_visible()
    assert axe_violations(page) == []
    page.get_by_label("Email files").set_input_files(files)
    page.get_by_role("button", name="Track email").click()
    results = page.get_by_role("region", name="Results")
    for subject in subjects:
        expect(results.get_by_role("link", name=subject)).to_be_visible()
    expect(page.get_by_label("Upload progress")).to_have_attribute("value", "100")
    assert axe_violations(page) == []
    assert watched.csp_violations == [] and watched.page_errors == [], watched
    results.get_by_role("link", name=subjects[1]).click()
    expect(page.get_by_role("heading", name=subjects[1])).to_be_visible()
    expect(page.get_by_role("region", name="Tracked by")).to_contain_text("Tracked by hand")
