"""The fault proxy itself, and ImapSession's behaviour when the connection or server fails.

Every failure must surface as ``ImapConnectionError`` quickly: never a hang, never a raw socket or
imaplib exception, and a new session must work afterwards. "Quickly" is shown without timing the
machine: a cut must be reported as a lost connection, not as the socket timing out, and an IDLE
cut must end the wait long before its own timeout.
"""

from __future__ import annotations

import secrets
import socket
import threading
import time

import pytest
from imapclient import IMAPClient

from correspondent.mail.imap import ImapSession, TlsMode
from correspondent.mail.imap_errors import ImapConnectionError
from tests.support.dovecot import DovecotServer
from tests.support.fault_proxy import FaultProxy
from tests.support.waiting import wait_until

pytestmark = pytest.mark.dovecot
User = tuple[str, str]

IDLE_SECONDS = 120
"""How long the IDLE tests wait: a cut that is not noticed shows as a wait this long."""


def greeting(proxy: FaultProxy) -> bytes:
    with socket.create_connection((proxy.host, proxy.port), timeout=5) as sock:
        return sock.recv(100)


def proxied_session(proxy: FaultProxy, user: User, timeout: float = 10) -> ImapSession:
    session = ImapSession.connect(proxy.host, proxy.port, TlsMode.PLAIN, timeout=timeout)
    session.login(*user)
    return session


def big_message(size: int = 300_000) -> bytes:
    line = b"y" * 76 + b"\r\n"
    return (
        f"Message-ID: <{secrets.token_hex(8)}@example.test>\r\nSubject: big\r\n\r\n".encode()
        + line * (size // len(line))
    )


def test_proxy_forwards_and_cut_all_drops_connections(fault_proxy: FaultProxy) -> None:
    assert greeting(fault_proxy).startswith(b"* OK")
    with socket.create_connection((fault_proxy.host, fault_proxy.port), timeout=5) as sock:
        assert sock.recv(100).startswith(b"* OK")
        assert fault_proxy.cut_all() == 1
        with pytest.raises(ConnectionResetError):
            sock.sendall(b"a NOOP\r\n")
            sock.recv(100)


def test_refused_connections_are_reset_then_accepted_again(fault_proxy: FaultProxy) -> None:
    # Long enough that the first attempt falls inside the window even when this thread or the
    # proxy's waits seconds for a core.
    fault_proxy.refuse_connections(3)
    with pytest.raises(ConnectionResetError):
        greeting(fault_proxy)
    wait_until(
        lambda: greeting(fault_proxy).startswith(b"* OK"),
        what="the proxy to accept connections again",
        ignore=(ConnectionResetError,),
        interval=0.1,
    )


def test_latency_delays_traffic(fault_proxy: FaultProxy) -> None:
    fault_proxy.set_latency(0.3)
    started = time.monotonic()
    assert greeting(fault_proxy).startswith(b"* OK")
    assert time.monotonic() - started >= 0.3


def test_cut_mid_fetch_raises_connection_error_and_a_new_session_works(
    fault_proxy: FaultProxy, dovecot_user: User, imap_client: IMAPClient
) -> None:
    imap_client.append("INBOX", big_message())
    session = proxied_session(fault_proxy, dovecot_user)
    session.select("INBOX")
    fault_proxy.cut_after_server_bytes(20_000)
    with pytest.raises(ImapConnectionError, match="connection lost"):  # not "timed out"
        session.fetch_raw([1])
    assert fault_proxy.cuts == 1
    with pytest.raises(ImapConnectionError):
        session.status("INBOX")  # the broken session stays broken
    with proxied_session(fault_proxy, dovecot_user) as fresh:
        fresh.select("INBOX")
        assert len(fresh.fetch_raw([1])[1]) > 250_000


def test_cut_mid_idle_raises_connection_error(fault_proxy: FaultProxy, dovecot_user: User) -> None:
    session = proxied_session(fault_proxy, dovecot_user)
    session.select("INBOX")
    fault_proxy.cut_on_server_pattern(b"+ idling")
    started = time.monotonic()
    with pytest.raises(ImapConnectionError, match="connection lost"):
        session.idle_wait(IDLE_SECONDS)
    assert time.monotonic() - started < IDLE_SECONDS / 2  # ended by the cut, not waited out
    assert fault_proxy.wait_for_cut(0)


def test_connection_cut_while_idle_waits_raises_connection_error(
    fault_proxy: FaultProxy, dovecot_user: User
) -> None:
    session = proxied_session(fault_proxy, dovecot_user)
    session.select("INBOX")
    cutter = threading.Timer(0.3, fault_proxy.cut_all)
    cutter.start()
    started = time.monotonic()
    with pytest.raises(ImapConnectionError, match="connection lost"):
        session.idle_wait(IDLE_SECONDS)
    cutter.join()
    assert time.monotonic() - started < IDLE_SECONDS / 2  # ended by the cut, not waited out


def test_silent_server_times_out_instead_of_hanging(
    fault_proxy: FaultProxy, dovecot_user: User
) -> None:
    session = proxied_session(fault_proxy, dovecot_user, timeout=0.5)
    fault_proxy.set_latency(2)
    with pytest.raises(ImapConnectionError, match="timed out"):
        session.status("INBOX")


def test_dovecot_restart_breaks_the_session_and_a_new_one_works(
    restartable_dovecot: DovecotServer,
) -> None:
    user = restartable_dovecot.new_user()
    client = IMAPClient(restartable_dovecot.host, restartable_dovecot.port, ssl=False)
    client.login(*user)
    client.append("INBOX", big_message(1000))
    client.logout()
    session = ImapSession.connect(restartable_dovecot.host, restartable_dovecot.port, TlsMode.PLAIN)
    session.login(*user)
    session.select("INBOX")
    restartable_dovecot.restart()
    with pytest.raises(ImapConnectionError):
        session.search_uids_since(0)
    with ImapSession.connect(
        restartable_dovecot.host, restartable_dovecot.port, TlsMode.PLAIN
    ) as fresh:
        fresh.login(*user)
        assert fresh.select("INBOX").exists == 1


def test_stopped_server_is_a_connection_error(restartable_dovecot: DovecotServer) -> None:
    restartable_dovecot.stop()
    with pytest.raises(ImapConnectionError):
        ImapSession.connect(restartable_dovecot.host, restartable_dovecot.port, TlsMode.PLAIN)
