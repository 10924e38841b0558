"""Storing many blobs at once: every file durable and complete, errors not lost."""

from __future__ import annotations

import hashlib
import os
import threading
from pathlib import Path

import pytest

from correspondent.storage.blobs import FileBlobStore


def _items(count: int) -> dict[str, bytes]:
    datas = [os.urandom(1000 + i) for i in range(count)]
    return {hashlib.sha256(d).hexdigest(): d for d in datas}


def test_put_many_writes_and_fsyncs_every_file_in_parallel(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = FileBlobStore(tmp_path / "blobs")
    items = _items(24)
    synced: list[int] = []
    threads: set[str] = set()
    real_fsync = os.fsync

    def counting_fsync(fd: int) -> None:
        synced.append(fd)
        threads.add(threading.current_thread().name)
        real_fsync(fd)

    monkeypatch.setattr(os, "fsync", counting_fsync)
    store.put_many(items)
    assert len(synced) == len(items)
    assert len(threads) > 1, threads
    for digest, data in items.items():
        assert store.get(digest) == data
    assert not list((tmp_path / "blobs").glob("??/??/.tmp-*"))


def test_put_many_raises_a_failed_write_after_the_others_finished(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = FileBlobStore(tmp_path / "blobs")
    items = _items(10)
    broken = sorted(items)[3]
    real_replace = os.replace

    def failing_replace(src: str, dst: str | Path) -> None:
        if Path(dst).name == broken:
            raise OSError(28, "No space left on device")
        real_replace(src, dst)

    monkeypatch.setattr(os, "replace", failing_replace)
    with pytest.raises(OSError, match="No space left"):
        store.put_many(items)
    for digest, data in items.items():
        if digest != broken:
            assert store.get(digest) == data
    assert not store.exists(broken)
    assert not list((tmp_path / "blobs").glob("??/??/.tmp-*"))
