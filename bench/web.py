"""Web app server time at 100,000 activities on PostgreSQL: activity page, record page, search.

Run on demand (never as a test):

    make bench BENCH=web BENCH_ARGS="--activities 100000 --duration 15 --connections 1,8"

It (re)creates the PostgreSQL database ``correspondent_bench_api`` and seeds it as
``bench.api_load`` does (bulk INSERTs through the storage tables, not 100,000 HTTP calls), with
subjects and bodies that mix English words and Japanese phrases so the search has something to
find; the search indexes of migration 0007 are maintained by the database while the rows go in.
It signs a sales manager in (a real browser session), starts two workers through
``correspondent.api.server`` and drives them with ``wrk`` (Debian package) over keep-alive
connections: the tracking pane (``/activities/{id}``, a random activity the manager may read),
a record page with its email timeline (``/records/account/{id}``) and the search page
(``/search?q=``, a random word of the seeded text). p95 is wrk's latency histogram over loopback.
Last, the first visit's JavaScript and CSS: every script and stylesheet the pages reference,
fetched once as a browser would (``Accept-Encoding: gzip, br``), counted as sent on the wire and
as gzip would compress it.
"""

from __future__ import annotations

import argparse
import gzip
import random
import re
import tempfile
import time
import urllib.request
from pathlib import Path

import sqlalchemy as sa

from bench.api_load import (
    ADMIN_URL,
    DB_NAME,
    PORT,
    recreate_database,
    run_wrk,
    seed,
    start_server,
)
from bench.common import machine
from correspondent.domain.access import OPERATOR
from correspondent.services import auth
from correspondent.storage.engine import create_database_engine
from correspondent.storage.tables import activities, records, users
from correspondent.storage.unit_of_work import SqlUnitOfWorkFactory

BASE = f"http://127.0.0.1:{PORT}"
WORDS = [f"item{k:03d}" for k in range(1000)]
JAPANESE = [
    "見積書の送付",
    "打ち合わせの日程",
    "請求書の再発行",
    "納品予定のご連絡",
    "契約更新のお知らせ",
    "出荷遅延のお詫び",
    "新製品のご案内",
    "定例会議の議事録",
]
SEARCHES = [*WORDS[:200], "見積書", "打ち合わせ", "請求書", "納品予定", "議事録", "出荷遅延"]
MANAGER, PASSWORD = "user1@ourco.example", "bench-password-1"


def texts(i: int) -> tuple[str, str]:
    """Subjects and bodies with words shared by about one activity in 500 (English) or 16."""
    rng = random.Random(i)
    phrase = JAPANESE[i % len(JAPANESE)]
    subject = f"{phrase} {i}" if i % 2 else f"Order {rng.choice(WORDS)} ({i})"
    body = (
        f"Dear customer, about {rng.choice(WORDS)} and {rng.choice(WORDS)}: "
        f"{phrase}について、ご確認をお願いいたします。 Regards, the sales team."
    )
    return subject, body


def sign_in(url: str) -> tuple[str, list[int]]:
    """A browser session for the sales manager, and activities the manager may read."""
    engine = create_database_engine(url)
    uow = SqlUnitOfWorkFactory(engine)
    auth.set_password(uow, OPERATOR, MANAGER, PASSWORD)
    session = auth.sign_in(uow, MANAGER, PASSWORD, "127.0.0.1").session_id
    with engine.connect() as conn:
        unit = sa.select(users.c.business_unit_id).where(users.c.email == MANAGER)
        readable = (
            sa.select(activities.c.id)
            .join(users, users.c.id == activities.c.owner_id)
            .where(users.c.business_unit_id == unit.scalar_subquery())
            .order_by(activities.c.id.desc())
            .limit(2000)
        )
        ids = list(conn.execute(readable).scalars())
    engine.dispose()
    return session, ids


def seeded_accounts(url: str) -> list[int]:
    engine = create_database_engine(url)
    with engine.connect() as conn:
        query = sa.select(records.c.id).where(records.c.type == "account")
        ids = list(conn.execute(query).scalars())
    engine.dispose()
    return ids


def paths_script(session: str, paths: list[str]) -> str:
    quoted = ",".join(f'"{p}"' for p in paths)
    return f"""
local paths = {{{quoted}}}
wrk.headers["Cookie"] = "correspondent_session={session}"
request = function()
  return wrk.format("GET", paths[math.random(#paths)])
end
"""


def _get(path: str, session: str) -> tuple[int, bytes, dict[str, str]]:
    request = urllib.request.Request(
        BASE + path,
        headers={"Cookie": f"correspondent_session={session}", "Accept-Encoding": "gzip, br"},
    )
    with urllib.request.urlopen(request, timeout=30) as answer:
        return answer.status, answer.read(), dict(answer.headers)


def first_visit_assets(session: str, pages: list[str]) -> None:
    """Every script and stylesheet the pages reference, each fetched once (a browser's cache)."""
    assets: set[str] = set()
    for page in pages:
        status, html, _ = _get(page, session)
        assert status == 200, (page, status)
        text = html.decode()
        assets |= set(re.findall(r'<script[^>]*\ssrc="([^"]+)"', text))
        assets |= set(re.findall(r'<link[^>]*rel="stylesheet"[^>]*href="([^"]+)"', text))
    wire = raw = gzipped = 0
    for asset in sorted(assets):
        _, body, headers = _get(asset, session)
        encoding = headers.get("Content-Encoding", "identity")
        plain = gzip.decompress(body) if encoding == "gzip" else body
        wire, raw, gzipped = wire + len(body), raw + len(plain), gzipped + len(gzip.compress(plain))
        print(
            f"  {asset}: {len(body)} B sent ({encoding}), {len(plain)} B uncompressed", flush=True
        )
    print(
        f"first visit JS + CSS ({len(assets)} files over {', '.join(pages)}): "
        f"{wire / 1024:.1f} KiB sent, {raw / 1024:.1f} KiB uncompressed, "
        f"{gzipped / 1024:.1f} KiB gzip-compressed",
        flush=True,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--activities", type=int, default=100_000)
    parser.add_argument("--duration", type=int, default=15)
    parser.add_argument(
        "--connections", type=lambda text: [int(n) for n in text.split(",")], default=[1, 8]
    )
    parser.add_argument(
        "--reuse", action="store_true", help="measure the database the last run seeded"
    )
    args = parser.parse_args()
    print(f"machine: {machine()}", flush=True)
    data_dir = Path(tempfile.mkdtemp(prefix="bench-web-"))
    if args.reuse:
        url = ADMIN_URL.rsplit("/", 1)[0] + f"/{DB_NAME}"
        account_ids = seeded_accounts(url)
    else:
        url = recreate_database()
        started = time.perf_counter()
        account_ids, _token = seed(url, data_dir, args.activities, texts)
        print(f"seeded {args.activities} activities in {time.perf_counter() - started:.1f} s")
    session, activity_ids = sign_in(url)
    server = start_server(url, data_dir)
    try:
        rng = random.Random(3)
        runs = {
            "activity page": [f"/activities/{i}" for i in rng.sample(activity_ids, 500)],
            "record page  ": [f"/records/account/{i}" for i in rng.sample(account_ids, 500)],
            "search       ": [
                "/search?q=" + urllib.request.quote(q) for q in rng.sample(SEARCHES, len(SEARCHES))
            ],
        }
        for paths in runs.values():
            for path in paths[:20]:  # every kind of page answers 200 before it is timed
                status, _, _ = _get(path, session)
                assert status == 200, (path, status)
        for label, paths in runs.items():
            for connections in args.connections:
                result = run_wrk(paths_script(session, paths), "/", args.duration, connections)
                print(f"{label} c={connections}", result, flush=True)
        first_visit_assets(
            session,
            [
                "/sign-in",
                "/",
                runs["activity page"][0],
                runs["record page  "][0],
                runs["search       "][0],
            ],
        )
    finally:
        server.terminate()
        server.wait(timeout=30)


if __name__ == "__main__":
    main()
