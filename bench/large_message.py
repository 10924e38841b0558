"""Peak memory while tracking one message with a 50 MB attachment (target: under 400 MB).

Run: ``uv run python -m bench.large_message``. The message is built and written to disk first;
a fresh child process then reads and tracks it, and reports its own peak RSS, so the figure is
the whole pipeline (read, parse, policy, hash, blob store, SQLite) and nothing else.
"""

from __future__ import annotations

import os
import resource
import subprocess
import sys
import time
from email.message import EmailMessage
from pathlib import Path

from bench.common import WORK, machine

SIZE = 50 * 1024 * 1024


def build(path: Path) -> None:
    msg = EmailMessage()
    msg["From"] = "sender@customer.example"
    msg["To"] = "me@ourco.example"
    msg["Subject"] = "Large drawing set"
    msg["Message-ID"] = f"<large-{os.getpid()}-{time.time_ns()}@customer.example>"
    msg.set_content("The drawings are attached.")
    msg.add_attachment(
        os.urandom(SIZE), maintype="application", subtype="octet-stream", filename="drawings.dwg"
    )
    path.write_bytes(msg.as_bytes())


def peak_rss_mb() -> float:
    """VmHWM: this process's peak resident memory (unlike ru_maxrss, not inherited over exec)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def child(path: str, data_dir: str) -> None:
    from correspondent.bootstrap import build as build_installation
    from correspondent.config import Settings
    from correspondent.domain.access import OPERATOR
    from correspondent.services.activities import queries
    from correspondent.services.activities.track import MessageTracker, TrackRequest
    from correspondent.services.admin import settings as configuration
    from correspondent.services.admin import users as admin_users

    inst = build_installation(Settings(data_dir=Path(data_dir)))
    admin_users.add_user(inst.uow, OPERATOR, "me@ourco.example", "Me")
    limits = {"attachments.max_bytes": str(64 * 1024 * 1024)}
    configuration.change_org_settings(inst.uow, OPERATOR, limits)
    baseline = peak_rss_mb()
    started = time.perf_counter()
    result = MessageTracker(inst.uow, inst.blobs).track(
        TrackRequest(Path(path).read_bytes(), "me@ourco.example")
    )
    elapsed = time.perf_counter() - started
    view = queries.get_activity(inst.uow, OPERATOR, result.activity_id).as_json()
    peak = peak_rss_mb()
    attachment = view["attachments"][0]
    print(
        f"  attachment {attachment['filename']}: {attachment['size']:,} bytes, "
        f"{attachment['status']}"
    )
    print(
        f"  tracked in {elapsed:.2f} s; peak RSS {peak:.0f} MB "
        f"(interpreter and imports before tracking: {baseline:.0f} MB)"
    )


def main() -> None:
    if len(sys.argv) == 4 and sys.argv[1] == "--child":
        child(sys.argv[2], sys.argv[3])
        return
    WORK.mkdir(parents=True, exist_ok=True)
    path = WORK / "large.eml"
    build(path)
    data_dir = WORK / "large-data"
    subprocess.run(["rm", "-rf", str(data_dir)], check=True)
    print(
        f"Tracking a {path.stat().st_size / 1e6:.0f} MB message with a 50 MB attachment "
        f"({machine()})"
    )
    subprocess.run(
        [sys.executable, "-m", "bench.large_message", "--child", str(path), str(data_dir)],
        check=True,
    )


if __name__ == "__main__":
    main()
