"""A message with a 50 MB attachment tracks with peak memory under 400 MB (whole process)."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from email.message import EmailMessage
from pathlib import Path

import pytest

CHILD = textwrap.dedent("""
    import sys
    from pathlib import Path
    from correspondent.domain.access import OPERATOR
    from correspondent.services.activities import attachments
    from correspondent.services.activities import operations
    from correspondent.bootstrap import build
    from correspondent.config import Settings
    from correspondent.services.admin import settings as configuration
    from correspondent.services.directory import entries as directory
    from correspondent.services.activities import views
    from correspondent.services.activities.track import MessageTracker, TrackRequest

    inst = build(Settings(data_dir=Path(sys.argv[2])))
    directory.add_user(inst.uow, "me@ourco.example", "Me")
    configuration.set_org_setting(inst.uow, "attachments.max_bytes", str(64 * 1024 * 1024))
    result = MessageTracker(inst.uow, inst.blobs).track(
        TrackRequest(Path(sys.argv[1]).read_bytes(), "me@ourco.example"))
    view = operations.get_activity(inst.uow, OPERATOR, result.activity_id)
    assert view["attachments"][0]["status"] == "saved", view["attachments"]
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            print(int(line.split()[1]) // 1024)
""")


@pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="needs Linux /proc")
def test_fifty_megabyte_attachment_stays_under_400_mb(tmp_path: Path) -> None:
    msg = EmailMessage()
    msg["From"], msg["To"], msg["Subject"] = "a@customer.example", "me@ourco.example", "Plans"
    msg["Message-ID"] = "<large@customer.example>"
    msg.set_content("Attached.")
    msg.add_attachment(
        os.urandom(50 * 1024 * 1024),
        maintype="application",
        subtype="octet-stream",
        filename="plans.dwg",
    )
    path = tmp_path / "large.eml"
    path.write_bytes(msg.as_bytes())
    del msg
    result = subprocess.run(
        [sys.executable, "-c", CHILD, str(path), str(tmp_path / "data")],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    peak_mb = int(result.stdout.strip().splitlines()[-1])
    assert peak_mb < 400, f"peak RSS {peak_mb} MB"
