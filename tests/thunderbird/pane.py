"""The add-on's pages as a user meets them: the tracking pane opened from the message view's
toolbar button, and the options page.

What a user sees comes from a test-only window actor in the page (its status text and each
visible control with its role, accessible name and position); what a user does is real
Marionette pointer and key input at those positions in the mail window. Buttons are found by
their accessible name, never by CSS class or id.
"""

from __future__ import annotations

from typing import Any

from tests.thunderbird.mail import MAIL_WINDOW, WAIT
from tests.thunderbird.thunderbird import Thunderbird, wait_for

FIND_PAGE = """
const [prefix] = args;
function* browsers(doc) {
  for (const browser of doc.querySelectorAll("browser")) {
    yield browser;
    if (!browser.isRemoteBrowser && browser.contentDocument) {
      yield* browsers(browser.contentDocument);
    }
  }
}
const shown = (b) => !b.closest("panel") || b.closest("panel").state === "open";
const page = [...browsers(win.document)].find(
  (b) => b.currentURI?.spec.startsWith(prefix) && shown(b));
"""

# What the page actor sees in ``page`` (a <browser>), or null while the page is not there yet.
ASK_ACTOR = """
if (!page) return null;
const actor = page.browsingContext.currentWindowGlobal?.getActor("CorrespondentPage");
if (!actor) return null;
let seen;
try {
  seen = await actor.sendQuery("describe");
} catch (error) {
  return null;  // the page is still loading, or was replaced
}
"""

DESCRIBE = (
    MAIL_WINDOW
    + FIND_PAGE
    + ASK_ACTOR
    + """
const box = page.getBoundingClientRect();
const dx = page.ownerDocument.defaultView.mozInnerScreenX - win.mozInnerScreenX + box.left;
const dy = page.ownerDocument.defaultView.mozInnerScreenY - win.mozInnerScreenY + box.top;
seen.controls = seen.controls.map((c) => ({ ...c, x: c.x + dx, y: c.y + dy }));
return seen;
"""
)


class SeenPage:
    """A page a user looks at: ``describe`` says what it shows; controls are found by their
    role and accessible name and used with real pointer and key input at their positions."""

    def __init__(self, tb: Thunderbird, what: str) -> None:
        self.tb = tb
        self.what = what

    def describe(self) -> dict[str, Any] | None:
        raise NotImplementedError

    def control(self, role: str, name: str) -> dict[str, Any]:
        def find() -> dict[str, Any] | None:
            seen = self.describe() or {"controls": []}
            return next(
                (c for c in seen["controls"] if c["role"] == role and c["name"] == name), None
            )

        return wait_for(find, WAIT, f"{role} {name!r} on {self.what}")

    def press(self, name: str) -> None:
        """Click the button with this accessible name."""
        button = self.control("button", name)
        self.tb.click_at(button["x"], button["y"])

    def fill(self, label: str, text: str) -> None:
        """Click into the field with this label and type ``text``."""
        field = self.control("textbox", label)
        self.tb.click_at(field["x"], field["y"])
        wait_for(lambda: (self.describe() or {}).get("focused") == label, WAIT, f"{label} focused")
        self.tb.type_text(text)
        # Keys may reach a web page's process later than the call returns: wait until it shows.
        wait_for(lambda: self.control("textbox", label)["value"].endswith(text), WAIT, "typed")


class AddonPage(SeenPage):
    """One of the add-on's pages (found by the start of its URL)."""

    def __init__(self, tb: Thunderbird, uuid: str, path: str) -> None:
        self.prefix = f"moz-extension://{uuid}/{path}"
        super().__init__(tb, self.prefix)

    def describe(self) -> dict[str, Any] | None:
        seen: dict[str, Any] | None = self.tb.run(DESCRIBE, self.prefix)
        return seen

    def wait_until_shown(self) -> dict[str, Any]:
        return wait_for(
            lambda: (seen := self.describe()) and seen["ready"] and seen["status"] and seen,
            WAIT,
            f"{self.prefix} shown",
        )

    def wait_for_status(self, kind: str) -> dict[str, Any]:
        try:
            return wait_for(
                lambda: (seen := self.describe()) and seen["statusKind"] == kind and seen,
                WAIT,
                f"status {kind!r} on {self.prefix}",
            )
        except AssertionError as error:
            raise AssertionError(
                f"{error}\nThe page shows: {self.describe()}\n"
                f"Thunderbird's log ends:\n{self.tb.log_tail(60)}"
            ) from None


AWAIT_STATUS = (
    MAIL_WINDOW
    + FIND_PAGE.replace("const [prefix] = args;", "const [prefix, kind, seconds] = args;")
    + """
const actor = page.browsingContext.currentWindowGlobal.getActor("CorrespondentPage");
const deadline = Date.now() + seconds * 1000;
for (;;) {
  const seen = await actor.sendQuery("describe");
  if (seen.statusKind === kind) return seen;
  if (Date.now() > deadline) throw new Error(`status ${kind} not shown: ${seen.status}`);
  await new Promise((resolve) => setTimeout(resolve, 5));
}
"""
)


class TrackingPane(AddonPage):
    def __init__(self, tb: Thunderbird, addon: dict[str, Any]) -> None:
        super().__init__(tb, addon["uuid"], "popup/pane.html")
        self.button_id = _widget_id(addon["id"]) + "-messageDisplayAction-toolbarbutton"

    def open(self) -> dict[str, Any]:
        """Click the add-on's button in the message view's header toolbar."""
        where = self.tb.run(
            MAIL_WINDOW
            + """
            const [id] = args;
            const view = win.gTabmail.currentAbout3Pane.messageBrowser.contentWindow;
            const button = view.document.getElementById(id);
            if (!button) throw new Error(`no toolbar button ${id}`);
            const box = button.getBoundingClientRect();
            return {
              x: view.mozInnerScreenX - win.mozInnerScreenX + box.left + box.width / 2,
              y: view.mozInnerScreenY - win.mozInnerScreenY + box.top + box.height / 2,
            };
            """,
            self.button_id,
        )
        self.tb.click_at(where["x"], where["y"])
        return self.wait_until_shown()

    def await_status(self, kind: str) -> dict[str, Any]:
        """Like ``wait_for_status`` with the polling inside Thunderbird (every 5 ms), for
        timing: one Marionette round trip instead of one per look."""
        seen: dict[str, Any] = self.tb.run(AWAIT_STATUS, self.prefix, kind, WAIT)
        return seen

    def close(self) -> None:
        self.tb.run(MAIL_WINDOW + FIND_PAGE + "page?.closest('panel')?.hidePopup();", self.prefix)


class OptionsPage(AddonPage):
    def __init__(self, tb: Thunderbird, addon: dict[str, Any]) -> None:
        super().__init__(tb, addon["uuid"], "options/options.html")
        self.addon_id = addon["id"]

    def open(self) -> dict[str, Any]:
        """Tools > Add-ons and Themes > the add-on's options, as a user opens them."""
        self.tb.run(
            MAIL_WINDOW + "win.openAddonsMgr(`addons://detail/${args[0]}/preferences`);",
            self.addon_id,
        )
        return self.wait_until_shown()


def _widget_id(addon_id: str) -> str:
    """Gecko's makeWidgetId: the add-on id lowercased, other characters as underscores."""
    return "".join(c if c.isalnum() or c in "-_" else "_" for c in addon_id.lower())
