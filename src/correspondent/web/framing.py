"""Which pages other sites may frame: only those the Outlook add-in embeds, only by Office.

Outlook on the web (and the new Outlook for Windows, which is the same web app) shows an
add-in's task pane in a frame of its own page, so the pages the add-in loads must allow those
hosts as ``frame-ancestors``; classic Outlook for Windows and Outlook for Mac show it in a
browser control of their own, which needs nothing. Every other page keeps ``'self'`` (our own
message-body frame) or ``'none'`` (the API and its documentation), and answers
``X-Frame-Options`` as before.
"""

from __future__ import annotations

import re

ADDIN_PATH_PREFIXES = ("/addin/outlook/",)
"""The pages the Outlook add-in embeds (its task pane and what that opens)."""

OFFICE_HOSTS = (
    "https://outlook.office.com",
    "https://outlook.office365.com",
    "https://outlook.live.com",
    "https://outlook.cloud.microsoft",
)
"""Where Outlook on the web runs: Microsoft 365, its older address, Outlook.com, and the
address Microsoft moves Microsoft 365 to."""

ADDIN_FRAME_ANCESTORS = " ".join(("'self'", *OFFICE_HOSTS))

_FRAME_ANCESTORS = re.compile(r"frame-ancestors[^;]*")


def embedded_by_addin(path: str) -> bool:
    return path.startswith(ADDIN_PATH_PREFIXES)


def addin_csp(csp: str) -> str:
    """``csp`` with the add-in's ``frame-ancestors`` in place of its own (added if missing)."""
    wanted = f"frame-ancestors {ADDIN_FRAME_ANCESTORS}"
    if _FRAME_ANCESTORS.search(csp):
        return _FRAME_ANCESTORS.sub(wanted, csp, count=1)
    return f"{csp.rstrip('; ')}; {wanted}"
