"""Entry point of the ``correspondent`` command: global options and command groups."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from correspondent.cli import auth, mailboxes, records, settings, tracking
from correspondent.cli.context import STATE, handle_errors, out_console
from correspondent.services.blob_collection import housekeep_blobs
from correspondent.storage.migrate import upgrade_to_head

app = typer.Typer(
    no_args_is_help=True, add_completion=False, help="Correspondent: track email into your CRM."
)
db_app = typer.Typer(no_args_is_help=True, help="Database schema.")
app.add_typer(db_app, name="db")
records.register(app)
tracking.register(app)
settings.register(app)
auth.register(app)
mailboxes.register(app)


@app.callback()
def main(
    data_dir: Annotated[
        Path | None,
        typer.Option(envvar="CORRESPONDENT_DATA_DIR", help="Where the database and blobs live."),
    ] = None,
    database_url: Annotated[
        str | None,
        typer.Option(
            envvar="CORRESPONDENT_DATABASE_URL", help="SQLAlchemy URL; default SQLite in data dir."
        ),
    ] = None,
) -> None:
    STATE.reset(data_dir=data_dir, database_url=database_url)


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


@app.command()
@handle_errors
def serve(
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8000,
    demo: Annotated[bool, typer.Option(help="Seed demo data into an empty database.")] = True,
    sync: Annotated[
        bool, typer.Option(help="Also run the mailbox sync in this process (see 'worker').")
    ] = True,
    workers: Annotated[
        int, typer.Option(min=1, help="API processes; the sync still runs once, in this one.")
    ] = 1,
) -> None:
    """Run the HTTP server (seeding a demo organisation on first start) and the mailbox sync.

    With ``--workers N`` the API runs in N child processes (``api.server``, which keeps
    TCP_NODELAY on their connections) and the sync runs once, in a thread of this parent
    process: a sync per worker would only fight over the same leases.
    """
    import uvicorn

    from correspondent.api.app import create_app, freeze_long_lived_objects
    from correspondent.demo.seed import seed_demo_if_empty

    installation = STATE.installation()
    if demo:
        summary = seed_demo_if_empty(installation)
        if summary:
            out_console.print(summary)
    out_console.print(
        f"Correspondent is running: open http://{host}:{port}/api/v1/docs "
        f"(health: http://{host}:{port}/health). Data in "
        f"{installation.settings.data_dir.resolve()}."
    )
    runner = mailboxes.start_background_sync(installation) if sync else None
    try:
        if workers == 1:
            api = create_app(installation)
            freeze_long_lived_objects()
            uvicorn.run(api, host=host, port=port, log_level="info")
        else:
            from correspondent.api import asgi, server

            asgi.export_settings(installation.settings)
            server.serve("correspondent.api.asgi:app", host=host, port=port, workers=workers,
                         factory=True, log_level="info")  # fmt: skip
    finally:
        if runner is not None:
            mailboxes.stop_background_sync(runner)


if __name__ == "__main__":
    app()
