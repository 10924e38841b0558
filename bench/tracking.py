"""Tracking throughput versus a bare stdlib parse of the same corpus, in one run.

Run: ``uv run python -m bench.tracking [--count 10000] [--profile]``. Generates a realistic
corpus with ``demo.sample_mail`` (about 30 KB average; plain and HTML; 20 % with attachments;
5 % Japanese; a third replies), times ``BytesParser(policy=policy.default).parsebytes`` over it,
then tracks every message through the full pipeline (parse, sanitise, attachment policy, hashing,
resolution, correlation, blob store, database commit) into fresh SQLite and PostgreSQL databases.
``--profile`` prints where the pipeline's time goes (cProfile, grouped by stage).
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import shutil
import time
from email import policy
from email.parser import BytesParser
from pathlib import Path

from bench.common import WORK, machine, postgres_database, sqlite_path
from correspondent.bootstrap import Installation, build
from correspondent.config import Settings
from correspondent.demo.sample_mail import SampleMessage, generate_messages
from correspondent.domain.access import OPERATOR
from correspondent.services.activities.track import MessageTracker, TrackRequest, TrackResult
from correspondent.services.admin import users as admin_users
from correspondent.services.records.create import create_record

INTERNAL = "ourco.example"
PEOPLE = [(f"User {i}", f"user{i}@{INTERNAL}") for i in range(8)] + [
    (f"Contact {i}", f"contact{i}@customer{i % 12}.example") for i in range(60)
]


def bare_parse(corpus: list[SampleMessage]) -> float:
    parser = BytesParser(policy=policy.default)
    started = time.perf_counter()
    for sample in corpus:
        parser.parsebytes(sample.raw)
    return time.perf_counter() - started


def prepare(inst: Installation) -> None:
    for name, email in PEOPLE[:8]:
        admin_users.add_user(inst.uow, OPERATOR, email, name)
    for name, email in PEOPLE[8:]:
        first, last = name.split()
        create_record(
            inst.uow,
            OPERATOR,
            "contact",
            {"first_name": first, "last_name": last, "email": email},
            PEOPLE[0][1],
        )


def requests_for(corpus: list[SampleMessage]) -> list[TrackRequest]:
    users = [email for _, email in PEOPLE[:8]]
    requests = []
    for sample in corpus:
        head = sample.raw[:2000]
        user = next((u for u in users if u.encode() in head), users[0])
        requests.append(TrackRequest(sample.raw, user))
    return requests


def track_all(inst: Installation, corpus: list[SampleMessage], batch: int = 1) -> float:
    """Track the corpus one message per transaction (batch=1) or ``batch`` per transaction."""
    tracker = MessageTracker(inst.uow, inst.blobs)
    requests = requests_for(corpus)
    started = time.perf_counter()
    if batch == 1:
        for request in requests:
            tracker.track(request)
    else:
        for start in range(0, len(requests), batch):
            outcomes = tracker.track_batch(requests[start : start + batch])
            assert all(isinstance(o, TrackResult) for o in outcomes)
    return time.perf_counter() - started


def run_backend(
    label: str, url: str, corpus: list[SampleMessage], bare: float, profile: bool, batch: int = 1
) -> None:
    data_dir = WORK / f"tracking-{label}"
    shutil.rmtree(data_dir, ignore_errors=True)
    inst = build(Settings(data_dir=data_dir, database_url=url))
    prepare(inst)
    profiler = cProfile.Profile() if profile else None
    if profiler:
        profiler.enable()
    elapsed = track_all(inst, corpus, batch)
    if profiler:
        profiler.disable()
    inst.close()
    mode = "one per transaction" if batch == 1 else f"batches of {batch}"
    print(
        f"  {label:<10} {mode:<20} {elapsed:6.1f} s  {len(corpus) / elapsed:7.0f} msg/s  "
        f"{elapsed / bare:4.2f}x the bare parse"
    )
    if profiler:
        stats = pstats.Stats(profiler)
        stages = {
            "parse_message": "correspondent/mail/parse.py",
            "sanitize_html": "correspondent/mail/sanitize.py",
            "_store_blobs": "correspondent/services/tracking.py",
            "resolve_message_parties": "correspondent/services/parties.py",
            "correlate": "correspondent/services/correlating.py",
            "add": "correspondent/storage/activities.py",
            "commit": "correspondent/storage/unit_of_work.py",
            "require_user": "correspondent/services/directory/entries.py",
        }
        for (file, _line, func), row in stats.stats.items():  # type: ignore[attr-defined]
            for stage, where in stages.items():
                if func == stage and file.endswith(where):
                    print(f"      {stage:<24} {row[3]:6.2f} s cumulative")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--count", type=int, default=10_000)
    parser.add_argument("--profile", action="store_true")
    parser.add_argument("--skip-postgres", action="store_true")
    args = parser.parse_args()
    corpus = list(generate_messages(args.count, seed=1, people=PEOPLE, internal_domain=INTERNAL))
    size = sum(len(s.raw) for s in corpus)
    print(
        f"Tracking throughput: {len(corpus):,} messages, {size / 1e6:.0f} MB, average "
        f"{size / len(corpus) / 1000:.1f} KB ({machine()})"
    )
    # The bare parse is timed again right before each pipeline run, so every ratio compares
    # two measurements taken side by side, under the same load on this shared machine.
    for batch in (1, 50):
        bare = bare_parse(corpus)
        print(
            f"  bare parse {'':<20} {bare:6.1f} s  {len(corpus) / bare:7.0f} msg/s  "
            "(BytesParser, policy.default)"
        )
        run_backend(
            "SQLite",
            f"sqlite:///{sqlite_path('tracking.sqlite3')}",
            corpus,
            bare,
            args.profile,
            batch,
        )
        if not args.skip_postgres:
            bare = bare_parse(corpus)
            print(f"  bare parse {'':<20} {bare:6.1f} s  {len(corpus) / bare:7.0f} msg/s")
            with postgres_database("correspondent_bench_tracking") as url:
                run_backend("PostgreSQL", url, corpus, bare, args.profile, batch)


if __name__ == "__main__":
    Path(WORK).mkdir(parents=True, exist_ok=True)
    main()
