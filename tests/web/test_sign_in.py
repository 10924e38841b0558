"""Signing in and out of the web app: password, session cookie, CSRF, safe redirects."""

from __future__ import annotations

from fastapi.testclient import TestClient

from correspondent.api.deps import SESSION_COOKIE
from tests.web.conftest import WebUser, form_token, post_sign_in, sign_in


def test_a_page_needs_sign_in_and_comes_back_after_it(web: TestClient, rep: WebUser) -> None:
    answer = web.get("/activities/1", follow_redirects=False)
    assert answer.status_code == 303
    assert answer.headers["location"] == "/sign-in?next=/activities/1"
    page = web.get("/sign-in", params={"next": "/activities/1"})
    assert 'value="/activities/1"' in page.text
    signed_in = web.post(
        "/sign-in",
        data={
            "email": rep.user.email.upper(),
            "password": rep.password,
            "csrf_token": form_token(page.text),
            "next": "/activities/1",
        },
        follow_redirects=False,
    )
    assert signed_in.status_code == 303
    assert signed_in.headers["location"] == "/activities/1"
    cookie = signed_in.headers["set-cookie"]
    assert f"{SESSION_COOKIE}=" in cookie and "HttpOnly" in cookie and "SameSite=strict" in cookie


def test_htmx_requests_are_sent_to_sign_in_by_header(web: TestClient) -> None:
    answer = web.get("/", headers={"HX-Request": "true"}, follow_redirects=False)
    assert answer.headers["HX-Redirect"] == "/sign-in"


def test_a_wrong_password_says_so_next_to_the_field_and_sets_no_session(
    web: TestClient, rep: WebUser
) -> None:
    page = web.get("/sign-in")
    answer = web.post(
        "/sign-in",
        data={
            "email": rep.user.email,
            "password": "wrong password",
            "csrf_token": form_token(page.text),
        },
    )
    assert answer.status_code == 401
    assert "The email address or password is incorrect." in answer.text
    assert 'href="#email"' in answer.text and 'aria-invalid="true"' in answer.text
    assert SESSION_COOKIE not in answer.headers.get("set-cookie", "")
    assert web.get("/", follow_redirects=False).status_code == 303


def test_empty_fields_are_named_in_the_error_summary(web: TestClient) -> None:
    page = web.get("/sign-in")
    answer = web.post("/sign-in", data={"csrf_token": form_token(page.text)})
    assert answer.status_code == 422
    assert 'href="#email">Enter your email address' in answer.text
    assert 'href="#password">Enter your password' in answer.text


def test_the_sign_in_form_needs_its_double_submit_cookie(web: TestClient, rep: WebUser) -> None:
    page = web.get("/sign-in")
    token = form_token(page.text)
    web.cookies.clear()  # a form posted from another site carries no such cookie
    answer = web.post(
        "/sign-in",
        data={"email": rep.user.email, "password": rep.password, "csrf_token": token},
        follow_redirects=False,
    )
    assert answer.status_code == 403
    assert SESSION_COOKIE not in answer.headers.get("set-cookie", "")


def test_next_never_leaves_the_site(web: TestClient, rep: WebUser) -> None:
    for target in ("//evil.example/", "https://evil.example/", "/\\evil.example"):
        web.cookies.clear()
        answer = post_sign_in(web, rep, target)
        assert answer.headers["location"] == "/", target


def test_sign_out_needs_the_csrf_token_and_ends_the_session(web: TestClient, rep: WebUser) -> None:
    csrf = sign_in(web, rep)
    refused = web.post("/sign-out", data={"csrf_token": "forged"}, follow_redirects=False)
    assert refused.status_code == 403
    assert web.get("/", follow_redirects=False).status_code == 200
    session = web.cookies[SESSION_COOKIE]
    done = web.post("/sign-out", data={"csrf_token": csrf}, follow_redirects=False)
    assert done.status_code == 303 and done.headers["location"] == "/sign-in"
    web.cookies.set(SESSION_COOKIE, session)  # the old cookie no longer opens anything
    assert web.get("/", follow_redirects=False).status_code == 303


def test_the_web_session_also_works_for_the_api_with_its_csrf_header(
    web: TestClient, rep: WebUser
) -> None:
    csrf = sign_in(web, rep)
    assert web.get("/api/v1/me").json()["user"]["email"] == rep.user.email
    refused = web.post("/api/v1/tokens", json={"name": "x"})
    assert refused.status_code == 403
    made = web.post("/api/v1/tokens", json={"name": "x"}, headers={"X-CSRF-Token": csrf})
    assert made.status_code == 201, made.text
