"""Fixtures for the add-on in a real Thunderbird: a Correspondent server on loopback, a
Dovecot user that is also a CRM user with a synced mailbox, and Thunderbird with that IMAP
account, the add-on installed temporary, and the add-on signed in through its options page.

These tests run on one database backend (the first of CORRESPONDENT_TEST_BACKENDS): what they
prove is the add-on and Thunderbird; the API and storage are proven on both elsewhere.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
import uvicorn
from imapclient import IMAPClient

from correspondent.api.app import create_app
from correspondent.api.server import tcp_listener
from correspondent.bootstrap import Installation
from correspondent.services import auth
from tests.conftest import BACKENDS
from tests.support.dovecot import DovecotServer
from tests.sync.harness import SyncEnv, make_env
from tests.thunderbird.mail import install_addon, store_password
from tests.thunderbird.pane import OptionsPage, TrackingPane
from tests.thunderbird.thunderbird import Thunderbird, wait_for

CLIENTS = Path(__file__).resolve().parents[2] / "clients"


@pytest.fixture
def backend() -> str:
    return BACKENDS[0]


@dataclass
class Server:
    url: str
    installation: Installation

    def api(self, token: str) -> httpx.Client:
        return httpx.Client(
            base_url=f"{self.url}/api/v1", headers={"Authorization": f"Bearer {token}"}, timeout=60
        )


@pytest.fixture
def server(installation: Installation) -> Iterator[Server]:
    """The real API on a loopback port (uvicorn in a thread of the test process)."""
    listener = tcp_listener("127.0.0.1", 0)
    host, port = listener.getsockname()[:2]
    config = uvicorn.Config(create_app(installation), log_level="warning", lifespan="off")
    running = uvicorn.Server(config)
    thread = threading.Thread(target=running.run, kwargs={"sockets": [listener]}, daemon=True)
    thread.start()
    wait_for(lambda: running.started, 60, "the API server started")
    yield Server(f"http://{host}:{port}", installation)
    running.should_exit = True
    thread.join(timeout=30)
    listener.close()


@pytest.fixture
def env(
    installation: Installation,
    dovecot: DovecotServer,
    dovecot_user: tuple[str, str],
    imap_client: IMAPClient,
) -> SyncEnv:
    """The CRM user whose email address is the Dovecot login, with that mailbox synced."""
    login, password = dovecot_user
    return make_env(installation, dovecot.host, dovecot.port, login, password, imap_client)


@dataclass
class MailClient:
    tb: Thunderbird
    addon: dict[str, Any]
    token: str

    @property
    def pane(self) -> TrackingPane:
        return TrackingPane(self.tb, self.addon)


def start_thunderbird(
    dovecot: DovecotServer, login: str, password: str, address: str, addon_dir: Path
) -> tuple[Thunderbird, dict[str, Any]]:
    tb = Thunderbird(dovecot.host, dovecot.port, login, address)
    tb.start()
    try:
        store_password(tb, dovecot.host, login, password)
        tb.register_page_actor()
        addon = install_addon(tb, str(addon_dir))
    except BaseException:
        tb.close()
        raise
    return tb, addon


def sign_in(tb: Thunderbird, addon: dict[str, Any], server_url: str, token: str) -> None:
    """Paste the server address and a personal token into the options page; Sign in."""
    options = OptionsPage(tb, addon)
    options.open()
    options.fill("Server address", server_url)
    options.fill("Personal token", token)
    options.press("Sign in")
    wait_for(
        lambda: (options.describe() or {}).get("status", "").startswith("Signed in as"),
        90,
        f"signed in (the page shows: {options.describe()})",
    )


@pytest.fixture
def addon_dir(tmp_path: Path) -> Path:
    """The add-on's files as `make addon` packs them, unpacked."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("build_addon", CLIENTS / "build_addon.py")
    assert spec and spec.loader
    build = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(build)
    staged: Path = build.stage(tmp_path / "addon")
    return staged


@pytest.fixture
def mail_client(
    env: SyncEnv,
    server: Server,
    dovecot: DovecotServer,
    dovecot_user: tuple[str, str],
    addon_dir: Path,
) -> Iterator[MailClient]:
    login, password = dovecot_user
    token = auth.create_token(server.installation.uow, env.user.email).token
    tb, addon = start_thunderbird(dovecot, login, password, login, addon_dir)
    try:
        sign_in(tb, addon, server.url, token)
        yield MailClient(tb, addon, token)
    finally:
        tb.close()
