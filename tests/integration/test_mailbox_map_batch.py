"""The sync's per-batch bookkeeping in one statement each: map rows and settled failures."""

from __future__ import annotations

from datetime import UTC, datetime

from correspondent.bootstrap import Installation
from correspondent.domain.folder_messages import FailedMessage, Outcome
from correspondent.domain.mailbox import AuthKind, FolderRole, Mailbox, TlsChoice, WatchedFolder
from tests.builders import add_user

NOW = datetime(2026, 12, 3, 12, 0, tzinfo=UTC)
UIDVALIDITY = 9


def _folder(installation: Installation) -> tuple[int, int]:
    user = add_user(installation)
    assert user.id is not None
    with installation.uow() as uow:
        mailbox = Mailbox(
            None, user.id, user.email, "imap.example", 143, TlsChoice.PLAIN, user.email,
            AuthKind.PASSWORD, "sealed",
        )  # fmt: skip
        mailbox_id = uow.mailboxes.add(mailbox, NOW)
        folder_id = uow.mailboxes.add_folder(
            WatchedFolder(None, mailbox_id, "INBOX", FolderRole.INBOX)
        )
        uow.commit()
    return mailbox_id, folder_id


def test_record_many_inserts_new_rows_and_updates_known_ones_like_record(
    installation: Installation,
) -> None:
    mailbox_id, folder_id = _folder(installation)
    with installation.uow() as uow:
        messages = uow.mailboxes.messages
        messages.record(
            mailbox_id, folder_id, UIDVALIDITY, 1,
            activity_id=None, message_id="old@x", outcome=Outcome.QUARANTINED, now=NOW,
        )  # fmt: skip
        messages.mark_keyword_written(folder_id, UIDVALIDITY, [1])
        uow.commit()
    with installation.uow() as uow:
        uow.mailboxes.messages.record_many(
            mailbox_id,
            folder_id,
            UIDVALIDITY,
            [(1, None, "new@x", Outcome.UNTRACKED), (2, None, "two@x", Outcome.QUARANTINED)],
            NOW,
        )
        uow.commit()
    with installation.uow() as uow:
        mapped = uow.mailboxes.messages.mapped(folder_id, UIDVALIDITY)
    assert sorted(mapped) == [1, 2]
    # As with record: the outcome is replaced and the keyword is to be written again; the
    # Message-ID first seen stays.
    assert (mapped[1].outcome, mapped[1].keyword_written, mapped[1].message_id) == (
        Outcome.UNTRACKED,
        False,
        "old@x",
    )
    assert (mapped[2].outcome, mapped[2].message_id) == (Outcome.QUARANTINED, "two@x")


def test_resolve_failures_removes_exactly_the_given_uids(installation: Installation) -> None:
    mailbox_id, folder_id = _folder(installation)
    with installation.uow() as uow:
        for uid in (1, 2, 3):
            failure = FailedMessage(folder_id, UIDVALIDITY, uid, "folder", "no user", 1, None)
            uow.mailboxes.messages.record_failure(mailbox_id, failure, NOW)
        uow.commit()
    with installation.uow() as uow:
        uow.mailboxes.messages.resolve_failures(folder_id, UIDVALIDITY, [1, 3])
        uow.mailboxes.messages.resolve_failures(folder_id, UIDVALIDITY, [])
        uow.commit()
    with installation.uow() as uow:
        left = uow.mailboxes.messages.failures(mailbox_id, folder_id)
    assert [f.uid for f in left] == [2]
