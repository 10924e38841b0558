"""Shared fixtures: installations on SQLite and PostgreSQL, users, and the CLI runner.

Integration tests that take ``installation`` run once per database backend. PostgreSQL is the
machine's server (``CORRESPONDENT_TEST_POSTGRES_URL``, default the trust-auth ``test`` database on
127.0.0.1); each xdist worker gets its own database, emptied between tests. In CI a missing server
is a failure, never a skip.
"""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa

from correspondent.bootstrap import Installation, build
from correspondent.config import Settings
from correspondent.storage.engine import create_database_engine
from correspondent.storage.migrate import upgrade_to_head
from correspondent.storage.tables import metadata

pytest_plugins = (
    ["tests.support.fixtures"]
    if (Path(__file__).parent / "support" / "fixtures.py").exists()
    else []
)

ADMIN_URL = os.environ.get(
    "CORRESPONDENT_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)
BACKENDS = os.environ.get("CORRESPONDENT_TEST_BACKENDS", "sqlite,postgresql").split(",")


def _worker() -> str:
    return os.environ.get("PYTEST_XDIST_WORKER", "main")


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One migrated SQLite file; each test gets a copy (cheaper than migrating every time)."""
    path = tmp_path_factory.mktemp("sqlite-template") / "template.sqlite3"
    engine = create_database_engine(f"sqlite:///{path}")
    upgrade_to_head(engine)
    engine.dispose()  # the last connection to close checkpoints the WAL into the main file
    assert not path.with_name(path.name + "-wal").exists()
    return path


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    name = f"correspondent_test_{_worker()}_{uuid.uuid4().hex[:8]}"
    admin = sa.create_engine(ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
    url = ADMIN_URL.rsplit("/", 1)[0] + f"/{name}"
    engine = create_database_engine(url)
    upgrade_to_head(engine)
    engine.dispose()
    yield url
    with admin.connect() as conn:
        conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    admin.dispose()


def _empty_postgres(url: str) -> None:
    engine = create_database_engine(url)
    tables = ", ".join(f'"{t.name}"' for t in metadata.sorted_tables)
    with engine.begin() as conn:
        conn.exec_driver_sql(f"TRUNCATE {tables} RESTART IDENTITY CASCADE")
    engine.dispose()


@pytest.fixture(params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def database_url(backend: str, tmp_path: Path, request: pytest.FixtureRequest) -> str:
    if backend == "sqlite":
        template: Path = request.getfixturevalue("sqlite_template")
        target = tmp_path / "correspondent.sqlite3"
        shutil.copyfile(template, target)
        return f"sqlite:///{target}"
    url: str = request.getfixturevalue("postgres_url")
    _empty_postgres(url)
    return url


@pytest.fixture
def installation(database_url: str, tmp_path: Path) -> Iterator[Installation]:
    inst = build(Settings(data_dir=tmp_path / "data", database_url=database_url))
    yield inst
    inst.close()
