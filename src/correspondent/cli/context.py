"""What every command shares: the installation (built lazily), output and error handling.

Exit codes: 0 success, 1 the input was invalid or something was refused, 2 usage error (Typer),
3 something named does not exist, 4 conflict with existing data, 5 a message was quarantined,
10 an unexpected failure of Correspondent itself.
"""

from __future__ import annotations

import functools
import json
import sys
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, ParamSpec, TypeVar

import typer
from rich.console import Console

from correspondent.domain.errors import Conflict, CorrespondentError, NotFound

if TYPE_CHECKING:
    from correspondent.bootstrap import Installation

P = ParamSpec("P")
R = TypeVar("R")

err_console = Console(stderr=True, soft_wrap=True)
out_console = Console(soft_wrap=True)


class CliState:
    def __init__(self) -> None:
        self.overrides: dict[str, Any] = {}
        self._installation: Installation | None = None

    def reset(self, **overrides: Any) -> None:
        """Start a new invocation (tests run many in one process)."""
        if self._installation is not None:
            self._installation.close()
        self._installation = None
        self.overrides = overrides

    def installation(self) -> Installation:
        # Imported here: settings, SQLAlchemy and the storage are the bulk of a command's start.
        from correspondent.bootstrap import build
        from correspondent.config import Settings

        if self._installation is None:
            settings = Settings.from_environment(**self.overrides)
            self._installation = build(settings)
        return self._installation


STATE = CliState()


def print_json(value: Any) -> None:
    sys.stdout.write(json.dumps(value, ensure_ascii=False, indent=2, default=str) + "\n")


def exit_code_for(error: CorrespondentError) -> int:
    from correspondent.services.activities.track import MessageQuarantined

    if isinstance(error, NotFound):
        return 3
    if isinstance(error, Conflict):
        return 4
    if isinstance(error, MessageQuarantined):
        return 5
    return 1


def handle_errors(func: Callable[P, R]) -> Callable[P, R]:
    """Turn Correspondent's errors into a message on stderr and a non-zero exit code."""

    @functools.wraps(func)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return func(*args, **kwargs)
        except CorrespondentError as error:
            err_console.print(f"[red]Error:[/red] {error}", highlight=False)
            raise typer.Exit(exit_code_for(error)) from None

    return wrapper
