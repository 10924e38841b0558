"""Pytest fixtures for tests that need a real IMAP server (load with
``pytest_plugins = ["tests.support.fixtures"]``).

* ``dovecot`` (session): one running :class:`DovecotServer` for the whole run.
* ``dovecot_user`` (function): a fresh random ``(login, password)`` on it, so tests share the
  server without cleaning up after each other.
* ``imap_client`` (function): a logged-in plain IMAPClient for that user, playing "another mail
  client" (APPEND, MOVE, keywords...).
* ``fault_proxy`` (function): a :class:`FaultProxy` in front of the plain port.
* ``restartable_dovecot`` (function): a private server for tests that stop or restart it.

Dovecot missing is an error, never a skip (CI must prove IMAP works).
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from imapclient import IMAPClient

from tests.support.dovecot import DovecotServer
from tests.support.fault_proxy import FaultProxy


@pytest.fixture(scope="session")
def dovecot() -> Iterator[DovecotServer]:
    """A Dovecot server shared by the test session."""
    with DovecotServer() as server:
        yield server


@pytest.fixture
def restartable_dovecot() -> Iterator[DovecotServer]:
    """A Dovecot server of this test alone, free to be stopped and restarted."""
    with DovecotServer() as server:
        yield server


@pytest.fixture
def dovecot_user(dovecot: DovecotServer) -> tuple[str, str]:
    """A new random user (login, password) on the shared server."""
    return dovecot.new_user()


@pytest.fixture
def imap_client(dovecot: DovecotServer, dovecot_user: tuple[str, str]) -> Iterator[IMAPClient]:
    """A second, independent client logged in as ``dovecot_user`` (plain IMAPClient)."""
    client = IMAPClient(dovecot.host, dovecot.port, ssl=False, timeout=10)
    client.login(*dovecot_user)
    yield client
    try:
        client.logout()
    except Exception:
        client.shutdown()


@pytest.fixture
def fault_proxy(dovecot: DovecotServer) -> Iterator[FaultProxy]:
    """A fault-injecting proxy to the shared server's plain IMAP port."""
    with FaultProxy(dovecot.host, dovecot.port) as proxy:
        yield proxy
