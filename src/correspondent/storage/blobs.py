"""The content-addressed blob store: raw messages and attachment files, each stored once.

Files live under ``<data dir>/blobs/ab/cd/<sha256>``. Which blobs are still needed is decided in
the database (table ``blobs``, a reference count changed in the same transaction as the rows that
use them); this class only reads and writes files. A file is written after its reference row is
locked and before the transaction commits, and deleted only while the row that says it is unused
is locked, so a concurrent writer of the same content cannot lose it.
"""

from __future__ import annotations

import os
import tempfile
import threading
import time
from collections.abc import Mapping
from concurrent.futures import ThreadPoolExecutor, wait
from pathlib import Path

from correspondent.domain.errors import CorrespondentError


class BlobMissing(CorrespondentError):
    """A blob the database refers to is not in the store (the data dir was damaged)."""


_WRITERS = 8
"""Threads that write (and fsync) the files of one ``put_many`` at the same time."""
_pool: ThreadPoolExecutor | None = None
_pool_lock = threading.Lock()


def _writers() -> ThreadPoolExecutor:
    global _pool
    with _pool_lock:
        if _pool is None:
            _pool = ThreadPoolExecutor(_WRITERS, thread_name_prefix="blob-writer")
        return _pool


class FileBlobStore:
    def __init__(self, root: Path) -> None:
        self.root = root
        root.mkdir(parents=True, exist_ok=True)
        self._known_dirs: set[Path] = set()

    def path_for(self, digest: str) -> Path:
        return self.root / digest[:2] / digest[2:4] / digest

    def put(self, digest: str, data: bytes) -> None:
        """Store ``data`` under ``digest`` (already computed by the caller) if not yet there."""
        path = self.path_for(digest)
        if path.exists():
            return
        if path.parent not in self._known_dirs:
            # A failed mkdir (EEXIST) costs more than the write itself; remember what exists.
            path.parent.mkdir(parents=True, exist_ok=True)
            self._known_dirs.add(path.parent)
        fd, tmp_name = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(data)
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(tmp_name, path)
        except BaseException:
            Path(tmp_name).unlink(missing_ok=True)
            raise

    def put_many(self, items: Mapping[str, bytes]) -> None:
        """``put`` every item, the files written in parallel threads; each is fsynced before
        this returns, as with ``put``.

        One fsync after another waits for one journal commit each (about 3 ms here); the file
        system commits concurrent fsyncs together, so eight writers store a batch's files about
        ten times faster. All writes finish before the first error (if any) is raised.
        """
        if len(items) <= 1:
            for digest, data in items.items():
                self.put(digest, data)
            return
        futures = [_writers().submit(self.put, digest, data) for digest, data in items.items()]
        wait(futures)
        for future in futures:
            future.result()

    def get(self, digest: str) -> bytes:
        try:
            return self.path_for(digest).read_bytes()
        except FileNotFoundError:
            raise BlobMissing(f"Blob {digest} is missing from {self.root}.") from None

    def exists(self, digest: str) -> bool:
        return self.path_for(digest).exists()

    def delete(self, digest: str) -> None:
        if digest.startswith(".tmp-"):  # an abandoned temp file, named as it lies on disk
            for path in self.root.glob(f"??/??/{digest}"):
                path.unlink(missing_ok=True)
            return
        self.path_for(digest).unlink(missing_ok=True)

    def digests_older_than(self, seconds: float) -> list[str]:
        """Blobs (and abandoned temp files) whose files were last written over ``seconds`` ago."""
        limit = time.time() - seconds
        return [p.name for p in self.root.glob("??/??/*") if p.stat().st_mtime < limit]

    def all_digests(self) -> list[str]:
        return [p.name for p in self.root.glob("??/??/*") if not p.name.startswith(".tmp-")]
