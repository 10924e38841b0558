"""The SQL unit of work: one transaction, the repositories bound to it, explicit commit.

Anything not committed when the ``with`` block ends is rolled back, so a service that raises
half-way leaves no trace.
"""

from __future__ import annotations

from types import TracebackType

from sqlalchemy.engine import Connection, Engine, RootTransaction
from sqlalchemy.exc import DBAPIError

from correspondent.domain.errors import TransientConflict
from correspondent.storage.access_repository import AccessRepository
from correspondent.storage.activities import ActivityRepository
from correspondent.storage.auth_repository import AuthRepository
from correspondent.storage.blob_references import BlobReferenceRepository
from correspondent.storage.directory import DirectoryRepository
from correspondent.storage.engine import READ_ONLY_OPTION
from correspondent.storage.listing import ListingRepository
from correspondent.storage.mailbox_repository import MailboxRepository
from correspondent.storage.quarantine_repository import QuarantineRepository
from correspondent.storage.settings_repository import SettingsRepository

_TRANSIENT_SQLSTATES = {"40P01", "40001"}  # deadlock detected, serialization failure


def _is_transient_conflict(error: DBAPIError) -> bool:
    return getattr(error.orig, "sqlstate", None) in _TRANSIENT_SQLSTATES


class SqlUnitOfWork:
    directory: DirectoryRepository
    activities: ActivityRepository
    settings: SettingsRepository
    blob_refs: BlobReferenceRepository
    quarantine: QuarantineRepository
    access: AccessRepository
    auth: AuthRepository
    listing: ListingRepository
    mailboxes: MailboxRepository

    def __init__(self, engine: Engine, *, read_only: bool = False) -> None:
        self._engine = engine
        self._read_only = read_only
        self._conn: Connection | None = None
        self._tx: RootTransaction | None = None

    def __enter__(self) -> SqlUnitOfWork:
        self._conn = self._engine.connect()
        if self._read_only:
            # A write in here fails instead of being committed on the way out: BEGIN READ ONLY
            # on PostgreSQL, PRAGMA query_only on SQLite (see storage.engine).
            if self._conn.dialect.name == "postgresql":
                self._conn = self._conn.execution_options(postgresql_readonly=True)
            else:
                self._conn = self._conn.execution_options(**{READ_ONLY_OPTION: True})
        self._tx = self._conn.begin()
        self.directory = DirectoryRepository(self._conn)
        self.activities = ActivityRepository(self._conn)
        self.settings = SettingsRepository(self._conn)
        self.blob_refs = BlobReferenceRepository(self._conn)
        self.quarantine = QuarantineRepository(self._conn)
        self.access = AccessRepository(self._conn)
        self.auth = AuthRepository(self._conn)
        self.listing = ListingRepository(self._conn)
        self.mailboxes = MailboxRepository(self._conn)
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        try:
            if self._tx is not None and self._tx.is_active:
                # A read-only unit ends with COMMIT, which PostgreSQL makes as cheap as ROLLBACK:
                # psycopg forgets its prepared statements on every ROLLBACK, and the reads on
                # every request are worth keeping prepared (their planning costs ~0.6 ms). Also
                # when a service refused something (a bad token): only a database error, which
                # may have aborted the transaction, needs the ROLLBACK.
                if self._read_only and not isinstance(exc, DBAPIError):
                    self._tx.commit()
                else:
                    self._tx.rollback()
        finally:
            if self._conn is not None:
                self._conn.close()
            self._conn = self._tx = None
        if isinstance(exc, DBAPIError) and _is_transient_conflict(exc):
            raise TransientConflict(
                "Another transaction got in the way (deadlock or serialisation failure); "
                "nothing was stored, and trying again will work."
            ) from exc

    def commit(self) -> None:
        assert self._tx is not None, "commit() outside 'with'"
        self.activities.flush()
        self._tx.commit()

    def rollback(self) -> None:
        assert self._tx is not None, "rollback() outside 'with'"
        self._tx.rollback()


class SqlUnitOfWorkFactory:
    """Creates a fresh unit of work per use; passed to services."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def __call__(self) -> SqlUnitOfWork:
        return SqlUnitOfWork(self.engine)

    def read_only(self) -> SqlUnitOfWork:
        """A unit of work for reads only (on PostgreSQL a write in it raises)."""
        return SqlUnitOfWork(self.engine, read_only=True)
