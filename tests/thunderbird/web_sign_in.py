"""The window in which the add-on signs in through the web app (``identity.launchWebAuthFlow``):
the web app's sign-in and Connect pages, seen through the test-only page actor and used with
real Marionette pointer and key input in that window, as a user would."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any
from urllib.parse import urlsplit

from tests.thunderbird.mail import WAIT
from tests.thunderbird.pane import ASK_ACTOR, SeenPage
from tests.thunderbird.thunderbird import Thunderbird, wait_for

AUTH_WINDOW = """
const win = [...Services.wm.getEnumerator(null)].find(
  (w) => w.name === "launchWebAuthFlow_dialog" && !w.closed);
"""

DESCRIBE = (
    AUTH_WINDOW
    + """
const shown = win?.gBrowser?.selectedBrowser;
const page = shown?.currentURI.spec.startsWith("http") ? shown : null;
"""
    + ASK_ACTOR
    + """
const box = page.getBoundingClientRect();
seen.controls = seen.controls.map((c) => ({ ...c, x: c.x + box.left, y: c.y + box.top }));
return seen;
"""
)


class WebSignInWindow(SeenPage):
    """The sign-in window while it is open; ``using()`` points Marionette's input at it."""

    def __init__(self, tb: Thunderbird) -> None:
        super().__init__(tb, "the sign-in window")

    def describe(self) -> dict[str, Any] | None:
        seen: dict[str, Any] | None = self.tb.run(DESCRIBE)
        return seen

    def wait_for_page(self, path: str) -> dict[str, Any]:
        """Wait until the window shows the web app's page whose path starts with ``path``."""

        def shown() -> dict[str, Any] | None:
            seen = self.describe()
            if seen and seen["ready"] and urlsplit(seen["url"]).path.startswith(path):
                return seen
            return None

        return wait_for(shown, WAIT, f"the sign-in window showing {path} ({self.describe()})")

    def is_open(self) -> bool:
        return bool(self.tb.run(AUTH_WINDOW + "return Boolean(win);"))

    @contextmanager
    def using(self) -> Iterator[None]:
        """Marionette's input goes to the sign-in window; back to the mail window after."""
        marionette = self.tb.marionette
        mail = marionette.current_chrome_window_handle
        self.wait_for_page("/")

        def switched() -> bool:
            # Marionette's handles are opaque ids: try each other window until it is this one.
            for handle in marionette.chrome_window_handles:
                if handle == mail:
                    continue
                marionette.switch_to_window(handle, focus=True)
                if marionette.execute_script("return window.name;") == "launchWebAuthFlow_dialog":
                    return True
            marionette.switch_to_window(mail, focus=False)
            return False

        wait_for(switched, WAIT, "Marionette in the sign-in window")
        try:
            yield
        finally:
            marionette.switch_to_window(mail, focus=True)
