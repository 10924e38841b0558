"""The mail-client add-ons that may connect to a user's account, and where each may receive
the personal token the user approves (``/connect``, routes/connect.py).

An add-on never sees a password: it opens ``/connect?client=…&redirect_uri=…&state=…`` in a
browser window, the signed-in user approves, and the server sends the browser to
``redirect_uri#token=…&state=…``. Only an address the named client can catch is accepted, so a
page elsewhere cannot start the flow and collect the token:

* **thunderbird**: the add-on's ``identity.getRedirectURL()``, ``https://<40 hex>.extensions.
  allizom.org/…``. That host never resolves; Thunderbird's ``identity.launchWebAuthFlow`` stops
  the window at the redirect and hands the address (fragment included) to the add-on.
* **outlook**: a page of this server under ``/addin/outlook/`` (the Office dialog may only
  ``messageParent`` from the add-in's own origin; that page passes the fragment on).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urlsplit

from correspondent.domain.errors import InvalidInput
from correspondent.web.i18n import N_

THUNDERBIRD_REDIRECT = re.compile(r"^https://[0-9a-f]{40}\.extensions\.allizom\.org/[^#\s]*$")
OUTLOOK_PATH_PREFIX = "/addin/outlook/"


@dataclass(frozen=True)
class ClientApp:
    key: str
    name: str
    """Shown to the user on the approval page and as the token's name."""
    description: str
    """A catalog message: what the add-on will do as the user."""

    def check_redirect(self, redirect_uri: str, own_origin: str) -> str:
        """The address to send the token to; InvalidInput when this client cannot catch it."""
        if self.key == "thunderbird" and THUNDERBIRD_REDIRECT.match(redirect_uri):
            return redirect_uri
        if self.key == "outlook":
            parts = urlsplit(redirect_uri)
            same_site = f"{parts.scheme}://{parts.netloc}" == own_origin
            if same_site and parts.path.startswith(OUTLOOK_PATH_PREFIX) and not parts.fragment:
                return redirect_uri
        raise InvalidInput(
            f"{redirect_uri!r} is not an address the {self.name} add-on receives its sign-in at."
        )

    def form_target(self, redirect_uri: str) -> str:
        """The CSP form-action source the approval form needs: the redirect's origin."""
        parts = urlsplit(redirect_uri)
        return f"{parts.scheme}://{parts.netloc}"


CLIENT_APPS = {
    app.key: app
    for app in (
        ClientApp(
            "thunderbird",
            "Thunderbird",
            N_(
                "It will track email from Thunderbird, set regarding records and untrack email "
                "as you."
            ),
        ),
        ClientApp(
            "outlook",
            "Outlook",
            N_("It will track email from Outlook, set regarding records and untrack email as you."),
        ),
    )
}


def client_app(key: str) -> ClientApp:
    found = CLIENT_APPS.get(key)
    if found is None:
        known = ", ".join(sorted(CLIENT_APPS))
        raise InvalidInput(f"Unknown mail client {key!r}; known: {known}.")
    return found
