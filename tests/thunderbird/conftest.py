"""Fixtures for the add-on in a real Thunderbird: a Correspondent server on loopback, a
Dovecot user that is also a CRM user with a synced mailbox, and Thunderbird with that IMAP
account, the add-on installed temporary, and the add-on signed in through its options page.

These tests run on one database backend (the first of CORRESPONDENT_TEST_BACKENDS): what they
prove is the add-on and Thunderbird; the API and storage are proven on both elsewhere.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from correspondent.bootstrap import Installation
from correspondent.domain.access import OPERATOR
from correspondent.services import auth
from tests.conftest import BACKENDS
from tests.support.dovecot import DovecotServer
from tests.sync.conftest import env  # noqa: F401  (the CRM user with its Dovecot mailbox)
from tests.sync.harness import SyncEnv
from tests.thunderbird.session import (
    MailClient,
    Server,
    sign_in,
    stage_addon,
    start_thunderbird,
)


@pytest.fixture
def backend() -> str:
    return BACKENDS[0]


@pytest.fixture
def server(installation: Installation) -> Iterator[Server]:
    running = Server(installation)
    running.start()
    yield running
    running.stop()


@pytest.fixture
def addon_dir(tmp_path: Path) -> Path:
    return stage_addon(tmp_path / "addon")


@pytest.fixture
def signed_out_client(
    env: SyncEnv,  # noqa: F811  (the fixture imported above)
    dovecot: DovecotServer,
    dovecot_user: tuple[str, str],
    addon_dir: Path,
) -> Iterator[MailClient]:
    """Thunderbird with the account and the add-on, not yet signed in."""
    login, password = dovecot_user
    tb, addon = start_thunderbird(dovecot, login, password, login, addon_dir)
    try:
        yield MailClient(tb, addon, "", addon_dir)
    finally:
        tb.close()


@pytest.fixture
def mail_client(
    env: SyncEnv,  # noqa: F811  (the fixture imported above)
    server: Server,
    signed_out_client: MailClient,
) -> MailClient:
    """Signed in by pasting a personal token (the web sign-in has its own test)."""
    token = auth.create_token(server.installation.uow, OPERATOR, env.user.email).token
    sign_in(signed_out_client.tb, signed_out_client.addon, server.url, token)
    signed_out_client.token = token
    return signed_out_client
