"""Screenshots of the add-on's tracking pane in a real headless Thunderbird, for docs/clients.md.

Run: ``uv run python -m tests.thunderbird.screenshots docs/screenshots`` (on demand). Uses the
harness of the Thunderbird tests: a throw-away Dovecot user whose address is a CRM user, the API
on loopback over a SQLite installation, Thunderbird with that IMAP account and the add-on signed
in with a personal token. For each of English/light and Japanese/dark it writes the pane of one
message before and after **Track** (``thunderbird-pane-<state>-<language>.png``).
"""

from __future__ import annotations

import argparse
import base64
import shutil
import tempfile
from pathlib import Path
from typing import Any

from imapclient import IMAPClient

from correspondent.bootstrap import build
from correspondent.config import Settings
from correspondent.domain.access import OPERATOR
from correspondent.services import auth
from correspondent.services.admin import users as admin_users
from tests.builders import make_message, unique
from tests.support.dovecot import DovecotServer
from tests.thunderbird.mail import show_message, sync_inbox
from tests.thunderbird.pane import TrackingPane
from tests.thunderbird.session import Server, addon_text, sign_in, stage_addon, start_thunderbird
from tests.thunderbird.thunderbird import Thunderbird

LOOKS: dict[str, dict[str, object]] = {
    "en": {},
    "ja": {"intl.locale.requested": "ja", "ui.systemUsesDarkTheme": 1},
}

# The pane's <browser> inside the toolbar button's panel, as an image of the page it shows.
SNAPSHOT = """
const [prefix] = args;
const win = Services.wm.getMostRecentWindow("mail:3pane");
const view = win.gTabmail.currentAbout3Pane.messageBrowser.contentWindow;
const browsers = [...view.document.querySelectorAll("panel browser"),
                  ...win.document.querySelectorAll("panel browser")];
const browser = browsers.find((b) => b.currentURI?.spec.startsWith(prefix));
if (!browser) throw new Error("the pane is not open");
const rect = browser.getBoundingClientRect();
const snapshot = await browser.browsingContext.currentWindowGlobal.drawSnapshot(
  null, 1, "white");
const canvas = win.document.createElementNS("http://www.w3.org/1999/xhtml", "canvas");
canvas.width = snapshot.width;
canvas.height = snapshot.height;
canvas.getContext("2d").drawImage(snapshot, 0, 0);
return {png: canvas.toDataURL("image/png"), width: rect.width, height: rect.height};
"""


def snapshot(tb: Thunderbird, pane: TrackingPane, target: Path) -> None:
    seen: dict[str, Any] = tb.run(SNAPSHOT, pane.prefix)
    target.write_bytes(base64.b64decode(seen["png"].split(",", 1)[1]))
    print(f"wrote {target} ({seen['width']:.0f} × {seen['height']:.0f})")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("target", type=Path)
    args = parser.parse_args()
    args.target.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix="screenshots-thunderbird-"))
    try:
        with DovecotServer() as dovecot:
            dovecot.start()
            login, password = dovecot.new_user()
            installation = build(Settings(data_dir=work / "data", database_url=None))
            admin_users.add_user(installation.uow, OPERATOR, login, "Mika Tanaka")
            token = auth.create_token(installation.uow, OPERATOR, login).token
            server = Server(installation)
            server.start()
            try:
                for language, prefs in LOOKS.items():
                    message_id = f"{unique('shot')}@partner.example"
                    with IMAPClient(dovecot.host, dovecot.port, ssl=False) as imap:
                        imap.login(login, password)
                        imap.append(
                            "INBOX",
                            make_message(
                                sender="jun.sato@partner.example",
                                to=[login],
                                subject="Quote for the spring order",
                                body="Hello,\n\nPlease find our quote attached.\n",
                                message_id=f"<{message_id}>",
                            ),
                        )
                    addon_dir = stage_addon(work / f"addon-{language}")
                    tb, addon = start_thunderbird(dovecot, login, password, login, addon_dir, prefs)
                    try:
                        sign_in(tb, addon, server.url, token, addon_text(language))
                        sync_inbox(tb, [message_id])
                        pane = TrackingPane(tb, addon)
                        show_message(tb, message_id)
                        pane.open()
                        pane.await_status("not-tracked")
                        shot = args.target / f"thunderbird-pane-{{}}-{language}.png"
                        snapshot(tb, pane, Path(str(shot).format("untracked")))
                        pane.press(addon_text(language)("buttonTrack"))
                        pane.await_status("tracked")
                        snapshot(tb, pane, Path(str(shot).format("tracked")))
                    finally:
                        tb.close()
            finally:
                server.stop()
                installation.close()
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
