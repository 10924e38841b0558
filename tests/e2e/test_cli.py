"""The command line end to end: the commands and JSON keys other tools script against."""

from __future__ import annotations

import json
import mailbox
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from correspondent.cli.main import app
from tests.builders import address, make_message


@pytest.fixture
def cli(tmp_path: Path, database_url: str) -> Any:
    runner = CliRunner()

    def run(*args: str, code: int = 0) -> Any:
        result = runner.invoke(
            app, ["--data-dir", str(tmp_path / "data"), "--database-url", database_url, *args]
        )
        assert result.exit_code == code, (result.output, result.stderr)
        if "--json" in args and code == 0:
            return json.loads(result.stdout)
        return result

    return run


def test_track_show_list_export_untrack(cli: Any, tmp_path: Path) -> None:
    me = address("me", "ourco.example")
    cli("user", "add", me, "--name", "Mia Example", "--role", "salesperson")
    account = cli("record", "add", "account", "--set", "name=Acme", "--json")
    assert account["type"] == "account" and account["name"] == "Acme"
    customer = address("cust")
    contact = cli(
        "record",
        "add",
        "contact",
        "--set",
        "first_name=Ann",
        "--set",
        "last_name=Lee",
        "--set",
        f"email={customer}",
        "--set",
        f"account={account['id']}",
        "--owner",
        me,
        "--json",
    )
    eml = tmp_path / "in.eml"
    raw = make_message(
        sender=customer,
        to=[me],
        subject="Proposal",
        attachments=[("terms.pdf", "application/pdf", b"%PDF-1.4")],
    )
    eml.write_bytes(raw)
    tracked = cli(
        "track", str(eml), "--user", me, "--regarding", f"account:{account['id']}", "--json"
    )
    activity = tracked[0]["activity"]
    for key in (
        "id",
        "subject",
        "direction",
        "message_id",
        "sent_at",
        "regarding",
        "parties",
        "attachments",
        "notifications",
        "correlation",
        "trackers",
        "owner",
    ):
        assert key in activity
    assert activity["regarding"] == {"type": "account", "id": account["id"], "name": "Acme"}
    sender = activity["parties"][0]
    assert sender["role"] == "from" and sender["record"]["id"] == contact["id"]
    attachment = activity["attachments"][0]
    assert set(attachment) >= {"id", "filename", "content_type", "size", "status", "reason"}
    assert activity["trackers"] == [
        {"user": me, "source": "manual", "tracked_at": activity["trackers"][0]["tracked_at"]}
    ]

    listed = cli("activity", "list", "--regarding", f"account:{account['id']}", "--json")
    assert [a["id"] for a in listed] == [activity["id"]]
    by_party = cli("activity", "list", "--party", f"contact:{contact['id']}", "--json")
    assert [a["id"] for a in by_party] == [activity["id"]]
    out = tmp_path / "out.eml"
    cli("activity", "export", str(activity["id"]), "--out", str(out))
    assert out.read_bytes() == raw
    cli("attachment", "remove", str(activity["id"]), str(attachment["id"]), "--user", me)
    shown = cli("activity", "show", str(activity["id"]), "--json")
    assert shown["attachments"][0]["status"] == "removed"
    cli("untrack", str(activity["id"]), "--user", me, "--delete-activity")
    cli("activity", "show", str(activity["id"]), code=3)


def test_errors_are_actionable_and_nonzero(cli: Any, tmp_path: Path) -> None:
    result = cli("record", "add", "planet", "--set", "name=Mars", code=1)
    assert "Unknown record type" in result.stderr
    me = address("me", "ourco.example")
    cli("user", "add", me, "--name", "Me")
    assert "already exists" in cli("user", "add", me, "--name", "Me", code=4).stderr
    assert "no field" in cli("record", "add", "account", "--set", "colour=red", code=1).stderr
    assert (
        "not a record reference" in cli("set-regarding", "1", "acme", "--user", me, code=1).stderr
    )
    junk = tmp_path / "junk.eml"
    junk.write_bytes(b"\x00\xff\x00")
    assert "quarantine" in cli("track", str(junk), "--user", me, code=5).stderr
    listed = cli("quarantine", "list", "--json")
    assert listed[0]["source"] == str(junk)


def test_settings_and_options(cli: Any) -> None:
    me = address("me", "ourco.example")
    cli("user", "add", me, "--name", "Me")
    assert cli("settings", "get", "correlation.token_prefix", "--json")["value"] == "CRM:"
    cli("settings", "set", "correlation.smart_matching", "on")
    assert cli("settings", "get", "correlation.smart_matching", "--json")["value"] == "on"
    assert "not on/off" in cli("settings", "set", "correlation.enabled", "maybe", code=1).stderr
    assert cli("options", "get", "track_replies", "--user", me, "--json")["value"] == "on"
    cli("options", "set", "auto_create", "lead", "--user", me)
    assert cli("options", "get", "auto_create", "--user", me, "--json")["value"] == "lead"
    assert "Unknown setting" in cli("options", "get", "colour", "--user", me, code=1).stderr


def test_csv_import_is_all_or_nothing(cli: Any, tmp_path: Path) -> None:
    me = address("me", "ourco.example")
    cli("user", "add", me, "--name", "Me")
    good = tmp_path / "contacts.csv"
    good.write_text("first_name,last_name,email\nAnn,Lee,ann@example.org\nBo,Kim,bo@example.org\n")
    assert cli("record", "import", "contact", str(good), "--json")["imported"] == 2
    bad = tmp_path / "bad.csv"
    bad.write_text("first_name,last_name,email\nCy,Orr,cy@example.org\nDee,,not-an-address\n")
    result = cli("record", "import", "contact", str(bad), code=1)
    assert "line 3" in result.stderr and "Nothing was imported" in result.stderr


def test_import_mbox_and_maildir(cli: Any, tmp_path: Path) -> None:
    import mailbox

    me = address("me", "ourco.example")
    cli("user", "add", me, "--name", "Me")
    box = mailbox.mbox(tmp_path / "archive.mbox")
    for i in range(3):
        box.add(make_message(sender=address(), subject=f"archived {i}"))
    box.add(b"From: nobody\n\n")  # has headers: tracked, not quarantined
    box.flush()
    summary = cli("import", "mbox", str(tmp_path / "archive.mbox"), "--user", me, "--json")
    assert summary["messages"] == 4 and summary["created"] == 4
    again = cli("import", "mbox", str(tmp_path / "archive.mbox"), "--user", me, "--json")
    assert again["existing"] == 4 and again["created"] == 0
    maildir = mailbox.Maildir(tmp_path / "Maildir")
    maildir.add(make_message(sender=address(), subject="in maildir"))
    assert (
        cli("import", "maildir", str(tmp_path / "Maildir"), "--user", me, "--json")["created"] == 1
    )


def test_sweep_blobs_deletes_unused_blobs_and_old_orphans(
    cli: Any, tmp_path: Path, database_url: str
) -> None:
    import os
    import time

    from correspondent.bootstrap import build
    from correspondent.config import Settings

    me = address("me", "ourco.example")
    cli("user", "add", me, "--name", "Mia Example")
    eml = tmp_path / "in.eml"
    eml.write_bytes(make_message(sender=address(), to=[me], subject="Kept"))
    cli("track", str(eml), "--user", me)
    installation = build(Settings(data_dir=tmp_path / "data", database_url=database_url))
    with installation.uow() as uow:  # a reference released, its file left (a failed clean-up)
        uow.blob_refs.acquire({"a" * 64: (3, 1)})
        uow.blob_refs.release("a" * 64)
        uow.commit()
    installation.blobs.put("a" * 64, b"old")
    installation.blobs.put("b" * 64, b"orphan")  # a file without a row
    old = time.time() - 7200
    os.utime(installation.blobs.path_for("b" * 64), (old, old))
    swept = cli("db", "sweep-blobs")
    assert "Deleted 1 unused and 1 orphaned blob file(s)." in swept.stdout
    assert len(installation.blobs.all_digests()) == 1  # the tracked message


def test_tracking_again_untracking_and_user_parties_are_told_truthfully(
    cli: Any, tmp_path: Path
) -> None:
    me = address("me", "ourco.example")
    colleague = address("col", "ourco.example")
    cli("user", "add", me, "--name", "Mia Example")
    cli("user", "add", colleague, "--name", "Colin League")
    eml = tmp_path / "out.eml"
    eml.write_bytes(make_message(sender=address("cust"), to=[me, colleague], subject="Plan"))
    first = cli("track", str(eml), "--user", me, "--json")[0]
    assert first["created"] and first["tracker_added"]
    activity_id = first["activity"]["id"]
    names = {
        p["address"]: p["record"] and p["record"]["name"] for p in first["activity"]["parties"]
    }
    assert (names[me], names[colleague]) == ("Mia Example", "Colin League")

    again = cli("track", str(eml), "--user", me).stdout
    assert f"existing activity {activity_id}" in again
    assert "Already tracked by you; nothing changed." in again
    assert "tracker added" not in again
    assert cli("track", str(eml), "--user", me, "--json")[0]["tracker_added"] is False
    assert "tracker added" in cli("track", str(eml), "--user", colleague).stdout

    cli("untrack", str(activity_id), "--user", colleague)
    left = cli("untrack", str(activity_id), "--user", me).stdout
    assert "the activity is kept (untracked)" in left
    shown = cli("activity", "show", str(activity_id), "--json")
    assert (shown["status"], shown["trackers"]) == ("untracked", [])
    text = cli("activity", "show", str(activity_id)).stdout
    assert "status: untracked (tracked by nobody)" in text
    assert "Mia Example" in text


def test_activity_list_pages_and_says_when_more_exist(cli: Any, tmp_path: Path) -> None:
    me = address("me", "ourco.example")
    cli("user", "add", me, "--name", "Me")
    box = mailbox.mbox(tmp_path / "many.mbox")
    for i in range(205):
        box.add(make_message(sender=address("c"), to=[me], subject=f"n{i}"))
    box.close()
    imported = cli("import", "mbox", str(tmp_path / "many.mbox"), "--user", me, "--json")
    assert imported["created"] == 205

    default = cli("activity", "list", "--json")
    assert len(default) == 200
    text = cli("activity", "list")
    assert len(text.stdout.splitlines()) == 200
    assert "Showing the newest 200 activities; more exist" in text.stderr
    every = cli("activity", "list", "--all", "--json")
    assert len(every) == 205 and [a["id"] for a in every[:200]] == [a["id"] for a in default]
    assert cli("activity", "list", "--all").stderr == ""
    newest = cli("activity", "list", "--limit", "5", "--json")
    assert [a["id"] for a in newest] == [a["id"] for a in default[:5]]
    assert "more exist" in cli("activity", "list", "--limit", "5").stderr
    exact = cli("activity", "list", "--limit", "205")
    assert len(exact.stdout.splitlines()) == 205 and exact.stderr == ""
