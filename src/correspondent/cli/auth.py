"""Commands for credentials: ``token create`` prints a personal API token for scripts and add-ins.

The CLI acts as the installation's operator, so it needs no sign-in itself.
"""

from __future__ import annotations

import sys
from datetime import UTC, datetime, timedelta
from typing import Annotated

import typer

from correspondent.cli.context import STATE, handle_errors, out_console, print_json
from correspondent.domain.access import OPERATOR
from correspondent.domain.errors import InvalidInput
from correspondent.services import auth

token_app = typer.Typer(no_args_is_help=True, help="Personal API tokens.")


def register(app: typer.Typer) -> None:
    app.add_typer(token_app, name="token")


def read_password_from_stdin() -> str:
    """The first line of standard input, without its line ending (never echoed, never in argv)."""
    password = sys.stdin.readline().rstrip("\r\n")
    if not password:
        raise InvalidInput("No password on standard input (pipe it in: --password-stdin).")
    return password


@token_app.command("create")
@handle_errors
def token_create(
    email: str,
    name: Annotated[str, typer.Option("--name", help="What the token is for.")] = "API token",
    expires_days: Annotated[
        int | None, typer.Option("--expires-days", min=1, help="Expire after this many days.")
    ] = None,
    json_output: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """Create a personal API token for EMAIL and print it (it is shown only this once)."""
    expires = datetime.now(UTC) + timedelta(days=expires_days) if expires_days else None
    new = auth.create_token(STATE.installation().uow, OPERATOR, email, name, expires)
    if json_output:
        print_json(
            {
                "id": new.id,
                "token": new.token,
                "expires_at": new.expires_at.isoformat() if new.expires_at else None,
            }
        )
    else:
        out_console.print(new.token, highlight=False, soft_wrap=True)
