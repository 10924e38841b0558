"""What ``serve`` prints on every start: where to open Correspondent and how to get in.

Kept in one place so that each new way in (an API token today, the web app's sign-in, an
add-in) adds its line to ``sign_in_hints`` and every start shows it. The commands printed must
work as printed in a fresh shell, where the virtual environment is not on the PATH.
"""

from __future__ import annotations

import shlex
import sys
from pathlib import Path
from urllib.parse import urlsplit

from correspondent.config import DEFAULT_DATA_DIR, Settings


def cli_invocation(settings: Settings) -> str:
    """How to run this same CLI on this same installation from a fresh shell."""
    script = Path(sys.argv[0])
    if script.name.endswith(".py"):  # python -m correspondent.cli.main
        words = [sys.executable, "-m", "correspondent.cli.main"]
    else:
        words = [_shortest_path(script.absolute())]
    if settings.data_dir.resolve() != DEFAULT_DATA_DIR.resolve():
        words += ["--data-dir", str(settings.data_dir.resolve())]
    url = settings.database_url
    if url and urlsplit(url).password is None:
        words += ["--database-url", url]
    command = shlex.join(words)
    if url and urlsplit(url).password is not None:
        # A password is not printed; the same environment variable brings it along.
        command = f"CORRESPONDENT_DATABASE_URL=… {command}"
    return command


def _shortest_path(path: Path) -> str:
    """Relative to the working directory when inside it (it still contains a slash)."""
    try:
        return str(path.relative_to(Path.cwd()))
    except ValueError:
        return str(path)


def sign_in_hints(cli: str, base_url: str, example_user: str | None) -> list[str]:
    """One line per way in; every start prints them all."""
    user = example_user or "EMAIL"
    return [
        f"Web app: {base_url}/ - sign in with your email address and password"
        + (" (the demo users' passwords were printed at first start)" if example_user else ""),
        f"API token (for scripts, add-ins and 'Authorize' on {base_url}/api/v1/docs): "
        f"{cli} token create {shlex.quote(user)}",
    ]


def startup_message(settings: Settings, base_url: str, example_user: str | None) -> str:
    cli = cli_invocation(settings)
    lines = [
        f"Correspondent is running: open {base_url}/ (API docs: {base_url}/api/v1/docs, "
        f"health: {base_url}/health). Data in {settings.data_dir.resolve()}.",
        "To sign in or get a token:",
        *(f"  {hint}" for hint in sign_in_hints(cli, base_url, example_user)),
        f"Try: {cli} activity list",
        "Stop with Ctrl-C.",
    ]
    return "\n".join(lines)
