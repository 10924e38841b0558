"""Mailbox sync benchmarks (on demand, never in the test suite).

``uv run python -m bench.sync_mailbox initial --count 10000``: APPEND ``count`` realistic sample
messages to a tracked folder of a throw-away Dovecot, then, in the same run, time ``mbsync``
(Debian ``isync``) copying that folder to a Maildir and Correspondent's initial sync of it (every
message becomes an activity). Reports messages per second and the ratio.

``… latency --moves 200``: a worker with IDLE running; move one message at a time from the Inbox
into the tracked folder and time until its activity exists (p50/p95).

``… idle --mailboxes 200 --seconds 60``: 200 enabled mailboxes (Inbox, Sent and one tracked
folder each) synced by one worker; report the process's RSS and CPU over the idle period.

The database is a fresh PostgreSQL database (``bench.common.postgres_database``).
"""

from __future__ import annotations

import argparse
import resource
import shutil
import statistics
import subprocess
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path

from imapclient import IMAPClient
from tests.support.dovecot import DovecotServer

from bench.common import machine, postgres_database
from correspondent.bootstrap import Installation, build
from correspondent.config import Settings
from correspondent.demo.sample_mail import generate_messages
from correspondent.domain.access import OPERATOR
from correspondent.domain.mailbox import TlsChoice
from correspondent.services.activities.track import MessageTracker
from correspondent.services.admin import users as admin_users
from correspondent.services.mailboxes import folders as tracked_folders
from correspondent.services.mailboxes.add import MailboxInput, add_mailbox
from correspondent.services.mailboxes.connect import MailboxConnector
from correspondent.services.mailboxes.enable import run_mailbox_test
from correspondent.services.mailboxes.secrets import SecretBox
from correspondent.sync.runner import RunnerConfig, SyncRunner

FOLDER = "Clients/Tracked"


@contextmanager
def environment() -> Iterator[tuple[DovecotServer, Installation, Path]]:
    work = Path(tempfile.mkdtemp(prefix="correspondent-bench-sync-"))
    with DovecotServer() as server, postgres_database("correspondent_bench_sync") as url:
        installation = build(Settings(data_dir=work / "data", database_url=url))
        try:
            yield server, installation, work
        finally:
            installation.close()
            shutil.rmtree(work, ignore_errors=True)


def _connector() -> MailboxConnector:
    return MailboxConnector(SecretBox.from_text("bench"), timeout=30)


def enable_mailbox(installation: Installation, server: DovecotServer, user: tuple[str, str]) -> int:
    login, password = user
    if not any(u.email == login for u in admin_users.list_users(installation.uow, OPERATOR)):
        admin_users.add_user(installation.uow, OPERATOR, login, "Bench User")
    box = add_mailbox(
        installation.uow,
        _connector().secrets,
        OPERATOR,
        MailboxInput(login, server.host, server.port, TlsChoice.PLAIN, login, password,
                     process_from=datetime.now(UTC) - timedelta(days=3650)),
    )  # fmt: skip
    assert box.id is not None
    run_mailbox_test(installation.uow, _connector(), OPERATOR, box.id, enable=True)
    return box.id


def runner(installation: Installation, **config: object) -> SyncRunner:
    tracker = MessageTracker(installation.uow, installation.blobs)
    return SyncRunner(installation.uow, tracker, _connector(), RunnerConfig(**config))  # type: ignore[arg-type]


def client_for(server: DovecotServer, user: tuple[str, str]) -> IMAPClient:
    client = IMAPClient(server.host, server.port, ssl=False, timeout=60)
    client.login(*user)
    return client


def fill(client: IMAPClient, count: int) -> int:
    client.create_folder(FOLDER)
    size = 0
    for sample in generate_messages(count, seed=7):
        client.append(FOLDER, sample.raw)
        size += len(sample.raw)
    return size


def run_mbsync(server: DovecotServer, user: tuple[str, str], work: Path) -> float:
    maildir = work / "maildir"
    maildir.mkdir()
    rc = work / "mbsyncrc"
    rc.write_text(
        f"IMAPAccount bench\nHost {server.host}\nPort {server.port}\nUser {user[0]}\n"
        f"Pass {user[1]}\nSSLType None\nAuthMechs LOGIN\n\n"
        "IMAPStore remote\nAccount bench\n\n"
        f"MaildirStore local\nPath {maildir}/\nInbox {maildir}/INBOX\nSubFolders Verbatim\n\n"
        f'Channel copy\nFar :remote:\nNear :local:\nPatterns "{FOLDER}"\nCreate Near\n'
        "Sync Pull\nSyncState *\n"
    )
    start = time.perf_counter()
    subprocess.run(["mbsync", "-q", "-c", str(rc), "copy"], check=True)
    elapsed = time.perf_counter() - start
    copied = sum(1 for _ in (maildir / FOLDER).glob("cur/*")) + sum(
        1 for _ in (maildir / FOLDER).glob("new/*")
    )
    print(f"mbsync copied {copied} messages")
    return elapsed


def initial(count: int) -> None:
    with environment() as (server, installation, work):
        user = server.new_user()
        client = client_for(server, user)
        size = fill(client, count)
        print(f"appended {count} messages, {size / 1e6:.0f} MB")
        mbsync_seconds = run_mbsync(server, user, work)
        mailbox_id = enable_mailbox(installation, server, user)
        tracked_folders.track_folder(installation.uow, _connector(), OPERATOR, mailbox_id, FOLDER)
        start = time.perf_counter()
        runner(installation, use_idle=False).sync_once()
        ours = time.perf_counter() - start
        with installation.uow() as uow:
            mapped = uow.mailboxes.messages.mapped(
                _folder_id(installation, mailbox_id), _uv(installation, mailbox_id)
            )
        tracked = len(mapped)
        # Nothing lost (a map row per UID) and nothing duplicated (one activity per message).
        activities = len({m.activity_id for m in mapped.values() if m.activity_id is not None})
        print(f"machine: {machine()}")
        print(f"mbsync: {count / mbsync_seconds:.0f} msg/s ({mbsync_seconds:.1f} s)")
        print(
            f"correspondent: {tracked} UIDs mapped to {activities} distinct activities, "
            f"{count / ours:.0f} msg/s ({ours:.1f} s)"
        )
        print(f"ratio correspondent/mbsync: {mbsync_seconds / ours:.2f}")


def _folder_id(installation: Installation, mailbox_id: int) -> int:
    with installation.uow() as uow:
        return next(f.id for f in uow.mailboxes.folders(mailbox_id) if f.name == FOLDER) or 0


def _uv(installation: Installation, mailbox_id: int) -> int:
    with installation.uow() as uow:
        folder = next(f for f in uow.mailboxes.folders(mailbox_id) if f.name == FOLDER)
        return folder.state.uidvalidity or 0


def latency(moves: int) -> None:
    with environment() as (server, installation, _work):
        user = server.new_user()
        client = client_for(server, user)
        client.create_folder(FOLDER)
        mailbox_id = enable_mailbox(installation, server, user)
        tracked_folders.track_folder(installation.uow, _connector(), OPERATOR, mailbox_id, FOLDER)
        sync = runner(installation, poll_interval=600.0, scan_interval=0.2)
        thread = threading.Thread(target=sync.run, daemon=True)
        thread.start()
        time.sleep(3)  # the first pass and the IDLE watchers
        samples = []
        for sample in generate_messages(moves, seed=11, average_size=8_000):
            client.append("INBOX", sample.raw)
            client.select_folder("INBOX")
            uids = client.search(["HEADER", "Message-ID", sample.message_id])
            start = time.perf_counter()
            client.move(uids, FOLDER)
            while True:
                with installation.uow() as uow:
                    if uow.activities.by_message_ids([sample.message_id]):
                        break
                time.sleep(0.005)
            samples.append(time.perf_counter() - start)
        sync.stop()
        thread.join()
        samples.sort()
        p95 = samples[int(len(samples) * 0.95) - 1]
        print(f"machine: {machine()}")
        print(f"move → activity over {moves} moves: p50 {statistics.median(samples) * 1000:.0f} ms,"
              f" p95 {p95 * 1000:.0f} ms, max {samples[-1] * 1000:.0f} ms")  # fmt: skip


def idle(mailboxes: int, seconds: float) -> None:
    with environment() as (server, installation, _work):
        for _ in range(mailboxes):
            user = server.new_user()
            client = client_for(server, user)
            client.create_folder(FOLDER)
            client.logout()
            mailbox_id = enable_mailbox(installation, server, user)
            tracked_folders.track_folder(
                installation.uow, _connector(), OPERATOR, mailbox_id, FOLDER
            )
        sync = runner(installation, poll_interval=60.0)
        thread = threading.Thread(target=sync.run, daemon=True)
        thread.start()
        time.sleep(min(30.0, 5 + mailboxes * 0.05))  # start-up: passes and watchers
        cpu0 = _cpu()
        start = time.perf_counter()
        time.sleep(seconds)
        cpu = _cpu() - cpu0
        wall = time.perf_counter() - start
        rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        current = _rss_now()
        threads = threading.active_count()
        sync.stop()
        thread.join()
        print(f"machine: {machine()}")
        print(f"{mailboxes} idle mailboxes ({threads} threads): RSS now {current:.0f} MB "
              f"(peak {rss:.0f} MB), CPU {cpu:.2f} s over {wall:.0f} s "
              f"= {100 * cpu / wall:.1f} % of one core")  # fmt: skip


def _cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def _rss_now() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    sub = parser.add_subparsers(dest="what", required=True)
    sub.add_parser("initial").add_argument("--count", type=int, default=10_000)
    sub.add_parser("latency").add_argument("--moves", type=int, default=200)
    idle_parser = sub.add_parser("idle")
    idle_parser.add_argument("--mailboxes", type=int, default=200)
    idle_parser.add_argument("--seconds", type=float, default=60.0)
    args = parser.parse_args()
    if args.what == "initial":
        initial(args.count)
    elif args.what == "latency":
        latency(args.moves)
    else:
        idle(args.mailboxes, args.seconds)


if __name__ == "__main__":
    main()
