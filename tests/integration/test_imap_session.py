"""ImapSession against a real Dovecot, with a second IMAPClient acting as the user's mail client."""

from __future__ import annotations

import datetime as dt
import secrets
import ssl
import threading
import time

import pytest
from imapclient import IMAPClient

from correspondent.domain.errors import InvalidInput
from correspondent.mail.imap import ImapSession, TlsMode
from correspondent.mail.imap_errors import (
    ImapAuthenticationError,
    ImapConnectionError,
    ImapFolderNotFound,
    ImapInsecureTransport,
    ImapTlsError,
)
from tests.support.dovecot import DovecotServer

pytestmark = pytest.mark.dovecot
User = tuple[str, str]


def make_message(subject: str = "Quote", body_size: int = 100) -> tuple[str, bytes]:
    message_id = f"<{secrets.token_hex(8)}@example.test>"
    raw = (
        f"Message-ID: {message_id}\r\nFrom: Alice <alice@example.test>\r\n"
        f"To: bob@example.test\r\nSubject: {subject}\r\n"
        "Date: Mon, 01 Jul 2024 10:00:00 +0200\r\nX-Other: not fetched\r\n\r\n"
        + "x" * body_size
        + "\r\n"
    ).encode()
    return message_id, raw


def open_session(dovecot: DovecotServer, user: User) -> ImapSession:
    session = ImapSession.connect(dovecot.host, dovecot.port, TlsMode.PLAIN, timeout=10)
    session.login(*user)
    return session


def test_login_reports_the_capabilities_sync_relies_on(
    dovecot: DovecotServer, dovecot_user: User
) -> None:
    with open_session(dovecot, dovecot_user) as session:
        capabilities = session.capabilities()
    assert {"IDLE", "CONDSTORE", "QRESYNC", "MOVE", "SPECIAL-USE", "ENABLE"} <= capabilities
    assert "NOTIFY" in capabilities  # Dovecot 2.3 offers RFC 5465 NOTIFY ...
    assert "OBJECTID" not in capabilities  # ... but not RFC 8474 (mailbox id is X-GUID)


def test_wrong_password_is_an_authentication_error(
    dovecot: DovecotServer, dovecot_user: User
) -> None:
    session = ImapSession.connect(dovecot.host, dovecot.port, TlsMode.PLAIN)
    with pytest.raises(ImapAuthenticationError):
        session.login(dovecot_user[0], "wrong-" + dovecot_user[1])
    session.close()


def test_plain_text_to_a_remote_host_is_refused_before_connecting() -> None:
    with pytest.raises(ImapInsecureTransport, match="loopback"):
        ImapSession.connect("192.0.2.10", 143, TlsMode.PLAIN)


def test_implicit_tls_with_the_test_ca(dovecot: DovecotServer, dovecot_user: User) -> None:
    context = dovecot.ssl_context()
    with ImapSession.connect(
        dovecot.host, dovecot.tls_port, TlsMode.IMPLICIT, ssl_context=context
    ) as session:
        session.login(*dovecot_user)
        assert session.status("INBOX").exists == 0


def test_starttls_upgrades_the_plain_port(dovecot: DovecotServer, dovecot_user: User) -> None:
    context = dovecot.ssl_context()
    with ImapSession.connect(
        dovecot.host, dovecot.port, TlsMode.STARTTLS, ssl_context=context
    ) as session:
        session.login(*dovecot_user)
        assert "STARTTLS" not in session.capabilities()


def test_untrusted_certificate_is_a_tls_error(dovecot: DovecotServer) -> None:
    with pytest.raises(ImapTlsError):
        ImapSession.connect(
            dovecot.host,
            dovecot.tls_port,
            TlsMode.IMPLICIT,
            ssl_context=ssl.create_default_context(),
        )


@pytest.mark.parametrize("mechanism", ["XOAUTH2", "OAUTHBEARER"])
def test_oauth2_login(dovecot: DovecotServer, dovecot_user: User, mechanism: str) -> None:
    token = dovecot.grant_token(dovecot_user[0])
    with ImapSession.connect(
        dovecot.host, dovecot.tls_port, TlsMode.IMPLICIT, ssl_context=dovecot.ssl_context()
    ) as session:
        session.oauth2_login(dovecot_user[0], token, mechanism=mechanism)
        assert session.status("INBOX").uidnext == 1


def test_revoked_oauth2_token_is_an_authentication_error(
    dovecot: DovecotServer, dovecot_user: User
) -> None:
    token = dovecot.grant_token(dovecot_user[0])
    dovecot.revoke_token(token)
    session = ImapSession.connect(dovecot.host, dovecot.port, TlsMode.PLAIN)
    with pytest.raises(ImapAuthenticationError):
        session.oauth2_login(dovecot_user[0], token)
    session.close()


def test_list_folders_with_special_use_and_ids(dovecot: DovecotServer, dovecot_user: User) -> None:
    with open_session(dovecot, dovecot_user) as session:
        folders = {folder.name: folder for folder in session.list_folders()}
        assert session.special_use_folder("\\Sent") == "Sent"
        assert session.special_use_folder("\\Archive") is None
    assert folders["Trash"].special_use == "\\Trash"
    assert folders["INBOX"].special_use is None
    assert folders["INBOX"].delimiter == "/"
    ids = {folder.mailbox_id for folder in folders.values()}
    assert None not in ids and len(ids) == len(folders)


def test_append_then_status_select_search_and_fetch(
    dovecot: DovecotServer, dovecot_user: User, imap_client: IMAPClient
) -> None:
    first_id, first = make_message("First")
    _, second = make_message("Second", body_size=5000)
    imap_client.append("INBOX", first, flags=[b"$Tracked"])
    imap_client.append("INBOX", second)
    with open_session(dovecot, dovecot_user) as session:
        status = session.status("INBOX")
        selected = session.select("INBOX")
        assert (status.exists, status.uidnext) == (2, 3)
        assert selected.uidvalidity == status.uidvalidity
        assert selected.mailbox_id == status.mailbox_id is not None
        assert selected.highestmodseq is not None
        assert session.search_uids_since(0) == [1, 2]
        assert session.search_uids_since(1) == [2]
        assert session.search_uids_since(2) == []
        headers = session.fetch_headers([1, 2, 99])
        raw = session.fetch_raw([1])
        after = session.fetch_headers([1])[0]
    assert [h.uid for h in headers] == [1, 2]
    assert f"Message-ID: {first_id}".encode() in headers[0].header_bytes
    assert b"X-Other" not in headers[0].header_bytes and b"xxx" not in headers[0].header_bytes
    assert headers[0].keywords == {"$Tracked"}
    assert headers[1].size == len(second)
    assert headers[0].modseq is not None
    assert isinstance(headers[0].internal_date, dt.datetime)
    assert headers[0].internal_date.tzinfo is not None
    assert raw == {1: first}
    assert "\\Seen" not in after.flags  # BODY.PEEK[] leaves the message unread


def test_fetch_headers_in_batches(
    dovecot: DovecotServer, dovecot_user: User, imap_client: IMAPClient
) -> None:
    for _ in range(5):
        imap_client.append("INBOX", make_message()[1])
    with open_session(dovecot, dovecot_user) as session:
        session.select("INBOX")
        headers = session.fetch_headers([5, 1, 3, 2, 4], batch_size=2)
        raw = session.fetch_raw([1, 2, 3, 4, 5], batch_size=2)
    assert [h.uid for h in headers] == [1, 2, 3, 4, 5]
    assert sorted(raw) == [1, 2, 3, 4, 5]


def test_keywords_add_and_remove(
    dovecot: DovecotServer, dovecot_user: User, imap_client: IMAPClient
) -> None:
    imap_client.append("INBOX", make_message()[1])
    imap_client.select_folder("INBOX", readonly=True)
    with open_session(dovecot, dovecot_user) as session:
        session.select("INBOX")
        session.add_keywords([1], [b"$Tracked", "Track"])
        seen_by_client = imap_client.get_flags([1])[1]
        session.remove_keywords([1], ["Track"])
        remaining = session.fetch_headers([1])[0].keywords
        with pytest.raises(InvalidInput):
            session.add_keywords([1], ["\\Seen"])
        with pytest.raises(InvalidInput):
            session.add_keywords([1], ["two words"])
    assert {b"$Tracked", b"Track"} <= set(seen_by_client)
    assert remaining == {"$Tracked"}


def test_changed_since_lists_only_messages_changed_after_a_modseq(
    dovecot: DovecotServer, dovecot_user: User, imap_client: IMAPClient
) -> None:
    for _ in range(3):
        imap_client.append("INBOX", make_message()[1])
    with open_session(dovecot, dovecot_user) as session:
        before = session.select("INBOX").highestmodseq
        assert before is not None
        assert session.changed_since(before) == {}
        imap_client.select_folder("INBOX")
        imap_client.add_flags([2], [b"Track"])
        changes = session.changed_since(before)
        assert session.status("INBOX").highestmodseq == changes[2].modseq
    assert list(changes) == [2]
    assert changes[2].keywords == {"Track"}
    assert changes[2].modseq > before


def test_move_gives_the_message_a_new_uid_in_the_target_folder(
    dovecot: DovecotServer, dovecot_user: User, imap_client: IMAPClient
) -> None:
    target = f"Clients/Acme-{secrets.token_hex(3)}"
    imap_client.create_folder(target)
    for _ in range(2):
        imap_client.append("INBOX", make_message()[1])
    imap_client.select_folder("INBOX")
    imap_client.move([2], target)
    with open_session(dovecot, dovecot_user) as session:
        inbox = session.select("INBOX")
        assert session.search_uids_since(0) == [1]
        moved = session.select(target)
        assert session.search_uids_since(0) == [1]
    assert (inbox.exists, moved.exists, moved.uidnext) == (1, 1, 2)
    assert inbox.mailbox_id != moved.mailbox_id


def test_rename_keeps_mailbox_id_and_old_name_is_not_found(
    dovecot: DovecotServer, dovecot_user: User, imap_client: IMAPClient
) -> None:
    old, new = f"Deals-{secrets.token_hex(3)}", f"Won-{secrets.token_hex(3)}"
    imap_client.create_folder(old)
    with open_session(dovecot, dovecot_user) as session:
        before = session.status(old)
        imap_client.rename_folder(old, new)
        after = session.status(new)
        with pytest.raises(ImapFolderNotFound):
            session.select(old)
        with pytest.raises(ImapFolderNotFound):
            session.status(old)
    assert after.mailbox_id == before.mailbox_id is not None
    assert after.uidvalidity == before.uidvalidity


def test_delete_and_recreate_changes_uidvalidity_and_mailbox_id(
    dovecot: DovecotServer, dovecot_user: User, imap_client: IMAPClient
) -> None:
    name = f"Tracked-{secrets.token_hex(3)}"
    imap_client.create_folder(name)
    imap_client.append(name, make_message()[1])
    with open_session(dovecot, dovecot_user) as session:
        before = session.select(name)
        session.select("INBOX")
        imap_client.delete_folder(name)
        imap_client.create_folder(name)
        after = session.select(name)
    assert after.uidvalidity != before.uidvalidity
    assert after.mailbox_id != before.mailbox_id
    assert after.exists == 0


def test_idle_wakes_when_another_client_appends(
    dovecot: DovecotServer, dovecot_user: User, imap_client: IMAPClient
) -> None:
    with open_session(dovecot, dovecot_user) as session:
        session.select("INBOX")
        assert session.idle_wait(0.3) is False
        timer = threading.Timer(0.3, imap_client.append, ("INBOX", make_message()[1]))
        started = time.monotonic()
        timer.start()
        woke = session.idle_wait(60)
        elapsed = time.monotonic() - started
        timer.join()
        assert session.search_uids_since(0) == [1]  # IDLE was left cleanly
    assert woke is True
    # Woken by the append (Dovecot checks every second here), not at the end of the wait; the
    # bound leaves a loaded machine plenty of room.
    assert elapsed < 30


def test_closed_session_raises_connection_error(dovecot: DovecotServer, dovecot_user: User) -> None:
    session = open_session(dovecot, dovecot_user)
    session.close()
    session.close()
    with pytest.raises(ImapConnectionError):
        session.status("INBOX")
