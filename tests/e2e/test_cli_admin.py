"""``user change`` and the quarantine's ``retry`` and ``export`` through the CLI: the same use
cases as the administration pages and the API, acting as the operator."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tests.builders import address
from tests.e2e.test_cli import cli  # noqa: F401  (the fixture)


def test_user_change_approves_moves_and_deactivates(cli: Any) -> None:  # noqa: F811
    me = address("me", "ourco.example")
    cli("user", "add", me, "--name", "Mia Example")
    cli("user", "change", me, "--unapprove")
    changed = cli(
        "user", "change", me, "--approve", "--role", "sales_manager", "--business-unit", "Osaka",
        "--json",
    )  # fmt: skip
    assert changed["email_approved"] is True and changed["roles"] == ["sales_manager"]
    assert "inactive" in cli("user", "change", me, "--deactivate").stdout
    assert ", active;" in cli("user", "change", me, "--activate").stdout
    assert "No user has" in cli("user", "change", "x@y.example", "--approve", code=3).stderr
    assert "Unknown role" in cli("user", "change", me, "--role", "wizard", code=1).stderr


def test_quarantine_export_and_retry(cli: Any, tmp_path: Path) -> None:  # noqa: F811
    me = address("me", "ourco.example")
    cli("user", "add", me, "--name", "Mia Example")
    junk = tmp_path / "junk.eml"
    junk.write_bytes(b"\x00\xff\x00")
    cli("track", str(junk), "--user", me, code=5)
    [item] = cli("quarantine", "list", "--json")
    out = tmp_path / "out.eml"
    cli("quarantine", "export", str(item["id"]), "--out", str(out))
    assert out.read_bytes() == junk.read_bytes()
    again = cli("quarantine", "retry", str(item["id"]), "--json")
    assert again == {
        "quarantine_id": item["id"],
        "tracked": False,
        "activity_id": None,
        "reason": item["reason"],
    }
    assert len(cli("quarantine", "list", "--json")) == 1  # refused again: no second copy
    assert "no quarantined message" in cli("quarantine", "retry", "999999", code=3).stderr
