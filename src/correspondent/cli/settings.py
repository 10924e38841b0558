"""Commands for organisation settings and personal options."""

from __future__ import annotations

from typing import Annotated

import typer

from correspondent.cli.context import STATE, handle_errors, out_console, print_json
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
    uow = STATE.installation().uow
    if key is None:
        values = configuration.all_org_settings(uow)
        if json_output:
            print_json(values)
        else:
            for name, value in values.items():
                _show(name, value, False)
        return
    _show(key, configuration.get_org_setting(uow, key), json_output)


@settings_app.command("set")
@handle_errors
def settings_set(
    key: str, value: str, json_output: Annotated[bool, typer.Option("--json")] = False
) -> None:
    """Change an organisation setting."""
    _show(key, configuration.set_org_setting(STATE.installation().uow, key, value), json_output)


@options_app.command("get")
@handle_errors
def options_get(
    key: str,
    user: Annotated[str, typer.Option("--user")],
    json_output: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """Show one personal option of a user."""
    _show(key, configuration.get_personal_option(STATE.installation().uow, user, key), json_output)


@options_app.command("set")
@handle_errors
def options_set(
    key: str,
    value: str,
    user: Annotated[str, typer.Option("--user")],
    json_output: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """Change one personal option of a user."""
    _show(
        key,
        configuration.set_personal_option(STATE.installation().uow, user, key, value),
        json_output,
    )
