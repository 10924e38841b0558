"""Who may frame our pages: Office's hosts only the pages the Outlook add-in embeds; our own
pages only ourselves; the API and its documentation nobody."""

from __future__ import annotations

from fastapi import FastAPI
from fastapi.responses import HTMLResponse, PlainTextResponse
from fastapi.testclient import TestClient

from correspondent.web.framing import OFFICE_HOSTS, addin_csp
from correspondent.web.pages import page_headers
from tests.web.conftest import WebUser, sign_in


def _ancestors(csp: str) -> list[str]:
    directive = next(d.strip() for d in csp.split(";") if "frame-ancestors" in d)
    return directive.split()[1:]


def test_only_the_addin_pages_may_be_framed_by_office(web: TestClient, rep: WebUser) -> None:
    app = web.app
    assert isinstance(app, FastAPI)

    @app.get("/addin/outlook/pane-for-test")
    def addin_page() -> HTMLResponse:
        return HTMLResponse("<!doctype html><title>pane</title>", headers=page_headers())

    @app.get("/addin/outlook/plain-for-test")
    def addin_file() -> PlainTextResponse:
        return PlainTextResponse("no CSP of its own")

    for url in ("/addin/outlook/pane-for-test", "/addin/outlook/plain-for-test"):
        embedded = web.get(url)
        assert embedded.status_code == 200
        assert _ancestors(embedded.headers["content-security-policy"]) == ["'self'", *OFFICE_HOSTS]
        assert "x-frame-options" not in embedded.headers
    # The rest of the page's policy is untouched.
    assert (
        "script-src 'self'"
        in web.get("/addin/outlook/pane-for-test").headers["content-security-policy"]
    )

    sign_in(web, rep)
    for url in ("/", "/sign-in", "/track", "/addin/outlook-not-quite", "/addin/other/x"):
        page = web.get(url)
        assert _ancestors(page.headers["content-security-policy"]) == ["'self'"], url
        assert page.headers["x-frame-options"] == "SAMEORIGIN", url
    for url in ("/api/v1/docs", "/api/v1/me", "/api/v1/activities/1"):
        answer = web.get(url)
        assert _ancestors(answer.headers["content-security-policy"]) == ["'none'"], url
        assert answer.headers["x-frame-options"] in ("DENY", "SAMEORIGIN"), url


def test_the_addin_policy_replaces_or_adds_frame_ancestors() -> None:
    assert addin_csp("default-src 'none'; frame-ancestors 'none'; base-uri 'none'") == (
        "default-src 'none'; frame-ancestors 'self' " + " ".join(OFFICE_HOSTS) + "; base-uri 'none'"
    )
    assert addin_csp("default-src 'none';").endswith(
        "default-src 'none'; frame-ancestors 'self' " + " ".join(OFFICE_HOSTS)
    )
