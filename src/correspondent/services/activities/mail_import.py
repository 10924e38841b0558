"""Reading messages out of mbox files and Maildir folders for bulk tracking."""

from __future__ import annotations

import enum
import mailbox
from collections.abc import Iterator
from pathlib import Path

from correspondent.domain.errors import InvalidInput


class MailboxFormat(enum.StrEnum):
    MBOX = "mbox"
    MAILDIR = "maildir"


def _open(format_: MailboxFormat, path: Path) -> mailbox.Mailbox[mailbox.Message]:
    if format_ is MailboxFormat.MBOX:
        if not path.is_file():
            raise InvalidInput(f"{path} is not an mbox file.")
        return mailbox.mbox(path, create=False)
    if not (path / "cur").is_dir() and not (path / "new").is_dir():
        raise InvalidInput(f"{path} is not a Maildir folder (it has no cur/ or new/).")
    return mailbox.Maildir(path, factory=None, create=False)


def count_messages(format_: MailboxFormat, path: Path) -> int:
    return len(_open(format_, path))


def iter_mailbox(format_: MailboxFormat, path: Path) -> Iterator[tuple[str, bytes]]:
    """Yield (origin, raw bytes) for each message, in the mailbox's order."""
    box = _open(format_, path)
    try:
        for key in box.iterkeys():
            yield f"{path}#{key}", box.get_bytes(key)
    finally:
        box.close()
