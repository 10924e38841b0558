"""Adding, testing and enabling mailboxes (BEHAVIOUR §2), secrets at rest, and the CLI."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest
import sqlalchemy as sa
from typer.testing import CliRunner

from correspondent.bootstrap import Installation
from correspondent.cli.main import app
from correspondent.config import Settings
from correspondent.domain.access import OPERATOR
from correspondent.domain.errors import InvalidInput
from correspondent.domain.mailbox import TlsChoice
from correspondent.mail.imap_errors import ImapAuthenticationError
from correspondent.services.admin import users as admin_users
from correspondent.services.mailboxes.add import MailboxInput, add_mailbox
from correspondent.services.mailboxes.connect import MailboxConnector
from correspondent.services.mailboxes.enable import run_mailbox_test
from correspondent.services.mailboxes.secrets import SecretBox
from correspondent.services.mailboxes.status import mailbox_status
from correspondent.storage.mailbox_tables import mailboxes
from correspondent.storage.tables import users
from tests.support.dovecot import DovecotServer

pytestmark = pytest.mark.dovecot


def _connector() -> MailboxConnector:
    return MailboxConnector(SecretBox.from_text("k"), timeout=10)


def test_address_that_stopped_matching_is_refused_by_test_and_enable(
    installation: Installation, dovecot: DovecotServer, dovecot_user: tuple[str, str]
) -> None:
    """Adding refuses a mismatch (tests/unit/test_mailbox_use_cases.py, the API and CLI tests);
    a user whose CRM address changed afterwards is stopped at Test & Enable, with an alert."""
    login, password = dovecot_user
    user = admin_users.add_user(installation.uow, OPERATOR, login, "Else")
    mailbox = add_mailbox(
        installation.uow, _connector().secrets, OPERATOR,
        MailboxInput(login, dovecot.host, dovecot.port, TlsChoice.PLAIN, login, password),
    )  # fmt: skip
    assert mailbox.id is not None
    with installation.engine.begin() as conn:
        conn.execute(
            sa.update(users).where(users.c.id == user.id).values(email="someone.else@ourco.example")
        )
    with pytest.raises(InvalidInput) as raised:
        run_mailbox_test(installation.uow, _connector(), OPERATOR, mailbox.id, enable=True)
    assert str(raised.value) == (
        f"To track email, the mailbox address ({login}) must be the same as your email "
        "address in the CRM (someone.else@ourco.example)."
    )
    view = mailbox_status(installation.uow, OPERATOR, mailbox.id)
    assert not view.enabled
    assert view.alerts[0].level == "error"


def test_unapproved_address_and_wrong_password_raise_alerts(
    installation: Installation, dovecot: DovecotServer, dovecot_user: tuple[str, str]
) -> None:
    login, _ = dovecot_user
    admin_users.add_user(installation.uow, OPERATOR, login, "User", email_approved=False)
    with installation.uow() as uow:
        uow.settings.set_org("tracking.require_approved_email", "on")
        uow.commit()
    box = add_mailbox(
        installation.uow, _connector().secrets, OPERATOR,
        MailboxInput(login, dovecot.host, dovecot.port, TlsChoice.PLAIN, login, "wrong"),
    )  # fmt: skip
    assert box.id is not None
    with pytest.raises(InvalidInput, match="not approved"):
        run_mailbox_test(installation.uow, _connector(), OPERATOR, box.id, enable=True)
    with installation.uow() as uow:
        user = uow.directory.user_by_email(login)
        assert user is not None
        user.email_approved = True
        uow.directory.update_user(user)
        uow.commit()
    with pytest.raises(ImapAuthenticationError):
        run_mailbox_test(installation.uow, _connector(), OPERATOR, box.id, enable=True)
    view = mailbox_status(installation.uow, OPERATOR, box.id)
    assert "Test failed" in view.alerts[0].text


def test_xoauth2_mailbox_enables(
    installation: Installation, dovecot: DovecotServer, dovecot_user: tuple[str, str]
) -> None:
    from correspondent.domain.mailbox import AuthKind

    login, _ = dovecot_user
    admin_users.add_user(installation.uow, OPERATOR, login, "User")
    token = dovecot.grant_token(login)
    box = add_mailbox(
        installation.uow, _connector().secrets, OPERATOR,
        MailboxInput(login, dovecot.host, dovecot.port, TlsChoice.PLAIN, login, token,
                     AuthKind.XOAUTH2),
    )  # fmt: skip
    assert box.id is not None
    report = run_mailbox_test(installation.uow, _connector(), OPERATOR, box.id, enable=True)
    assert report.sent_folder == "Sent" and "IDLE" in report.capabilities


def test_password_is_encrypted_at_rest_and_key_file_is_private(tmp_path: Path) -> None:
    box = SecretBox.for_settings(Settings(data_dir=tmp_path))
    token = box.encrypt("hunter2")
    assert "hunter2" not in token and box.decrypt(token) == "hunter2"
    key = tmp_path / "secret.key"
    assert stat.S_IMODE(os.stat(key).st_mode) == 0o600
    assert SecretBox.for_settings(Settings(data_dir=tmp_path)).decrypt(token) == "hunter2"


def test_cli_add_enable_track_folder_status(
    tmp_path: Path, dovecot: DovecotServer, dovecot_user: tuple[str, str]
) -> None:
    login, password = dovecot_user
    runner = CliRunner()
    base = ["--data-dir", str(tmp_path)]
    assert runner.invoke(app, [*base, "user", "add", login, "--name", "U"]).exit_code == 0, (
        runner.invoke(app, [*base, "user", "add", "--help"]).output
    )
    added = runner.invoke(
        app,
        [*base, "mailbox", "add", login, "--host", dovecot.host, "--port", str(dovecot.port),
         "--tls", "plain", "--login", login, "--password-stdin"],
        input=password + "\n",
    )  # fmt: skip
    assert added.exit_code == 0, added.output
    enabled = runner.invoke(app, [*base, "mailbox", "enable", "1"])
    assert enabled.exit_code == 0, enabled.output
    assert "IDLE" in enabled.output
    tracked = runner.invoke(app, [*base, "mailbox", "track-folder", "1", "Sent"])
    assert tracked.exit_code == 0, tracked.output
    listed = runner.invoke(app, [*base, "mailbox", "folders", "1"])
    assert "tracked" in listed.output
    once = runner.invoke(app, [*base, "worker", "--once"])
    assert once.exit_code == 0, once.output
    shown = runner.invoke(app, [*base, "mailbox", "status", "--json"])
    assert shown.exit_code == 0 and '"last_sync_at": null' not in shown.output
    engine = sa.create_engine(f"sqlite:///{tmp_path / 'correspondent.sqlite3'}")
    with engine.connect() as conn:
        secret = conn.execute(sa.select(mailboxes.c.secret)).scalar_one()
    engine.dispose()
    assert password not in secret
