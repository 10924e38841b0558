"""From pressing Track in Thunderbird's tracking pane to the pane showing "tracked".

Run: ``uv run python -m bench.thunderbird_pane [--count 50]`` (on demand, never in the test
suite). Starts a throw-away Dovecot with one user, the API on loopback (uvicorn in this
process, a fresh PostgreSQL database), and a headless Thunderbird with that IMAP account and
the add-on (the same harness as tests/thunderbird). For each message: show it, open the pane
with a click on its toolbar button, then time from the real click on **Track** (Marionette
pointer input) to the pane's status reading "tracked" (watched inside Thunderbird every 5 ms).
The time includes the add-on reading the raw message, queueing it in storage.local, the API
call (parse, store, commit), tagging the message and re-rendering the pane, plus one Marionette
round trip.
"""

from __future__ import annotations

import argparse
import shutil
import tempfile
import time
from pathlib import Path

from imapclient import IMAPClient
from tests.builders import make_message, unique
from tests.support.dovecot import DovecotServer
from tests.thunderbird.mail import show_message, sync_inbox
from tests.thunderbird.pane import TrackingPane
from tests.thunderbird.session import Server, sign_in, stage_addon, start_thunderbird

from bench.common import machine, postgres_database, summarise_ms
from correspondent.bootstrap import build
from correspondent.config import Settings
from correspondent.domain.access import OPERATOR
from correspondent.services import auth
from correspondent.services.admin import users as admin_users


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=50)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="bench-thunderbird-"))
    with DovecotServer() as dovecot, postgres_database("bench_tbpane") as url:
        dovecot.start()
        login, password = dovecot.new_user()
        installation = build(Settings(data_dir=work / "data", database_url=url))
        admin_users.add_user(installation.uow, OPERATOR, login, "Bench User")
        token = auth.create_token(installation.uow, OPERATOR, login).token
        message_ids = []
        with IMAPClient(dovecot.host, dovecot.port, ssl=False) as imap:
            imap.login(login, password)
            for n in range(args.count):
                message_id = f"{unique('bench')}@partner.example"
                raw = make_message(
                    sender=f"{unique('c')}@partner.example",
                    to=[login],
                    subject=f"Bench message {n}",
                    body="Hello.\n" * 200,
                    message_id=f"<{message_id}>",
                )
                imap.append("INBOX", raw)
                message_ids.append(message_id)
        server = Server(installation)
        server.start()
        tb, addon = start_thunderbird(dovecot, login, password, login, stage_addon(work / "addon"))
        try:
            sign_in(tb, addon, server.url, token)
            sync_inbox(tb, message_ids)
            pane = TrackingPane(tb, addon)
            samples = []
            for message_id in message_ids:
                pane.close()
                show_message(tb, message_id)
                pane.open()
                pane.await_status("not-tracked")
                track = pane.control("button", "Track")
                started = time.perf_counter()
                tb.click_at(track["x"], track["y"])
                pane.await_status("tracked")
                samples.append(time.perf_counter() - started)
        finally:
            tb.close()
            server.stop()
            installation.close()
            shutil.rmtree(work, ignore_errors=True)
    print(f"machine: {machine()}")
    print(f"Track -> pane shows tracked: {summarise_ms(samples)}")


if __name__ == "__main__":
    main()
