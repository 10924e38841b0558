"""Mailbox passwords and OAuth tokens, encrypted at rest with Fernet (AES-128-CBC + HMAC).

The key comes from ``CORRESPONDENT_SECRET_KEY`` (any text; a Fernet key is derived from it with
SHA-256) or, when that is unset, from ``<data dir>/secret.key``, created on first use with
rights 0600. Losing the key makes the stored secrets unreadable: the mailboxes then need their
password again (``correspondent mailbox add``), nothing else is lost.
"""

from __future__ import annotations

import base64
import hashlib
import os
from pathlib import Path

from cryptography.fernet import Fernet, InvalidToken

from correspondent.config import Settings
from correspondent.domain.errors import CorrespondentError


class SecretUnreadable(CorrespondentError):
    """A stored secret cannot be decrypted with the current key."""


class SecretBox:
    """Encrypts and decrypts short secrets with one key."""

    def __init__(self, key: bytes) -> None:
        self._fernet = Fernet(key)

    @classmethod
    def from_text(cls, secret_key: str) -> SecretBox:
        digest = hashlib.sha256(secret_key.encode("utf-8")).digest()
        return cls(base64.urlsafe_b64encode(digest))

    @classmethod
    def for_settings(cls, settings: Settings) -> SecretBox:
        if settings.secret_key:
            return cls.from_text(settings.secret_key)
        return cls(_key_file(settings.data_dir / "secret.key"))

    def encrypt(self, plain: str) -> str:
        return self._fernet.encrypt(plain.encode("utf-8")).decode("ascii")

    def decrypt(self, token: str) -> str:
        try:
            return self._fernet.decrypt(token.encode("ascii")).decode("utf-8")
        except (InvalidToken, ValueError) as error:
            raise SecretUnreadable(
                "The stored mailbox password cannot be decrypted (was the secret key changed?); "
                "enter it again with 'correspondent mailbox add'."
            ) from error


def installation_secret(settings: Settings) -> bytes:
    """The installation's secret as bytes, for deriving keys of other purposes from it
    (``CORRESPONDENT_SECRET_KEY``, else the key file, as for the mailbox secrets)."""
    if settings.secret_key:
        return settings.secret_key.encode("utf-8")
    return _key_file(settings.data_dir / "secret.key")


def _key_file(path: Path) -> bytes:
    """Read the key file, creating it with rights 0600 when absent (atomic: link a temp file)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    if not path.exists():
        temp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
        descriptor = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(Fernet.generate_key() + b"\n")
        try:
            os.link(temp, path)
        except FileExistsError:
            pass  # another process created it first; use theirs
        finally:
            temp.unlink()
    return path.read_bytes().strip()
