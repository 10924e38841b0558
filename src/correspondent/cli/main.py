"""Entry point of the ``correspondent`` command: global options and lazily loaded command groups.

Starting Python and importing SQLAlchemy, Alembic, pydantic and FastAPI costs far more than most
commands do, so this module imports none of them: ``--help`` lists the commands from
``COMMANDS`` alone, and running one imports only the module that defines it
(``tests/e2e/test_cli_startup.py`` keeps both honest).
"""

from __future__ import annotations

import functools
import importlib
import inspect
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any

import typer
from typer import _click as click  # Typer's own copy of Click, which its classes use
from typer.core import TyperCommand, TyperGroup

from correspondent.cli.context import STATE


@dataclass(frozen=True)
class LazyCommand:
    module: str
    """Defines ``register(app)``, which adds this command (and maybe others) to ``app``."""
    help: str
    """The first paragraph of the command's own help, shown by ``correspondent --help``."""


COMMANDS: dict[str, LazyCommand] = {
    "serve": LazyCommand(
        "correspondent.cli.server",
        "Run the HTTP server (seeding a demo organisation on first start) and the mailbox sync.",
    ),
    "db": LazyCommand("correspondent.cli.database", "Database schema."),
    "user": LazyCommand("correspondent.cli.records", "CRM users."),
    "record": LazyCommand("correspondent.cli.records", "CRM records."),
    "track": LazyCommand("correspondent.cli.tracking", "Track one or more .eml files for a user."),
    "import": LazyCommand(
        "correspondent.cli.tracking",
        "Track every message of an mbox file or a Maildir folder (source: import).",
    ),
    "set-regarding": LazyCommand(
        "correspondent.cli.tracking", "Link an activity to a regarding record."
    ),
    "untrack": LazyCommand(
        "correspondent.cli.tracking",
        "Stop tracking an activity; optionally delete it when nobody tracks it any more.",
    ),
    "activity": LazyCommand("correspondent.cli.tracking", "Email activities."),
    "attachment": LazyCommand("correspondent.cli.tracking", "Attachments of activities."),
    "quarantine": LazyCommand("correspondent.cli.tracking", "Messages that could not be tracked."),
    "settings": LazyCommand("correspondent.cli.settings", "Organisation settings."),
    "options": LazyCommand("correspondent.cli.settings", "A user's personal options."),
    "token": LazyCommand("correspondent.cli.auth", "Personal API tokens."),
    "mailbox": LazyCommand("correspondent.cli.mailboxes", "IMAP mailboxes synced by the server."),
    "worker": LazyCommand(
        "correspondent.cli.mailboxes",
        "Sync every enabled mailbox until SIGTERM (or Ctrl-C).",
    ),
}


@functools.cache
def commands_of(module: str) -> dict[str, click.Command]:
    """The Click commands that ``module.register`` adds, built once per process."""
    holder = typer.Typer()
    importlib.import_module(module).register(holder)
    return dict(typer.main.get_group(holder).commands)


def first_paragraph(command: click.Command) -> str:
    text = inspect.cleandoc(command.short_help or command.help or "")
    return text.partition("\f")[0].split("\n\n")[0].replace("\n", " ").strip()


class LazyGroup(TyperGroup):
    """A group whose commands are imported when one is run, not when the help lists them."""

    def __init__(self, **attrs: Any) -> None:
        super().__init__(**attrs)
        # Stand-ins carry the name and short help for listings and "did you mean" suggestions.
        self.commands = {
            name: TyperCommand(name, help=entry.help) for name, entry in COMMANDS.items()
        }
        self._listing = False

    def format_help(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        self._listing = True
        try:
            super().format_help(ctx, formatter)
        finally:
            self._listing = False

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        entry = COMMANDS.get(cmd_name)
        if entry is None or self._listing:
            return self.commands.get(cmd_name)
        return commands_of(entry.module)[cmd_name]


app = typer.Typer(
    cls=LazyGroup,
    no_args_is_help=True,
    add_completion=False,
    help="Correspondent: track email into your CRM.",
)


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


if __name__ == "__main__":
    app()
