"""Signing the add-on in through the web app, in a real Thunderbird (issue 10, point 1): the
options page opens the web app's /connect page in Thunderbird's sign-in window
(``identity.launchWebAuthFlow``), the user signs in there and presses Connect, and the add-on
keeps the personal token it receives — no password in Thunderbird. Revoking that token on the
web app's Mail client page signs the add-on out."""

from __future__ import annotations

import re

import httpx
import pytest

from correspondent.domain.access import OPERATOR
from correspondent.services import auth
from correspondent.services.access import actor_of
from tests.sync.harness import SyncEnv
from tests.thunderbird.pane import OptionsPage
from tests.thunderbird.session import MailClient, Server
from tests.thunderbird.thunderbird import wait_for
from tests.thunderbird.web_sign_in import WebSignInWindow

pytestmark = pytest.mark.dovecot
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


def _tokens(env: SyncEnv) -> list[auth.TokenRow]:
    with env.installation.uow.read_only() as uow:
        actor = actor_of(env.user, uow.access.stored_roles())
    return [t for t in auth.list_tokens(env.installation.uow.read_only, actor) if not t.revoked_at]


def _revoke_on_the_mail_client_page(server: Server, email: str, password: str) -> None:
    """What the user does in a browser: sign in, open Mail client, press Revoke."""
    with httpx.Client(base_url=server.url, timeout=60, follow_redirects=True) as browser:
        page = browser.get("/sign-in")
        [token] = CSRF.findall(page.text)
        browser.post(
            "/sign-in",
            data={"email": email, "password": password, "csrf_token": token, "next": "/"},
        ).raise_for_status()
        listing = browser.get("/mail-client").raise_for_status().text
        [action] = re.findall(r'action="(/mail-client/tokens/\d+/revoke)"', listing)
        [csrf] = set(CSRF.findall(listing))
        answer = browser.post(action, data={"csrf_token": csrf}).raise_for_status()
        assert "The token was revoked" in answer.text


def test_sign_in_through_the_web_app_then_revoking_there_signs_the_add_on_out(
    signed_out_client: MailClient, env: SyncEnv, server: Server
) -> None:
    password = "correct horse battery staple"
    auth.set_password(env.installation.uow, OPERATOR, env.user.email, password)
    tb = signed_out_client.tb
    options = OptionsPage(tb, signed_out_client.addon)
    assert options.open()["status"] == "Not signed in."
    options.fill("Server address", server.url)

    window = WebSignInWindow(tb)

    def sign_in_and_press(button: str) -> None:
        options.press("Sign in through Correspondent")
        # The window is Thunderbird's, not a page of the site: the web app's SameSite=Strict
        # session cookie is not sent to it, so the user signs in to the web app there each time.
        with window.using():
            window.wait_for_page("/sign-in")
            window.fill("Email address", env.user.email)
            window.fill("Password", password)
            window.press("Sign in")
            seen = window.wait_for_page("/connect")
            assert "Connect Thunderbird" in seen["text"] and env.user.email in seen["text"]
            window.press(button)

    # Cancel first: no token, and the add-on says so.
    sign_in_and_press("Cancel")
    wait_for(lambda: not window.is_open(), 60, "the sign-in window closed")
    wait_for(
        lambda: "cancelled" in (options.describe() or {}).get("status", ""),
        60,
        f"the options page saying it was cancelled ({options.describe()})",
    )
    assert _tokens(env) == []

    sign_in_and_press("Connect")
    wait_for(lambda: not window.is_open(), 60, "the sign-in window closed")
    options.wait_for_status("signed-in")
    assert options.describe()["status"].startswith(f"Signed in as Mail User <{env.user.email}>")
    [token] = _tokens(env)
    assert token.name.startswith("Thunderbird (")
    # Thunderbird kept no password for the web app (only the IMAP account's own).
    origins = tb.run("return (await Services.logins.getAllLogins()).map((l) => l.origin);")
    assert all(origin.startswith("imap://") for origin in origins), origins

    message_id = env.append("INBOX", subject="After signing in")
    pane = signed_out_client.open_pane(message_id)
    assert pane.wait_for_status("not-tracked")["status"] == "Not tracked"

    _revoke_on_the_mail_client_page(server, env.user.email, password)
    assert _tokens(env) == []
    pane = signed_out_client.open_pane(message_id)
    seen = pane.wait_for_status("signed-out")
    assert seen["status"].startswith("Signed out: the add-on's token was revoked")
    assert not [c for c in seen["controls"] if c["role"] == "button" and c["name"] == "Track"]
    pane.close()
    options.open()
    options.wait_for_status("signed-out")
    assert options.describe()["status"].startswith("Signed out: the token was revoked")
