"""The read-only unit of work that authentication and the timeline use (both backends)."""

from __future__ import annotations

from typing import Any

import pytest
import sqlalchemy as sa

from correspondent.bootstrap import Installation
from correspondent.storage.tables import business_units
from tests.builders import add_user


def _ends(installation: Installation) -> tuple[list[str], Any, Any]:
    seen: list[str] = []

    def commit(*_args: Any) -> None:
        seen.append("commit")

    def rollback(*_args: Any) -> None:
        seen.append("rollback")

    return seen, commit, rollback


def test_a_read_only_unit_ends_with_commit_and_an_error_still_rolls_back(
    installation: Installation,
) -> None:
    # psycopg discards its prepared statements on every ROLLBACK; a read that ends with one
    # plans its statements afresh on every request.
    user = add_user(installation)
    seen, commit, rollback = _ends(installation)
    sa.event.listen(installation.engine, "commit", commit)
    sa.event.listen(installation.engine, "rollback", rollback)
    try:
        with installation.uow.read_only() as uow:
            assert uow.directory.user(user.id) is not None
        assert seen == ["commit"]
        seen.clear()
        with pytest.raises(LookupError), installation.uow.read_only() as uow:
            uow.directory.user(user.id)
            raise LookupError("a service failing half-way")
        assert seen == ["rollback"]
    finally:
        sa.event.remove(installation.engine, "commit", commit)
        sa.event.remove(installation.engine, "rollback", rollback)


def test_a_write_in_a_read_only_unit_fails_on_postgresql_and_stores_nothing(
    installation: Installation, backend: str
) -> None:
    if backend != "postgresql":
        pytest.skip("SQLite has no read-only transactions; the commit-on-exit is PostgreSQL's")
    read_only = installation.uow.read_only()
    with pytest.raises(sa.exc.InternalError, match="read-only transaction"), read_only as uow:
        uow.directory.conn.execute(sa.insert(business_units).values(name="Sneaky"))
    with installation.uow() as uow:
        names = uow.directory.conn.execute(sa.select(business_units.c.name)).scalars().all()
    assert "Sneaky" not in names
