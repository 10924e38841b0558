"""Home, activity and docs pages over HTTP: what they show, to whom, in which language, and
under which security headers."""

from __future__ import annotations

import re
from datetime import UTC, datetime

from fastapi.testclient import TestClient

from correspondent.bootstrap import Installation
from correspondent.domain.access import OPERATOR
from correspondent.services.activities.track import MessageTracker, TrackRequest
from correspondent.services.admin.settings import change_personal_options
from correspondent.web.app import missing_vendor_files
from tests.builders import address, make_message, unique
from tests.web.conftest import WebUser, make_web_user, sign_in


def _track(inst: Installation, who: WebUser, subject: str, **kwargs: object) -> int:
    raw = make_message(sender=who.user.email, to=[address("c")], subject=subject, **kwargs)  # type: ignore[arg-type]
    result = MessageTracker(inst.uow, inst.blobs).track(TrackRequest(raw, who.user.email))
    return result.activity_id


def test_home_lists_my_recently_tracked_email_with_links(
    web: TestClient, installation: Installation, rep: WebUser
) -> None:
    subject = unique("Quote for ")
    activity_id = _track(installation, rep, subject)
    other = make_web_user(installation)
    hidden = unique("Not yours ")
    _track(installation, other, hidden)
    sign_in(web, rep)
    home = web.get("/")
    assert f'<a class="activity-list__subject" href="/activities/{activity_id}">{subject}</a>' in (
        home.text
    )
    assert hidden not in home.text
    assert web.get(f"/activities/{activity_id}").status_code == 200


def test_an_activity_the_user_may_not_read_is_404_as_in_the_api(
    web: TestClient, installation: Installation, rep: WebUser
) -> None:
    other = make_web_user(installation)
    activity_id = _track(installation, other, unique("Private "))
    sign_in(web, rep)
    page = web.get(f"/activities/{activity_id}")
    missing = web.get("/activities/999999")
    assert page.status_code == missing.status_code == 404
    assert web.get(f"/api/v1/activities/{activity_id}").status_code == 404
    assert "Page not found" in page.text and "Private" not in page.text


def test_pages_send_a_strict_csp_and_contain_no_inline_script_or_style(
    web: TestClient, installation: Installation, rep: WebUser
) -> None:
    activity_id = _track(installation, rep, unique("CSP "))
    pages = [web.get("/sign-in"), web.get("/nowhere")]
    sign_in(web, rep)
    pages += [web.get("/"), web.get(f"/activities/{activity_id}")]
    for page in pages:
        csp = page.headers["content-security-policy"]
        assert "script-src 'self';" in csp and "unsafe" not in csp, page.url
        assert "frame-ancestors 'self'" in csp and "default-src 'none'" in csp
        assert page.headers["cache-control"] == "no-store"
        assert not re.search(r"<script(?![^>]*\bsrc=)", page.text), page.url
        assert not re.search(r"\son[a-z]+=|\sstyle=|<style", page.text), page.url


def test_the_api_docs_page_is_served_from_our_own_files(web: TestClient) -> None:
    page = web.get("/api/v1/docs")
    assert page.status_code == 200
    csp = page.headers["content-security-policy"]
    assert "script-src 'self';" in csp and "unsafe-eval" not in csp and "http" not in csp
    sources = re.findall(r'(?:src|href)="([^"]+)"', page.text)
    assert sources and all(s.startswith("/static/") for s in sources), sources
    for source in sources:
        assert web.get(source).status_code == 200, source
    assert not missing_vendor_files(), "run 'make web-assets'"
    assert web.get("/api/v1/openapi.json").status_code == 200


def test_japanese_from_the_browser_unless_the_option_says_otherwise(
    web: TestClient, installation: Installation, rep: WebUser
) -> None:
    japanese = {"Accept-Language": "ja-JP,ja;q=0.9,en;q=0.5"}
    page = web.get("/sign-in", headers=japanese)
    assert '<html lang="ja">' in page.text and "サインイン" in page.text
    assert '<html lang="en">' in web.get("/sign-in", headers={"Accept-Language": "fr"}).text
    sign_in(web, rep)
    assert "最近追跡したメール" in web.get("/", headers=japanese).text
    change_personal_options(installation.uow, OPERATOR, {"language": "en"}, rep.user.email)
    assert "My recently tracked email" in web.get("/", headers=japanese).text


def test_times_are_shown_in_the_users_time_zone(
    web: TestClient, installation: Installation, rep: WebUser
) -> None:
    _track(installation, rep, unique("Zone "), date=datetime(2026, 3, 1, 23, 30, tzinfo=UTC))
    change_personal_options(installation.uow, OPERATOR, {"time_zone": "Asia/Tokyo"}, rep.user.email)
    sign_in(web, rep)
    home = web.get("/", headers={"Accept-Language": "en"})
    assert "3/2/26, 8:30" in home.text, "23:30 UTC is 08:30 the next morning in Tokyo"


def test_api_errors_stay_json(web: TestClient) -> None:
    answer = web.get("/api/v1/nowhere")
    assert answer.status_code == 404
    assert answer.json()["error"]["code"] == "not_found"
    assert web.get("/api/v1/me").json()["error"]["code"] == "unauthenticated"
