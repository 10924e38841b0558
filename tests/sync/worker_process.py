"""A sync worker in a process of its own, for tests that kill it (``python -m`` this module).

Arguments: the database URL, the data directory, and the lease time in seconds. It syncs the
installation's mailboxes with the harness's secret key until it is killed.
"""

from __future__ import annotations

import sys
from datetime import timedelta
from pathlib import Path

from correspondent.bootstrap import build
from correspondent.config import Settings
from correspondent.services.activities.track import MessageTracker
from correspondent.services.mailboxes.connect import MailboxConnector
from correspondent.services.mailboxes.secrets import SecretBox
from correspondent.sync.runner import SyncRunner
from tests.sync.harness import SECRET_KEY, fast_config


def main(database_url: str, data_dir: str, lease_seconds: str) -> None:
    installation = build(Settings(data_dir=Path(data_dir), database_url=database_url))
    tracker = MessageTracker(installation.uow, installation.blobs)
    connector = MailboxConnector(SecretBox.from_text(SECRET_KEY), timeout=10)
    config = fast_config(lease_for=timedelta(seconds=float(lease_seconds)))
    SyncRunner(installation.uow, tracker, connector, config).run()


if __name__ == "__main__":
    main(*sys.argv[1:4])
