"""Content-Security-Policies of the web app and its CSRF protection.

Pages load only our own scripts and styles (no inline script, no ``unsafe-eval``); htmx is
configured not to evaluate anything (``allowEval: false``) and not to inject its own styles.
``frame-ancestors 'self'``: only our own pages may frame them (the message body frame); the
pages the Outlook add-in embeds are framed by Office's hosts too (``framing.py``), and the
Outlook add-in's own panes (``ADDIN_CSP``) by Outlook on the web.

CSRF: a signed-in form repeats the session's CSRF token (the synchroniser-token pattern, the same
token the API wants in ``X-CSRF-Token``). The sign-in form has no session yet, so it uses a
double-submit cookie: a random value both in an HttpOnly, SameSite=Strict cookie and in the
form; another site can make the browser post the form but can neither read nor set the cookie.
"""

from __future__ import annotations

import hmac
import secrets

from correspondent.api.errors import CsrfFailed

FRAME_ANCESTORS = "'self'"

PAGE_CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; form-action 'self'; frame-src 'self'; "
    f"base-uri 'none'; frame-ancestors {FRAME_ANCESTORS}"
)
# Swagger UI sets style attributes from its script; it still runs no inline or eval'd code.
DOCS_CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; connect-src 'self'; form-action 'none'; base-uri 'none'; "
    "frame-ancestors 'none'"
)


# The Outlook add-in's pages: Office.js must come from Microsoft's CDN, and Outlook on the web
# shows the panes in frames of its own pages (desktop Outlook uses a web view, no frame).
OFFICE_JS_ORIGIN = "https://appsforoffice.microsoft.com"
OUTLOOK_FRAME_ANCESTORS = (
    "https://outlook.office.com https://outlook.office365.com https://outlook.live.com "
    "https://outlook.cloud.microsoft https://*.officeapps.live.com"
)
ADDIN_CSP = (
    f"default-src 'none'; script-src 'self' {OFFICE_JS_ORIGIN}; style-src 'self'; "
    "img-src 'self' data:; font-src 'self'; connect-src 'self'; form-action 'self'; "
    f"base-uri 'none'; frame-ancestors 'self' {OUTLOOK_FRAME_ANCESTORS}"
)


def body_csp(*, remote_images: bool) -> str:
    """The message body's own document: no script at all (``sandbox`` without allow-scripts,
    as the frame is too), the message's inline styles, and images only from the message itself
    unless the reader chose to load remote content."""
    images = "data: https: http:" if remote_images else "data:"
    return (
        f"default-src 'none'; img-src {images}; style-src 'unsafe-inline'; "
        "sandbox allow-popups allow-popups-to-escape-sandbox; base-uri 'none'; "
        "form-action 'none'; frame-ancestors 'self'"
    )


SIGN_IN_CSRF_COOKIE = "correspondent_sign_in_csrf"
CSRF_FIELD = "csrf_token"


def new_form_token() -> str:
    return secrets.token_urlsafe(32)


def check_token(sent: str | None, expected: str | None) -> None:
    """Raise CsrfFailed unless ``sent`` equals ``expected`` (both present)."""
    if not sent or not expected or not hmac.compare_digest(sent.encode(), expected.encode()):
        raise CsrfFailed("This form has expired or did not come from Correspondent; try again.")
