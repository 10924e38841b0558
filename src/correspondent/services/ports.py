"""What the services need from the outside world, as Protocols.

Services are written against these, not against SQLAlchemy or the file system; the storage
package provides the real implementations and tests may provide others.
"""

from __future__ import annotations

from collections.abc import Callable
from types import TracebackType
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    # Repository interfaces are described by the storage classes' public methods; the services
    # only reach them through the unit of work below.
    from correspondent.storage.access_repository import AccessRepository
    from correspondent.storage.activities import ActivityRepository
    from correspondent.storage.auth_repository import AuthRepository
    from correspondent.storage.directory import DirectoryRepository
    from correspondent.storage.listing import ListingRepository
    from correspondent.storage.mailbox_repository import MailboxRepository
    from correspondent.storage.misc import (
        BlobReferenceRepository,
        QuarantineRepository,
        SettingsRepository,
    )


class UnitOfWork(Protocol):
    directory: DirectoryRepository
    activities: ActivityRepository
    settings: SettingsRepository
    blob_refs: BlobReferenceRepository
    quarantine: QuarantineRepository
    access: AccessRepository
    auth: AuthRepository
    listing: ListingRepository
    mailboxes: MailboxRepository

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


class BlobStore(Protocol):
    def put(self, digest: str, data: bytes) -> None: ...

    def get(self, digest: str) -> bytes: ...

    def exists(self, digest: str) -> bool: ...

    def delete(self, digest: str) -> None: ...


class SweepableBlobStore(BlobStore, Protocol):
    def digests_older_than(self, seconds: float) -> list[str]: ...
