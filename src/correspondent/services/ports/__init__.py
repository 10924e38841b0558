"""What the services need from the outside world, as Protocols.

Services are written against these, not against SQLAlchemy or the file system: the storage
package provides the real implementations (``storage.unit_of_work``), and the unit tests an
in-memory fake (``tests/fakes.py``).
"""

from __future__ import annotations

from collections.abc import Callable
from types import TracebackType
from typing import Protocol

from correspondent.services.ports.access import AccessRepository, AuthRepository
from correspondent.services.ports.activities import ActivityRepository, ListingRepository
from correspondent.services.ports.blobs import (
    BlobReferenceRepository,
    BlobStore,
    QuarantineRepository,
    SweepableBlobStore,
)
from correspondent.services.ports.directory import DirectoryRepository, SettingsRepository
from correspondent.services.ports.mailboxes import (
    MailboxMessageRepository,
    MailboxRepository,
    MailServer,
    MailServerSession,
    SecretSealer,
)

__all__ = [
    "AccessRepository",
    "ActivityRepository",
    "AuthRepository",
    "BlobReferenceRepository",
    "BlobStore",
    "DirectoryRepository",
    "ListingRepository",
    "MailServer",
    "MailServerSession",
    "MailboxMessageRepository",
    "MailboxRepository",
    "QuarantineRepository",
    "SecretSealer",
    "SettingsRepository",
    "SweepableBlobStore",
    "UnitOfWork",
    "UnitOfWorkFactory",
]


class UnitOfWork(Protocol):
    """One transaction and the repositories bound to it; nothing stays unless ``commit``."""

    # Read-only properties: a Protocol's plain attributes would demand these exact types.
    @property
    def directory(self) -> DirectoryRepository: ...

    @property
    def activities(self) -> ActivityRepository: ...

    @property
    def settings(self) -> SettingsRepository: ...

    @property
    def blob_refs(self) -> BlobReferenceRepository: ...

    @property
    def quarantine(self) -> QuarantineRepository: ...

    @property
    def access(self) -> AccessRepository: ...

    @property
    def auth(self) -> AuthRepository: ...

    @property
    def listing(self) -> ListingRepository: ...

    @property
    def mailboxes(self) -> MailboxRepository: ...

    def __enter__(self) -> UnitOfWork: ...

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None: ...

    def commit(self) -> None: ...

    def rollback(self) -> None: ...


UnitOfWorkFactory = Callable[[], UnitOfWork]
