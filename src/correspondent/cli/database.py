"""``correspondent db …``: the database schema and blob housekeeping."""

from __future__ import annotations

from typing import Annotated

import typer

from correspondent.cli.context import STATE, handle_errors, out_console
from correspondent.services.blob_collection import housekeep_blobs
from correspondent.storage.migrate import upgrade_to_head

db_app = typer.Typer(no_args_is_help=True, help="Database schema.")


def register(app: typer.Typer) -> None:
    app.add_typer(db_app, name="db")


@db_app.command("upgrade")
@handle_errors
def db_upgrade() -> None:
    """Apply all database migrations (also done automatically on start)."""
    installation = STATE.installation()
    upgrade_to_head(installation.engine)
    out_console.print("Database schema is up to date.")


@db_app.command("sweep-blobs")
@handle_errors
def db_sweep_blobs(
    older_than_minutes: Annotated[
        int, typer.Option(min=1, help="Only files at least this old (default one hour).")
    ] = 60,
) -> None:
    """Delete blobs nothing uses any more, and files no row refers to (rolled-back writes)."""
    installation = STATE.installation()
    unused, orphaned = housekeep_blobs(
        installation.uow, installation.blobs, older_than_minutes * 60
    )
    out_console.print(f"Deleted {unused} unused and {orphaned} orphaned blob file(s).")
