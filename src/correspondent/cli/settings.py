"""Commands for organisation settings and personal options."""

from __future__ import annotations

from typing import Annotated

import typer

from correspondent.cli.context import STATE, handle_errors, out_console, print_json
from correspondent.domain.access import OPERATOR
from correspondent.domain.settings import ORG_SETTINGS, PERSONAL_OPTIONS, lookup
from correspondent.services.admin import settings as configuration

settings_app = typer.Typer(no_args_is_help=True, help="Organisation settings.")
options_app = typer.Typer(no_args_is_help=True, help="A user's personal options.")


def register(app: typer.Typer) -> None:
    app.add_typer(settings_app, name="settings")
    app.add_typer(options_app, name="options")


def _show(key: str, value: str, json_output: bool) -> None:
    if json_output:
        print_json({"key": key, "value": value})
    else:
        out_console.print(f"{key} = {value}", highlight=False)


@settings_app.command("get")
@handle_errors
def settings_get(
    key: Annotated[str | None, typer.Argument()] = None,
    json_output: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """Show one setting, or all of them."""
    if key is not None:
        lookup(ORG_SETTINGS, key)
    values = configuration.org_settings(STATE.installation().uow, OPERATOR)
    if key is not None:
        _show(key, values[key], json_output)
    elif json_output:
        print_json(values)
    else:
        for name, value in values.items():
            _show(name, value, False)


@settings_app.command("set")
@handle_errors
def settings_set(
    key: str, value: str, json_output: Annotated[bool, typer.Option("--json")] = False
) -> None:
    """Change an organisation setting."""
    changed = configuration.change_org_settings(STATE.installation().uow, OPERATOR, {key: value})
    _show(key, changed[key], json_output)


@options_app.command("get")
@handle_errors
def options_get(
    key: str,
    user: Annotated[str, typer.Option("--user")],
    json_output: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """Show one personal option of a user."""
    lookup(PERSONAL_OPTIONS, key)
    options = configuration.personal_options(STATE.installation().uow, OPERATOR, user)
    _show(key, options[key], json_output)


@options_app.command("set")
@handle_errors
def options_set(
    key: str,
    value: str,
    user: Annotated[str, typer.Option("--user")],
    json_output: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """Change one personal option of a user."""
    uow = STATE.installation().uow
    changed = configuration.change_personal_options(uow, OPERATOR, {key: value}, user)
    _show(key, changed[key], json_output)
