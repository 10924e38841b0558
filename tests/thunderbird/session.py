"""A Correspondent server, Thunderbird with the add-on, and signing in: the pieces the
Thunderbird tests and the pane benchmark (bench/thunderbird_pane.py) share."""

from __future__ import annotations

import json
import socket
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import uvicorn

from correspondent.api.app import create_app
from correspondent.api.server import tcp_listener
from correspondent.bootstrap import Installation
from tests.support.dovecot import DovecotServer
from tests.thunderbird.mail import install_addon, show_message, store_password, sync_inbox
from tests.thunderbird.pane import OptionsPage, TrackingPane
from tests.thunderbird.thunderbird import Thunderbird, wait_for

CLIENTS = Path(__file__).resolve().parents[2] / "clients"
Text = Callable[[str], str]


def addon_text(language: str) -> Text:
    """The add-on's message catalogue for ``language``: what a user of that language reads."""
    path = CLIENTS / "thunderbird" / "_locales" / language / "messages.json"
    messages = json.loads(path.read_text(encoding="utf-8"))
    return lambda key: str(messages[key]["message"])


ENGLISH = addon_text("en")


class Server:
    """The real API on a loopback port (uvicorn in a thread of the test process); ``stop``
    and ``start`` make it unreachable and back on the same address."""

    def __init__(self, installation: Installation) -> None:
        self.installation = installation
        self.app = create_app(installation)
        self.port = 0
        self.url = ""
        self._running: tuple[uvicorn.Server, threading.Thread, socket.socket] | None = None

    def start(self) -> None:
        listener = tcp_listener("127.0.0.1", self.port)
        self.port = listener.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}"
        running = uvicorn.Server(uvicorn.Config(self.app, log_level="warning", lifespan="off"))
        thread = threading.Thread(target=running.run, kwargs={"sockets": [listener]}, daemon=True)
        thread.start()
        self._running = (running, thread, listener)
        wait_for(lambda: running.started, 60, "the API server started")

    def stop(self) -> None:
        if self._running is None:
            return
        running, thread, listener = self._running
        self._running = None
        running.should_exit = True
        thread.join(timeout=30)
        listener.close()

    def api(self, token: str) -> httpx.Client:
        return httpx.Client(
            base_url=f"{self.url}/api/v1", headers={"Authorization": f"Bearer {token}"}, timeout=60
        )


@dataclass
class MailClient:
    """Thunderbird with the test account and the add-on, and what it needs to start again."""

    tb: Thunderbird
    addon: dict[str, Any]
    token: str
    addon_dir: Path

    @property
    def pane(self) -> TrackingPane:
        return TrackingPane(self.tb, self.addon)

    def open_pane(self, message_id: str) -> TrackingPane:
        """Show the message (fetched from the server first) and open the tracking pane on it."""
        pane = self.pane
        pane.close()
        sync_inbox(self.tb, [message_id])
        show_message(self.tb, message_id)
        pane.open()
        return pane

    def restart(self) -> None:
        """Quit and start again on the same profile; the temporary add-on is installed again
        (with its storage and UUID kept, as for an installed add-on)."""
        self.tb.quit()
        self.tb.start()
        self.tb.register_page_actor()
        addon = install_addon(self.tb, str(self.addon_dir))
        assert addon["uuid"] == self.addon["uuid"]


def start_thunderbird(
    dovecot: DovecotServer,
    login: str,
    password: str,
    address: str,
    addon_dir: Path,
    extra_prefs: dict[str, object] | None = None,
) -> tuple[Thunderbird, dict[str, Any]]:
    tb = Thunderbird(dovecot.host, dovecot.port, login, address, extra_prefs)
    tb.start()
    try:
        store_password(tb, dovecot.host, login, password)
        tb.register_page_actor()
        addon = install_addon(tb, str(addon_dir))
    except BaseException:
        tb.close()
        raise
    return tb, addon


def sign_in(
    tb: Thunderbird, addon: dict[str, Any], server_url: str, token: str, text: Text = ENGLISH
) -> None:
    """Paste the server address and a personal token into the options page; Sign in."""
    options = OptionsPage(tb, addon)
    options.open()
    options.fill(text("serverLabel"), server_url)
    options.fill(text("tokenLabel"), token)
    options.press(text("buttonSignInToken"))
    options.wait_for_status("signed-in")


def stage_addon(target: Path) -> Path:
    """The add-on's files as `make addon` packs them (clients/build_addon.py), unpacked."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("build_addon", CLIENTS / "build_addon.py")
    assert spec and spec.loader
    build = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(build)
    staged: Path = build.stage(target)
    return staged
