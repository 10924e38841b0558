"""What the tests do in Thunderbird's own UI and mail store, through chrome scripts.

Everything here waits for a condition (never a fixed sleep): Thunderbird works asynchronously
and the machine may be slow. Messages are named by their Message-ID without angle brackets.
"""

from __future__ import annotations

from typing import Any

from tests.thunderbird.thunderbird import Thunderbird, wait_for

INBOX = """
const { MailServices } = ChromeUtils.importESModule("resource:///modules/MailServices.sys.mjs");
const server = MailServices.accounts.getIncomingServer("server1");
const inbox = server.rootFolder.getFolderWithFlags(Ci.nsMsgFolderFlags.Inbox);
const header = (id) => [...inbox.messages].find((h) => h.messageId === id);
const pause = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
"""
MAIL_WINDOW = 'const win = Services.wm.getMostRecentWindow("mail:3pane");\n'
WAIT = 90.0


def store_password(tb: Thunderbird, host: str, login: str, password: str) -> None:
    """The IMAP password in Thunderbird's login manager, as the account set-up would keep it."""
    tb.run(
        """
        const [host, login, password] = args;
        const LoginInfo = new Components.Constructor(
          "@mozilla.org/login-manager/loginInfo;1", Ci.nsILoginInfo, "init");
        await Services.logins.addLoginAsync(
          new LoginInfo(`imap://${host}`, null, `imap://${host}`, login, password, "", ""));
        """,
        host,
        login,
        password,
    )


def sync_inbox(tb: Thunderbird, message_ids: list[str]) -> None:
    """Get new mail and flag changes for the Inbox until all ``message_ids`` are there."""
    tb.run(
        INBOX
        + """
        const [wanted, seconds] = args;
        const deadline = Date.now() + seconds * 1000;
        while (Date.now() < deadline) {
          inbox.updateFolder(null);
          for (let i = 0; i < 20; i++) {
            if (wanted.every((id) => header(id))) return true;
            await pause(100);
          }
        }
        throw new Error(`not in Thunderbird's Inbox: ${wanted.filter((id) => !header(id))}`);
        """,
        message_ids,
        WAIT,
    )


def keywords(tb: Thunderbird, message_id: str, refresh: bool = False) -> set[str]:
    """The message's keywords (tag keys) as Thunderbird stores them."""
    found: list[str] = tb.run(
        INBOX
        + """
        const [id, refresh] = args;
        if (refresh) {
          inbox.updateFolder(null);
          await pause(300);
        }
        const found = header(id);
        if (!found) throw new Error(`${id} is not in the Inbox`);
        return found.getStringProperty("keywords").split(" ").filter(Boolean);
        """,
        message_id,
        refresh,
    )
    return set(found)


def wait_for_keyword(tb: Thunderbird, message_id: str, keyword: str, present: bool) -> None:
    wait_for(
        lambda: (keyword in keywords(tb, message_id, refresh=True)) == present,
        WAIT,
        f"keyword {keyword} {'on' if present else 'off'} {message_id} in Thunderbird",
        interval=0.5,
    )


def remove_tag(tb: Thunderbird, message_id: str, keyword: str) -> None:
    """Take a tag off a message as the user does (the message's tag menu ends in this call)."""
    tb.run(
        INBOX
        + """
        const [id, keyword] = args;
        const found = header(id);
        inbox.removeKeywordsFromMessages([found], keyword);
        """,
        message_id,
        keyword,
    )


def show_message(tb: Thunderbird, message_id: str) -> None:
    """Select the message in the Inbox of the mail tab, so it shows in the message pane."""
    tb.run(
        INBOX
        + MAIL_WINDOW
        + """
        const [id, seconds] = args;
        win.gTabmail.switchToTab(0);  // the mail tab (the options page may be open in another)
        const about3Pane = win.gTabmail.currentAbout3Pane;
        if (about3Pane.gFolder?.URI !== inbox.URI) about3Pane.displayFolder(inbox.URI);
        about3Pane.selectMessage(header(id));
        const deadline = Date.now() + seconds * 1000;
        while (Date.now() < deadline) {
          const shown = about3Pane.messageBrowser?.contentWindow;
          if (shown?.gMessage?.messageId === id && shown.document.readyState === "complete") return;
          await pause(100);
        }
        throw new Error(`${id} was not displayed`);
        """,
        message_id,
        WAIT,
    )


def install_addon(tb: Thunderbird, path: str) -> dict[str, Any]:
    """Install the unpacked add-on as a temporary add-on; returns its id and page UUID."""
    result: dict[str, Any] = tb.run(
        """
        const [path] = args;
        const { AddonManager } = ChromeUtils.importESModule(
          "resource://gre/modules/AddonManager.sys.mjs");
        const { ExtensionParent } = ChromeUtils.importESModule(
          "resource://gre/modules/ExtensionParent.sys.mjs");
        const addon = await AddonManager.installTemporaryAddon(new FileUtils.File(path));
        const extension = ExtensionParent.GlobalManager.getExtension(addon.id);
        return { id: addon.id, uuid: extension.uuid, origins: extension.allowedOrigins.patterns
          .map((pattern) => pattern.pattern) };
        """,
        path,
    )
    return result
