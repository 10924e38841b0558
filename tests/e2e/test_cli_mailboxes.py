"""``correspondent mailbox add`` refuses a mailbox whose address is not its owner's, and
``mailbox remove`` frees the address (no mail server needed: adding does not connect)."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner, Result

from correspondent.cli.main import app
from tests.builders import address


def _cli(tmp_path: Path, database_url: str, *args: str, stdin: str | None = None) -> Result:
    base = ["--data-dir", str(tmp_path / "data"), "--database-url", database_url]
    return CliRunner().invoke(app, [*base, *args], input=stdin)


def _add(tmp_path: Path, database_url: str, mailbox: str, *options: str) -> Result:
    return _cli(
        tmp_path, database_url,
        "mailbox", "add", mailbox, "--host", "127.0.0.1", "--port", "1", "--tls", "plain",
        "--login", mailbox, "--password-stdin", *options,
        stdin="pw\n",
    )  # fmt: skip


def test_add_for_another_user_is_refused_and_the_owner_can_add_it(
    tmp_path: Path, database_url: str
) -> None:
    alice, bob = address("alice", "ourco.example"), address("bob", "ourco.example")
    for user in (alice, bob):
        assert _cli(tmp_path, database_url, "user", "add", user, "--name", "U").exit_code == 0
    refused = _add(tmp_path, database_url, alice, "--user", bob)
    assert refused.exit_code == 1
    assert " ".join(refused.stderr.split()) == (
        f"Error: To track email, the mailbox address ({alice}) must be the same as your email "
        f"address in the CRM ({bob})."
    )
    listed = _cli(tmp_path, database_url, "mailbox", "status", "--json")
    assert json.loads(listed.stdout) == []
    added = _add(tmp_path, database_url, alice)
    assert added.exit_code == 0, added.stderr
    [mailbox] = json.loads(_cli(tmp_path, database_url, "mailbox", "status", "--json").stdout)
    assert mailbox["address"] == alice and mailbox["user"] == alice


def test_remove_frees_the_address(tmp_path: Path, database_url: str) -> None:
    me = address("me", "ourco.example")
    assert _cli(tmp_path, database_url, "user", "add", me, "--name", "U").exit_code == 0
    assert _add(tmp_path, database_url, me).exit_code == 0
    [mailbox] = json.loads(_cli(tmp_path, database_url, "mailbox", "status", "--json").stdout)
    removed = _cli(tmp_path, database_url, "mailbox", "remove", str(mailbox["id"]))
    assert removed.exit_code == 0, removed.stderr
    assert "its activities stay" in removed.stdout
    assert json.loads(_cli(tmp_path, database_url, "mailbox", "status", "--json").stdout) == []
    missing = _cli(tmp_path, database_url, "mailbox", "remove", str(mailbox["id"]))
    assert missing.exit_code == 3
    assert _add(tmp_path, database_url, me).exit_code == 0
