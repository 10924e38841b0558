from __future__ import annotations

import pytest
from imapclient import IMAPClient

from correspondent.bootstrap import Installation
from tests.support.dovecot import DovecotServer
from tests.sync.harness import SyncEnv, make_env


@pytest.fixture
def env(
    installation: Installation,
    dovecot: DovecotServer,
    dovecot_user: tuple[str, str],
    imap_client: IMAPClient,
) -> SyncEnv:
    login, password = dovecot_user
    return make_env(installation, dovecot.host, dovecot.port, login, password, imap_client)
