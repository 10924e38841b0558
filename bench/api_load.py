"""HTTP API throughput and latency: ``POST /track`` and a record timeline, over loopback.

Run on demand (never as a test):

    uv run python -m bench.api_load [--activities 100000] [--duration 20] [--connections 1,4,8]

It (re)creates the PostgreSQL database ``correspondent_bench_api`` on 127.0.0.1:5432 (user
postgres, trust auth), seeds users, accounts, contacts and N activities with bulk INSERTs (not
through the tracking pipeline, which would take far longer), starts two uvicorn workers on
127.0.0.1 through ``correspondent.api.server`` (so connections get ``TCP_NODELAY``), and drives
them with ``wrk`` (Debian package ``wrk``) over keep-alive connections, once per connection
count, using Lua scripts that vary the account of each timeline read and make every tracked
message unique. p50/p95/p99 and requests per second come from wrk's own latency histogram.
"""

from __future__ import annotations

import argparse
import os
import random
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import sqlalchemy as sa

from correspondent.domain.access import OPERATOR
from correspondent.domain.activity import content_digest
from correspondent.services import auth
from correspondent.storage.blobs import FileBlobStore
from correspondent.storage.engine import create_database_engine
from correspondent.storage.migrate import upgrade_to_head
from correspondent.storage.tables import (
    activities,
    activity_parties,
    activity_trackers,
    blobs,
    business_units,
    email_addresses,
    records,
    users,
)
from correspondent.storage.unit_of_work import SqlUnitOfWorkFactory

ADMIN_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
DB_NAME = "correspondent_bench_api"
PORT = 8765
UNITS, USERS_PER_UNIT, ACCOUNTS, CONTACTS_PER_ACCOUNT = 4, 10, 1000, 3
LUA_REPORT = """
done = function(summary, latency, requests)
  io.write(string.format("RESULT requests=%d duration_s=%.2f rps=%.1f errors=%d "
    .. "p50_ms=%.2f p95_ms=%.2f p99_ms=%.2f\\n", summary.requests, summary.duration / 1e6,
    summary.requests / (summary.duration / 1e6),
    summary.errors.status + summary.errors.connect + summary.errors.read
      + summary.errors.write + summary.errors.timeout,
    latency:percentile(50) / 1000, latency:percentile(95) / 1000,
    latency:percentile(99) / 1000))
end
"""


def recreate_database() -> str:
    admin = sa.create_engine(ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{DB_NAME}" WITH (FORCE)')
        conn.exec_driver_sql(f'CREATE DATABASE "{DB_NAME}"')
    admin.dispose()
    return ADMIN_URL.rsplit("/", 1)[0] + f"/{DB_NAME}"


def plain_text(i: int) -> tuple[str, str]:
    return f"Subject {i}", "Hello."


def seed(
    url: str,
    data_dir: Path,
    n_activities: int,
    texts: Callable[[int], tuple[str, str]] = plain_text,
) -> tuple[list[int], str]:
    """Bulk-insert the organisation; return account ids and a sales manager's API token.

    ``texts(i)`` gives activity ``i``'s subject and body text."""
    engine = create_database_engine(url)
    upgrade_to_head(engine)
    now = datetime.now(UTC)
    raw = b"From: a@example.org\r\nSubject: bench\r\nMessage-ID: <bench@x>\r\n\r\nHello.\r\n"
    digest = content_digest(raw)
    FileBlobStore(data_dir / "blobs").put(digest, raw)
    rng = random.Random(7)
    with engine.begin() as conn:
        conn.execute(
            sa.insert(business_units), [{"id": u, "name": f"Unit {u}"} for u in range(1, UNITS + 1)]
        )
        user_rows = [
            {
                "id": i,
                "email": f"user{i}@ourco.example",
                "name": f"User {i}",
                "business_unit_id": (i - 1) // USERS_PER_UNIT + 1,
                "roles": ["sales_manager" if i % USERS_PER_UNIT == 1 else "salesperson"],
                "active": True,
                "email_approved": True,
                "created_at": now,
                "modified_at": now,
            }
            for i in range(1, UNITS * USERS_PER_UNIT + 1)
        ]
        conn.execute(sa.insert(users), user_rows)
        n_users = len(user_rows)
        record_rows: list[dict[str, object]] = []
        address_rows: list[dict[str, object]] = []
        account_ids: list[int] = []
        contacts_of: dict[int, list[int]] = {}
        next_id = 1
        for _ in range(ACCOUNTS):
            owner = rng.randint(1, n_users)
            unit = (owner - 1) // USERS_PER_UNIT + 1
            account_id, next_id = next_id, next_id + 1
            account_ids.append(account_id)
            record_rows.append(
                _record(account_id, "account", {"name": f"Account {account_id}"}, owner, unit, now)
            )
            contacts_of[account_id] = []
            for _ in range(CONTACTS_PER_ACCOUNT):
                contact_id, next_id = next_id, next_id + 1
                contacts_of[account_id].append(contact_id)
                fields = {"last_name": f"Contact {contact_id}", "account": account_id}
                record_rows.append(_record(contact_id, "contact", fields, owner, unit, now))
                address_rows.append(
                    {
                        "address": f"c{contact_id}@cust.example",
                        "record_id": contact_id,
                        "position": 0,
                    }
                )
        conn.execute(sa.insert(records), record_rows)
        conn.execute(sa.insert(email_addresses), address_rows)
        conn.execute(sa.insert(blobs).values(hash=digest, size=len(raw), refs=n_activities))
        for table in ("business_units", "users", "records"):
            conn.exec_driver_sql(f"SELECT setval('{table}_id_seq', (SELECT max(id) FROM {table}))")
    for start in range(1, n_activities + 1, 10_000):
        rows, parties, trackers = [], [], []
        for i in range(start, min(start + 10_000, n_activities + 1)):
            account = rng.choice(account_ids)
            contact = rng.choice(contacts_of[account])
            owner = rng.randint(1, n_users)
            sent = now - timedelta(minutes=n_activities - i)
            regarding = ("account", account) if i % 2 else (None, None)
            subject, body = texts(i)
            rows.append(
                {
                    "id": i,
                    "identity_key": f"bench-{i}@x|incoming",
                    "message_id": f"bench-{i}@x",
                    "direction": "incoming",
                    "subject": subject,
                    "normalised_subject": subject.lower()[:400],
                    "sent_at": sent,
                    "in_reply_to": None,
                    "references": [],
                    "html_body": None,
                    "text_body": body,
                    "raw_blob_hash": digest,
                    "raw_size": len(raw),
                    "owner_id": owner,
                    "regarding_type": regarding[0],
                    "regarding_id": regarding[1],
                    "status": "tracked",
                    "parent_id": None,
                    "correlation_method": None,
                    "created_at": sent,
                    "modified_at": sent,
                }
            )
            parties.append(
                {
                    "activity_id": i,
                    "role": "from",
                    "address": f"c{contact}@cust.example",
                    "display_name": "",
                    "record_type": "contact",
                    "record_id": contact,
                    "method": "unique_match",
                }
            )
            parties.append(
                {
                    "activity_id": i,
                    "role": "to",
                    "address": f"user{owner}@ourco.example",
                    "display_name": "",
                    "record_type": "user",
                    "record_id": owner,
                    "method": "unique_match",
                }
            )
            trackers.append(
                {"activity_id": i, "user_id": owner, "source": "manual", "tracked_at": sent}
            )
        with engine.begin() as conn:
            conn.execute(sa.insert(activities), rows)
            conn.execute(sa.insert(activity_parties), parties)
            conn.execute(sa.insert(activity_trackers), trackers)
    with engine.begin() as conn:
        conn.exec_driver_sql("SELECT setval('activities_id_seq', (SELECT max(id) FROM activities))")
        conn.exec_driver_sql("ANALYZE")
    token = auth.create_token(
        SqlUnitOfWorkFactory(engine), OPERATOR, "user1@ourco.example", "bench"
    ).token
    engine.dispose()
    return account_ids, token


def _record(
    rid: int, kind: str, fields: dict[str, object], owner: int, unit: int, now: datetime
) -> dict[str, object]:
    name = str(fields.get("name") or fields.get("last_name"))
    return {
        "id": rid,
        "type": kind,
        "name": name,
        "owner_id": owner,
        "business_unit_id": unit,
        "active": True,
        "fields": fields,
        "created_at": now,
        "modified_at": now,
    }


def start_server(url: str, data_dir: Path) -> subprocess.Popen[bytes]:
    """Two uvicorn workers behind ``correspondent.api.server`` (not ``uvicorn --workers``).

    ``uvicorn --workers 2`` binds a listener whose connections never get ``TCP_NODELAY``, which
    adds about 40 ms to every keep-alive request after the first (see that module).
    """
    env = {**os.environ, "CORRESPONDENT_DATABASE_URL": url, "CORRESPONDENT_DATA_DIR": str(data_dir)}
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "correspondent.api.server",
            "--factory",
            "correspondent.api.asgi:app",
            "--host",
            "127.0.0.1",
            "--port",
            str(PORT),
            "--workers",
            "2",
            "--log-level",
            "warning",
            "--no-access-log",
        ],
        env=env,
    )
    for _ in range(100):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{PORT}/health", timeout=1)
            return server
        except OSError:
            time.sleep(0.2)
    server.terminate()
    raise RuntimeError("uvicorn did not answer /health")


def run_wrk(script: str, path: str, duration: int, connections: int) -> str:
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as handle:
        handle.write(script + LUA_REPORT)
    out = subprocess.run(
        [
            "wrk",
            f"-t{min(2, connections)}",
            f"-c{connections}",
            f"-d{duration}s",
            "-s",
            handle.name,
            f"http://127.0.0.1:{PORT}{path}",
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return next(line for line in out.splitlines() if line.startswith("RESULT"))


def timeline_script(token: str, account_ids: list[int]) -> str:
    ids = ",".join(str(i) for i in account_ids)
    return f"""
local ids = {{{ids}}}
wrk.headers["Authorization"] = "Bearer {token}"
request = function()
  local path = "/api/v1/records/account/" .. ids[math.random(#ids)] .. "/timeline?limit=50"
  return wrk.format("GET", path)
end
"""


def track_script(token: str) -> str:
    return f"""
local counter = 0
local tag = tostring(math.random(1, 1e9))
wrk.method = "POST"
wrk.headers["Authorization"] = "Bearer {token}"
wrk.headers["Content-Type"] = "message/rfc822"
request = function()
  counter = counter + 1
  local body = "From: Customer <c2@cust.example>\\r\\nTo: user1@ourco.example\\r\\n"
    .. "Subject: Order " .. counter .. "\\r\\nDate: Mon, 2 Feb 2026 10:00:00 +0000\\r\\n"
    .. "Message-ID: <load-" .. tag .. "-" .. counter .. "@cust.example>\\r\\n"
    .. "Content-Type: text/plain; charset=utf-8\\r\\n\\r\\nPlease send the quote.\\r\\n"
  return wrk.format(nil, "/api/v1/track", nil, body)
end
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--activities", type=int, default=100_000)
    parser.add_argument("--duration", type=int, default=20)
    parser.add_argument(
        "--connections",
        type=lambda text: [int(n) for n in text.split(",")],
        default=[1, 4, 8],
        help="comma-separated keep-alive connection counts, one wrk run each (default 1,4,8)",
    )
    args = parser.parse_args()
    data_dir = Path(tempfile.mkdtemp(prefix="bench-api-"))
    url = recreate_database()
    started = time.perf_counter()
    account_ids, token = seed(url, data_dir, args.activities)
    print(
        f"seeded {args.activities} activities in {time.perf_counter() - started:.1f} s", flush=True
    )
    server = start_server(url, data_dir)
    try:
        runs = (
            ("timeline  ", timeline_script(token, account_ids), "/"),
            ("POST track", track_script(token), "/api/v1/track"),
        )
        for label, script, path in runs:
            for connections in args.connections:
                result = run_wrk(script, path, args.duration, connections)
                print(f"{label} c={connections}", result, flush=True)
    finally:
        server.terminate()
        server.wait(timeout=30)


if __name__ == "__main__":
    main()
