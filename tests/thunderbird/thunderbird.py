"""A real Thunderbird for tests: headless, driven through Marionette, on a throw-away profile.

* The profile's ``user.js`` sets up one IMAP account on the test Dovecot (``mail.server``,
  ``mail.identity``, ``mail.account`` prefs, plain IMAP on loopback) plus Local Folders, and turns
  off first-run dialogs. Its password goes into the login manager from the chrome context.
* ``extensions.webextensions.remote`` is off, so extension pages (the tracking pane, the options
  page) live in the parent process, where Marionette's chrome context can switch into their
  frames and click their buttons with real mouse events.
* Thunderbird's chrome context needs ``-remote-allow-system-access`` (Marionette refuses chrome
  scripts without it since Thunderbird 138).
* The add-on is installed unpacked and temporary (``AddonManager.installTemporaryAddon``).
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, TypeVar

from marionette_driver.marionette import Marionette

THUNDERBIRD_BINARY = os.environ.get("THUNDERBIRD_BINARY", "/usr/bin/thunderbird")
START_TIMEOUT = 120.0
ACTOR_DIR = Path(__file__).resolve().parent / "actor"
T = TypeVar("T")
NOISE = re.compile(r"Gtk-CRITICAL|Gtk-WARNING|glib warning|GDK_IS_SCREEN|GTK_IS_ICON_THEME")


class ThunderbirdUnavailable(RuntimeError):
    """Thunderbird is not installed or did not start; the message says why."""


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def wait_for(check: Callable[[], T | None], timeout: float, what: str, interval: float = 0.1) -> T:
    """Poll ``check`` until it returns something truthy; return it (AssertionError on timeout)."""
    deadline = time.monotonic() + timeout
    last: T | None = None
    while time.monotonic() < deadline:
        last = check()
        if last:
            return last
        time.sleep(interval)
    raise AssertionError(f"{what}: not within {timeout} s (last seen: {last!r})")


def _pref(name: str, value: object) -> str:
    if isinstance(value, bool):
        text = "true" if value else "false"
    elif isinstance(value, int):
        text = str(value)
    else:
        text = '"' + str(value).replace("\\", "\\\\").replace('"', '\\"') + '"'
    return f"user_pref({name!r}, {text});".replace("'", '"')


def profile_prefs(
    marionette_port: int, imap_host: str, imap_port: int, login: str, address: str
) -> dict[str, object]:
    """Prefs of a profile with one IMAP account (``account1``/``server1``/``id1``)."""
    return {
        "marionette.port": marionette_port,
        "extensions.autoDisableScopes": 0,
        "xpinstall.signatures.required": False,
        # The extension process must read the test-only page actor from the profile.
        "security.sandbox.content.level": 0,
        # A temporary add-on is uninstalled when Thunderbird quits; keeping its storage and
        # page UUID lets a test quit and start again as a user closing Thunderbird would.
        "extensions.webextensions.keepStorageOnUninstall": True,
        "extensions.webextensions.keepUuidOnUninstall": True,
        "mail.shell.checkDefaultClient": False,
        "mail.provider.suppress_dialog_on_startup": True,
        "mail.spotlight.firstRunDone": True,
        "mail.winsearch.firstRunDone": True,
        "mailnews.start_page.enabled": False,
        "mail.rights.version": 1,
        "datareporting.policy.dataSubmissionEnabled": False,
        "toolkit.telemetry.reportingpolicy.firstRun": False,
        "app.update.disabledForTesting": True,
        "browser.dom.window.dump.enabled": True,
        "devtools.console.stdout.chrome": True,
        "devtools.console.stdout.content": True,  # the add-on's console, in the log
        "mail.accountmanager.accounts": "account1,account2",
        "mail.accountmanager.defaultaccount": "account1",
        "mail.accountmanager.localfoldersserver": "server2",
        "mail.account.account1.identities": "id1",
        "mail.account.account1.server": "server1",
        "mail.account.account2.server": "server2",
        "mail.identity.id1.fullName": "Mail User",
        "mail.identity.id1.useremail": address,
        "mail.identity.id1.valid": True,
        "mail.server.server1.type": "imap",
        "mail.server.server1.hostname": imap_host,
        "mail.server.server1.port": imap_port,
        "mail.server.server1.userName": login,
        "mail.server.server1.name": address,
        "mail.server.server1.socketType": 0,  # plain: the test server listens on loopback only
        "mail.server.server1.authMethod": 3,  # cleartext password
        "mail.server.server1.check_new_mail": False,
        "mail.server.server1.login_at_startup": False,
        "mail.server.server2.type": "none",
        "mail.server.server2.hostname": "Local Folders",
        "mail.server.server2.userName": "nobody",
        "mail.server.server2.name": "Local Folders",
    }


class Thunderbird:
    """One Thunderbird process on its own profile; use as a context manager."""

    def __init__(
        self,
        imap_host: str,
        imap_port: int,
        login: str,
        address: str,
        extra_prefs: dict[str, object] | None = None,
    ) -> None:
        if not os.access(THUNDERBIRD_BINARY, os.X_OK):
            raise ThunderbirdUnavailable(
                f"{THUNDERBIRD_BINARY} not found: install thunderbird (apt-get install -y "
                "thunderbird) or set THUNDERBIRD_BINARY"
            )
        self.profile = Path(tempfile.mkdtemp(prefix="correspondent-thunderbird-"))
        self.port = _free_port()
        prefs = profile_prefs(self.port, imap_host, imap_port, login, address)
        prefs.update(extra_prefs or {})
        (self.profile / "user.js").write_text(
            "\n".join(_pref(k, v) for k, v in prefs.items()) + "\n"
        )
        self.log_path = self.profile / "thunderbird.log"
        self.process: subprocess.Popen[bytes] | None = None
        self.client: Marionette | None = None

    def __enter__(self) -> Thunderbird:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def start(self) -> None:
        log = self.log_path.open("ab")
        self.process = subprocess.Popen(
            [
                THUNDERBIRD_BINARY, "--headless", "--marionette", "-remote-allow-system-access",
                "--no-remote", "-profile", str(self.profile),
            ],
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )  # fmt: skip
        log.close()
        self.client = Marionette(host="127.0.0.1", port=self.port, startup_timeout=START_TIMEOUT)
        try:
            self.client.start_session(timeout=START_TIMEOUT)
        except Exception as error:
            self.close()
            raise ThunderbirdUnavailable(
                f"Thunderbird did not start: {error}\n{self.log_tail()}"
            ) from error
        self.client.set_context(self.client.CONTEXT_CHROME)
        self.client.timeout.script = 120

    def quit(self) -> None:
        """Quit Thunderbird as a user does (File > Quit), keeping the profile for ``start``."""
        client, self.client = self.client, None
        assert client is not None and self.process is not None
        # Quit after answering, so Marionette gets its reply before the connection goes.
        client.execute_script(
            "setTimeout(() => Services.startup.quit(Ci.nsIAppStartup.eAttemptQuit), 100);",
            new_sandbox=False,
        )
        with contextlib.suppress(Exception):
            client.delete_session(send_request=False)
        try:
            self.process.wait(timeout=90)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=10)
            raise AssertionError(f"Thunderbird did not quit:\n{self.log_tail()}") from None
        self.process = None

    def close(self) -> None:
        client, self.client = self.client, None
        if client is not None:
            with contextlib.suppress(Exception):
                client.delete_session()
        process, self.process = self.process, None
        if process is not None and process.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait(timeout=10)
        shutil.rmtree(self.profile, ignore_errors=True)

    def log_tail(self, lines: int = 40) -> str:
        """The end of Thunderbird's output, without GTK's complaints about having no display."""
        try:
            text = self.log_path.read_text(errors="replace")
        except OSError:
            return ""
        kept = [line for line in text.splitlines() if line.strip() and not NOISE.search(line)]
        return "\n".join(kept[-lines:])

    @property
    def marionette(self) -> Marionette:
        assert self.client is not None, "Thunderbird is not running"
        return self.client

    # -- chrome scripts -------------------------------------------------------------------------
    def run(self, body: str, *args: Any) -> Any:
        """Run ``body`` as an async function in the chrome context; ``args`` are its arguments.

        ``body`` may ``await`` and ``return`` a JSON-able value; an exception comes back as a
        JavascriptException with its message.
        """
        script = (
            "const resolve = arguments[arguments.length - 1];\n"
            f"(async (...args) => {{ {body} }})(...Array.from(arguments).slice(0, -1))"
            ".then(value => resolve({ok: true, value}),"
            " error => resolve({ok: false, error: String(error) + '\\n' + (error?.stack ?? '')}));"
        )
        answer = self.marionette.execute_async_script(
            script, script_args=list(args), new_sandbox=False, script_timeout=120_000
        )
        if not answer["ok"]:
            raise AssertionError(f"chrome script failed: {answer['error']}")
        return answer["value"]

    @contextlib.contextmanager
    def in_frame(self, frame_element: Any) -> Iterator[None]:
        """Marionette commands inside a chrome frame (a non-remote ``<browser>``)."""
        self.marionette.switch_to_frame(frame_element)
        try:
            yield
        finally:
            self.marionette.switch_to_parent_frame()

    # -- pages of the add-on, seen and pressed as a user would -------------------------------
    def register_page_actor(self) -> None:
        """Let the tests see the add-on's pages and the web app's pages on loopback (see
        actor/CorrespondentPageChild.sys.mjs).

        The modules are copied into the profile's ``chrome`` folder: the extension process may
        read there, not from the repository (its sandbox refuses other paths).
        """
        target = self.profile / "chrome" / "correspondent-test"
        shutil.copytree(ACTOR_DIR, target, dirs_exist_ok=True)
        self.run(
            """
            const [dir] = args;
            const handler = Services.io.getProtocolHandler("resource")
              .QueryInterface(Ci.nsIResProtocolHandler);
            const folder = Services.io.newFileURI(new FileUtils.File(dir));
            handler.setSubstitution("correspondent-test", folder);
            const base = "resource://correspondent-test/CorrespondentPage";
            ChromeUtils.registerWindowActor("CorrespondentPage", {
              parent: { esModuleURI: `${base}Parent.sys.mjs` },
              child: { esModuleURI: `${base}Child.sys.mjs` },
              // The add-on's pages, and the web app's pages in the sign-in window.
              matches: ["moz-extension://*/*", "http://127.0.0.1/*"],
              allFrames: true,
            });
            """,
            str(target),
        )

    def click_at(self, x: float, y: float) -> None:
        """A real mouse click (Marionette pointer actions) at a point of the mail window."""
        chain = self.marionette.actions.sequence("pointer", "mouse", {"pointerType": "mouse"})
        chain.pointer_move(round(x), round(y), origin="viewport").pointer_down().pointer_up()
        chain.perform()
        self.marionette.actions.release()

    def type_text(self, text: str) -> None:
        """Real key presses into whatever has the focus."""
        chain = self.marionette.actions.sequence("key", "keyboard")
        for char in text:
            chain.key_down(char).key_up(char)
        chain.perform()
        self.marionette.actions.release()
