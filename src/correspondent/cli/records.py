"""Commands for users and CRM records: ``user add``, ``record add``, ``record import``."""

from __future__ import annotations

import csv
import dataclasses
from pathlib import Path
from typing import Annotated

import typer
from rich.progress import Progress

from correspondent.cli.auth import read_password_from_stdin
from correspondent.cli.context import STATE, handle_errors, out_console, print_json
from correspondent.domain.access import OPERATOR
from correspondent.domain.errors import InvalidInput
from correspondent.domain.records import RecordRef, record_kind
from correspondent.services.admin.users import (
    UserChanges,
    add_user,
    list_users,
    update_user,
    user_by_email,
)
from correspondent.services.records.create import create_record
from correspondent.services.records.imports import import_records
from correspondent.services.records.queries import get_record

user_app = typer.Typer(no_args_is_help=True, help="CRM users.")
record_app = typer.Typer(no_args_is_help=True, help="CRM records.")

IMPORTABLE = ("account", "contact", "lead")


def register(app: typer.Typer) -> None:
    app.add_typer(user_app, name="user")
    app.add_typer(record_app, name="record")


@user_app.command("add")
@handle_errors
def user_add(
    email: str,
    name: Annotated[str, typer.Option("--name", help="Full name.")],
    role: Annotated[list[str] | None, typer.Option("--role", help="Role (repeatable).")] = None,
    business_unit: Annotated[str | None, typer.Option("--business-unit")] = None,
    json_output: Annotated[bool, typer.Option("--json")] = False,
    password_stdin: Annotated[
        bool, typer.Option("--password-stdin", help="Read a sign-in password from stdin.")
    ] = False,
) -> None:
    """Add a user whose primary email address is EMAIL (approved: an operator added them)."""
    password = read_password_from_stdin() if password_stdin else None
    user = add_user(
        STATE.installation().uow,
        OPERATOR,
        email,
        name,
        roles=role or [],
        business_unit=business_unit,
        password=password,
    )
    if json_output:
        print_json({"type": "user", **dataclasses.asdict(user)})
    else:
        out_console.print(f"Added user {user.id}: {user.name} <{user.email}>")


@user_app.command("change")
@handle_errors
def user_change(
    email: str,
    approve: Annotated[
        bool | None,
        typer.Option("--approve/--unapprove", help="Approve the email address (or withdraw it)."),
    ] = None,
    role: Annotated[
        list[str] | None, typer.Option("--role", help="Replace the roles (repeatable).")
    ] = None,
    business_unit: Annotated[str | None, typer.Option("--business-unit")] = None,
    active: Annotated[bool | None, typer.Option("--activate/--deactivate")] = None,
    json_output: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """Change the user whose primary email address is EMAIL."""
    uow = STATE.installation().uow
    user = user_by_email(uow, OPERATOR, email)
    changes = UserChanges(
        roles=role or None, active=active, email_approved=approve, business_unit=business_unit
    )
    user = update_user(uow, OPERATOR, user.id, changes)
    if json_output:
        print_json({"type": "user", **dataclasses.asdict(user)})
    else:
        state = "approved" if user.email_approved else "not approved"
        out_console.print(
            f"User {user.id}: {user.email} ({state}, {'active' if user.active else 'inactive'}; "
            f"roles {', '.join(user.roles)})",
            highlight=False,
        )


def _parse_assignments(assignments: list[str]) -> dict[str, str]:
    values: dict[str, str] = {}
    for item in assignments:
        key, sep, value = item.partition("=")
        if not sep or not key.strip():
            raise InvalidInput(f"{item!r} is not FIELD=VALUE.")
        values[key.strip()] = value
    return values


@record_app.command("add")
@handle_errors
def record_add(
    type_name: Annotated[
        str, typer.Argument(metavar="TYPE", help="account|contact|lead|opportunity|case")
    ],
    set_: Annotated[list[str], typer.Option("--set", help="FIELD=VALUE (repeatable).")],
    owner: Annotated[str | None, typer.Option("--owner", help="Owner's email address.")] = None,
    json_output: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """Add one record."""
    record_kind(type_name)
    record = create_record(
        STATE.installation().uow,
        OPERATOR,
        type_name,
        _parse_assignments(set_),
        owner or _default_owner(),
    )
    if json_output:
        print_json(record.as_dict())
    else:
        out_console.print(f"Added {record.type} {record.id}: {record.name}")


@record_app.command("show")
@handle_errors
def record_show(ref: str, json_output: Annotated[bool, typer.Option("--json")] = False) -> None:
    """Show one record, written TYPE:ID."""
    view = get_record(STATE.installation().uow, OPERATOR, RecordRef.parse(ref)).as_dict()
    if json_output:
        print_json(view)
    else:
        for key, value in view.items():
            out_console.print(f"{key}: {value}", highlight=False)


@record_app.command("import")
@handle_errors
def record_import(
    type_name: Annotated[str, typer.Argument(metavar="TYPE", help="account|contact|lead")],
    file: Annotated[Path, typer.Argument(exists=True, dir_okay=False, readable=True)],
    owner: Annotated[str | None, typer.Option("--owner")] = None,
    json_output: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """Import records from a CSV file whose headers are field names (all or nothing)."""
    if type_name not in IMPORTABLE:
        raise InvalidInput(f"Only {', '.join(IMPORTABLE)} can be imported from CSV.")
    with file.open(newline="", encoding="utf-8-sig") as handle:
        rows = list(csv.DictReader(handle))
    with Progress(transient=True, disable=json_output) as progress:
        task = progress.add_task(f"Importing {type_name}s", total=len(rows))
        ids = import_records(
            STATE.installation().uow,
            OPERATOR,
            type_name,
            rows,
            owner or _default_owner(),
            on_progress=lambda n: progress.update(task, advance=n),
        )
    if json_output:
        print_json({"type": type_name, "imported": len(ids), "ids": ids})
    else:
        out_console.print(f"Imported {len(ids)} {type_name} records.")


def _default_owner() -> str:
    users = list_users(STATE.installation().uow, OPERATOR)
    if not users:
        raise InvalidInput(
            "There are no users yet; add one with 'correspondent user add', or pass --owner."
        )
    return users[0].email
