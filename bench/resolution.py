"""Party resolution with 1,000,000 contacts: a 10-address message on SQLite and PostgreSQL.

Run: ``uv run python -m bench.resolution [--contacts N]``. Loads N contacts with one address each
(bulk SQL; COPY on PostgreSQL), then times the full resolution step of tracking — the indexed
candidate look-up plus the rules — for messages of 10 addresses (7 known, 3 unknown).
"""

from __future__ import annotations

import argparse
import io
import random
import time

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from bench.common import machine, postgres_database, sqlite_path, summarise_ms
from correspondent.domain.activity import PartyRole
from correspondent.domain.resolution import AddressToResolve, ResolutionRules, resolve_parties
from correspondent.storage.engine import create_database_engine
from correspondent.storage.migrate import upgrade_to_head
from correspondent.storage.tables import business_units, email_addresses, records, users
from correspondent.storage.unit_of_work import SqlUnitOfWork

RUNS = 500


def _seed_base(engine: Engine) -> None:
    with engine.begin() as conn:
        conn.execute(sa.insert(business_units).values(id=1, name="Head office"))
        conn.execute(
            sa.insert(users).values(
                id=1,
                email="owner@ourco.example",
                name="Owner",
                business_unit_id=1,
                roles=[],
                active=True,
                email_approved=True,
            )
        )


def load_sqlite(engine: Engine, count: int) -> None:
    _seed_base(engine)
    batch = 50_000
    with engine.begin() as conn:
        for start in range(0, count, batch):
            ids = range(start + 1, min(start + batch, count) + 1)
            conn.execute(
                sa.insert(records),
                [
                    {
                        "id": i,
                        "type": "contact",
                        "name": f"Contact {i}",
                        "owner_id": 1,
                        "business_unit_id": 1,
                        "active": True,
                        "fields": {"last_name": f"C{i}"},
                    }
                    for i in ids
                ],
            )
            conn.execute(
                sa.insert(email_addresses),
                [
                    {
                        "address": f"contact{i}@customer{i % 5000}.example",
                        "record_id": i,
                        "position": 0,
                    }
                    for i in ids
                ],
            )


def load_postgres(engine: Engine, count: int) -> None:
    _seed_base(engine)
    raw = engine.raw_connection()
    try:
        cursor = raw.cursor()
        now = "2026-01-01 00:00:00+00"
        with cursor.copy(
            "COPY records (id, type, name, owner_id, business_unit_id, active, "  # type: ignore[attr-defined]
            "fields, created_at, modified_at) FROM STDIN"
        ) as copy:
            buffer = io.StringIO()
            for i in range(1, count + 1):
                buffer.write(
                    f'{i}\tcontact\tContact {i}\t1\t1\tt\t{{"last_name": "C{i}"}}\t{now}\t{now}\n'
                )
                if i % 100_000 == 0:
                    copy.write(buffer.getvalue())
                    buffer = io.StringIO()
            copy.write(buffer.getvalue())
        with cursor.copy(
            "COPY email_addresses (address, record_id, position) "  # type: ignore[attr-defined]
            "FROM STDIN"
        ) as copy:
            buffer = io.StringIO()
            for i in range(1, count + 1):
                buffer.write(f"contact{i}@customer{i % 5000}.example\t{i}\t0\n")
                if i % 100_000 == 0:
                    copy.write(buffer.getvalue())
                    buffer = io.StringIO()
            copy.write(buffer.getvalue())
        cursor.execute("SELECT setval('records_id_seq', %s)", (count,))
        cursor.execute("ANALYZE")
        raw.commit()
    finally:
        raw.close()


def measure(engine: Engine, count: int) -> list[float]:
    rng = random.Random(7)
    samples = []
    for _ in range(RUNS):
        known = []
        for _ in range(7):
            i = rng.randint(1, count)
            known.append(f"contact{i}@customer{i % 5000}.example")
        unknown = [f"nobody{rng.randint(1, 10**9)}@else.example" for _ in range(3)]
        items = [
            AddressToResolve(PartyRole.FROM if n == 0 else PartyRole.TO, a, "")
            for n, a in enumerate(known + unknown)
        ]
        started = time.perf_counter()
        with SqlUnitOfWork(engine) as uow:
            candidates = uow.directory.candidates(i.address for i in items)
            parties = resolve_parties(
                items, candidates, tracking_user_id=1, rules=ResolutionRules()
            )
        samples.append(time.perf_counter() - started)
        assert sum(1 for p in parties if p.record) == 7
    return samples


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--contacts", type=int, default=1_000_000)
    args = parser.parse_args()
    print(f"Party resolution, {args.contacts:,} contacts, 10 addresses per message ({machine()})")
    path = sqlite_path("resolution.sqlite3")
    engine = create_database_engine(f"sqlite:///{path}")
    upgrade_to_head(engine)
    started = time.perf_counter()
    load_sqlite(engine, args.contacts)
    print(f"  SQLite loaded in {time.perf_counter() - started:.1f} s")
    print(f"  SQLite:     {summarise_ms(measure(engine, args.contacts))}")
    engine.dispose()
    with postgres_database("correspondent_bench_resolution") as url:
        engine = create_database_engine(url)
        upgrade_to_head(engine)
        started = time.perf_counter()
        load_postgres(engine, args.contacts)
        print(f"  PostgreSQL loaded in {time.perf_counter() - started:.1f} s")
        print(f"  PostgreSQL: {summarise_ms(measure(engine, args.contacts))}")
        engine.dispose()


if __name__ == "__main__":
    main()
