"""``record show`` and ``settings``/``options`` through the CLI, acting as the operator."""

from __future__ import annotations

from typing import Any

from tests.builders import address
from tests.e2e.test_cli import cli  # noqa: F401  (the fixture)


def test_record_show_names_the_owner(cli: Any) -> None:  # noqa: F811
    me = address("me", "ourco.example")
    cli("user", "add", me, "--name", "Mia Example")
    made = cli("record", "add", "account", "--set", "name=Acme", "--owner", me, "--json")
    assert made["owner"] == me
    shown = cli("record", "show", f"account:{made['id']}", "--json")
    assert shown == made
    plain = cli("record", "show", f"account:{made['id']}").stdout
    assert f"owner: {me}\n" in plain


def test_settings_and_options_round_trip(cli: Any) -> None:  # noqa: F811
    me = address("me", "ourco.example")
    cli("user", "add", me, "--name", "Mia Example")
    assert cli("settings", "set", "correlation.smart_matching", "yes", "--json") == {
        "key": "correlation.smart_matching",
        "value": "on",
    }
    assert cli("settings", "get", "correlation.smart_matching").stdout.strip() == (
        "correlation.smart_matching = on"
    )
    assert "Unknown setting" in cli("settings", "get", "nope", code=1).stderr
    assert cli("options", "get", "address_book", "--user", me, "--json")["value"] == "own"
    cli("options", "set", "address_book", "readable", "--user", me)
    assert cli("options", "get", "address_book", "--user", me, "--json")["value"] == "readable"
    assert (
        "No user has"
        in cli("options", "get", "address_book", "--user", "x@y.example", code=3).stderr
    )
