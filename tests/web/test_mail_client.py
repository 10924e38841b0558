"""The Mail client page and connecting an add-on through the web app (over HTTP): the add-on
offered for download, approval giving a personal token only to an address the add-on catches,
and revoking it there."""

from __future__ import annotations

import zipfile
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from fastapi.testclient import TestClient

from correspondent.bootstrap import Installation
from correspondent.domain.access import Actor
from correspondent.services import auth
from correspondent.services.access import actor_of
from correspondent.web.routes import mail_client
from tests.web.conftest import WebUser, form_token, make_web_user, sign_in

REDIRECT = "https://" + "a1" * 20 + ".extensions.allizom.org/"
STATE = "s" * 8 + "-state_12345"
CLIENTS = Path(__file__).resolve().parents[2] / "clients"


def _connect_params(**changes: str) -> dict[str, str]:
    return {"client": "thunderbird", "redirect_uri": REDIRECT, "state": STATE, **changes}


def _approve(web: TestClient, decision: str = "approve", **changes: str) -> dict[str, list[str]]:
    page = web.get("/connect", params=_connect_params(**changes))
    assert page.status_code == 200, page.text
    answer = web.post(
        "/connect",
        data={
            **_connect_params(**changes),
            "csrf_token": form_token(page.text),
            "decision": decision,
        },
        follow_redirects=False,
    )
    assert answer.status_code == 303, answer.text
    location = urlsplit(answer.headers["location"])
    assert location.geturl().startswith(REDIRECT) and not location.query
    return parse_qs(location.fragment)


def _me(web: TestClient, token: str) -> int:
    return web.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"}).status_code


@pytest.fixture
def built_xpi(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    import importlib.util

    spec = importlib.util.spec_from_file_location("build_addon", CLIENTS / "build_addon.py")
    assert spec and spec.loader
    build = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(build)
    xpi: Path = build.pack(build.stage(tmp_path / "addon"), tmp_path / "tb.xpi")
    monkeypatch.setattr(mail_client, "THUNDERBIRD_XPI", xpi)
    return xpi


def test_the_mail_client_page_offers_the_built_add_on_and_says_how_to_connect_it(
    web: TestClient, rep: WebUser, built_xpi: Path
) -> None:
    sign_in(web, rep)
    home = web.get("/")
    assert '<a href="/mail-client">' in home.text
    page = web.get("/mail-client")
    assert page.status_code == 200
    assert 'aria-current="page">Mail client</a>' in page.text
    assert 'href="/mail-client/correspondent-thunderbird.xpi"' in page.text
    assert "version 0.1.0" in page.text and "<code>http://testserver</code>" in page.text
    download = web.get("/mail-client/correspondent-thunderbird.xpi")
    assert download.status_code == 200
    assert download.headers["content-type"] == "application/x-xpinstall"
    assert download.content == built_xpi.read_bytes()
    with zipfile.ZipFile(built_xpi) as archive:
        assert "manifest.json" in archive.namelist() and "shared/api.js" in archive.namelist()


def test_without_a_built_add_on_the_page_says_how_to_build_it(
    web: TestClient, rep: WebUser, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(mail_client, "THUNDERBIRD_XPI", tmp_path / "missing.xpi")
    sign_in(web, rep)
    assert "make addon" in web.get("/mail-client").text
    assert web.get("/mail-client/correspondent-thunderbird.xpi").status_code == 404


def test_connecting_asks_to_sign_in_first_and_returns_to_the_approval(
    web: TestClient, rep: WebUser
) -> None:
    first = web.get("/connect", params=_connect_params(), follow_redirects=False)
    assert first.status_code == 303
    assert first.headers["location"].startswith("/sign-in?next=/connect%3Fclient%3Dthunderbird")
    # After signing in through the form, the browser is back on the approval page.
    sign_in(web, rep)
    page = web.get("/connect", params=_connect_params())
    assert "Connect Thunderbird" in page.text and rep.user.email in page.text
    csp = page.headers["content-security-policy"]
    assert f"form-action 'self' {REDIRECT.rstrip('/')};" in csp


def test_approving_gives_the_add_on_a_working_token_listed_and_revocable_on_the_page(
    web: TestClient, installation: Installation, rep: WebUser
) -> None:
    csrf = sign_in(web, rep)
    answer = _approve(web)
    assert answer["state"] == [STATE]
    token = answer["token"][0]
    assert _me(web, token) == 200
    page = web.get("/mail-client")
    [row] = [t for t in auth.list_tokens(installation.uow.read_only, _actor(installation, rep))]
    assert row.name.startswith("Thunderbird (") and f"Begins {row.prefix}…" in page.text
    assert token.startswith(row.prefix)
    revoked = web.post(
        f"/mail-client/tokens/{row.id}/revoke", data={"csrf_token": csrf}, follow_redirects=False
    )
    assert revoked.status_code == 303 and revoked.headers["location"] == "/mail-client?done=revoked"
    assert _me(web, token) == 401
    after = web.get("/mail-client?done=revoked").text
    assert "The token was revoked" in after and row.prefix not in after


def test_cancelling_tells_the_add_on_and_makes_no_token(
    web: TestClient, installation: Installation, rep: WebUser
) -> None:
    sign_in(web, rep)
    assert _approve(web, decision="cancel") == {"error": ["access_denied"], "state": [STATE]}
    assert auth.list_tokens(installation.uow.read_only, _actor(installation, rep)) == []


@pytest.mark.parametrize(
    "changes",
    [
        {"redirect_uri": "https://evil.example/"},
        {"redirect_uri": "https://" + "a1" * 20 + ".extensions.allizom.org.evil.example/"},
        {"redirect_uri": "http://" + "a1" * 20 + ".extensions.allizom.org/"},
        {"client": "outlook"},  # Outlook receives its token on this server's own page only
        {"client": "mutt"},
        {"state": ""},
        {"state": "short"},
    ],
)
def test_a_request_the_named_add_on_could_not_have_made_gets_no_token(
    web: TestClient, installation: Installation, rep: WebUser, changes: dict[str, str]
) -> None:
    csrf = sign_in(web, rep)
    assert web.get("/connect", params=_connect_params(**changes)).status_code == 422
    posted = web.post(
        "/connect",
        data={**_connect_params(**changes), "csrf_token": csrf, "decision": "approve"},
        follow_redirects=False,
    )
    assert posted.status_code == 422 and "location" not in posted.headers
    assert auth.list_tokens(installation.uow.read_only, _actor(installation, rep)) == []


def test_outlook_receives_its_token_on_this_servers_add_in_page(
    web: TestClient, rep: WebUser
) -> None:
    sign_in(web, rep)
    target = "http://testserver/addin/outlook/connected.html"
    page = web.get("/connect", params=_connect_params(client="outlook", redirect_uri=target))
    assert page.status_code == 200 and "Connect Outlook" in page.text
    answer = web.post(
        "/connect",
        data={
            **_connect_params(client="outlook", redirect_uri=target),
            "csrf_token": form_token(page.text),
            "decision": "approve",
        },
        follow_redirects=False,
    )
    assert answer.headers["location"].startswith(target + "#token=cor_")


def test_approving_needs_the_sessions_csrf_token(
    web: TestClient, installation: Installation, rep: WebUser
) -> None:
    sign_in(web, rep)
    forged = web.post(
        "/connect", data={**_connect_params(), "decision": "approve"}, follow_redirects=False
    )
    assert forged.status_code == 403
    assert auth.list_tokens(installation.uow.read_only, _actor(installation, rep)) == []


def test_nobody_revokes_another_users_token(
    web: TestClient, installation: Installation, rep: WebUser
) -> None:
    other = make_web_user(installation)
    theirs = auth.create_token(installation.uow, _actor(installation, other), other.user.email)
    csrf = sign_in(web, rep)
    answer = web.post(f"/mail-client/tokens/{theirs.id}/revoke", data={"csrf_token": csrf})
    assert answer.status_code == 404
    assert _me(web, theirs.token) == 200


def _actor(installation: Installation, who: WebUser) -> Actor:
    with installation.uow.read_only() as uow:
        return actor_of(who.user, uow.access.stored_roles())
