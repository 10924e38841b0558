"""``correspondent serve``: the HTTP API and the mailbox sync, until Ctrl-C or SIGTERM."""

from __future__ import annotations

import signal
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from types import FrameType
from typing import Annotated

import typer

from correspondent.cli import mailboxes
from correspondent.cli.context import STATE, handle_errors, out_console
from correspondent.cli.first_steps import startup_message
from correspondent.domain.errors import InvalidInput


def register(app: typer.Typer) -> None:
    app.command("serve")(serve)


class StopRequested(BaseException):
    """SIGINT or SIGTERM asked the server to stop (a BaseException, like KeyboardInterrupt)."""


@contextmanager
def stopping_cleanly() -> Iterator[None]:
    """Turn SIGINT/SIGTERM into a normal return with exit code 0.

    uvicorn shuts down gracefully on these signals and then raises the same signal again
    against the handler that was there before it; without this one the process would die of
    it afterwards (exit 130/143, which ``make run`` reports as an error).
    """

    def request_stop(_signum: int, _frame: FrameType | None) -> None:
        raise StopRequested

    previous = {sig: signal.signal(sig, request_stop) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        yield
    except StopRequested:
        out_console.print("Correspondent stopped.")
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)


def tls_options(certfile: Path | None, keyfile: Path | None) -> tuple[str | None, str | None]:
    """uvicorn's TLS files from the two flags: both or neither, each a readable file."""
    if certfile is None and keyfile is None:
        return None, None
    if certfile is None or keyfile is None:
        raise InvalidInput("Give both --ssl-certfile and --ssl-keyfile to serve HTTPS.")
    for flag, path in (("--ssl-certfile", certfile), ("--ssl-keyfile", keyfile)):
        if not path.is_file():
            raise InvalidInput(f"{flag} {path}: no such file.")
    return str(certfile), str(keyfile)


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
    ssl_certfile: Annotated[
        Path | None,
        typer.Option(help="PEM certificate (chain) to serve HTTPS with; needs --ssl-keyfile."),
    ] = None,
    ssl_keyfile: Annotated[
        Path | None, typer.Option(help="PEM private key of --ssl-certfile.")
    ] = None,
) -> None:
    """Run the HTTP server (seeding a demo organisation on first start) and the mailbox sync.

    With ``--workers N`` the API runs in N child processes (``api.server``, which keeps
    TCP_NODELAY on their connections) and the sync runs once, in a thread of this parent
    process: a sync per worker would only fight over the same leases.
    """
    import uvicorn

    from correspondent.api.app import create_app, freeze_long_lived_objects

    cert, key = tls_options(ssl_certfile, ssl_keyfile)
    scheme = "https" if cert else "http"
    from correspondent.demo.seed import demo_admin_if_present, seed_demo_if_empty

    installation = STATE.installation()
    with stopping_cleanly():
        if demo:
            summary = seed_demo_if_empty(installation)
            if summary:
                out_console.print(summary, highlight=False)
        example_user = demo_admin_if_present(installation) if demo else None
        out_console.print(
            startup_message(installation.settings, f"{scheme}://{host}:{port}", example_user),
            highlight=False,
        )
        runner = mailboxes.start_background_sync(installation) if sync else None
        try:
            if workers == 1:
                api = create_app(installation)
                freeze_long_lived_objects()
                uvicorn.run(
                    api, host=host, port=port, log_level="info", ssl_certfile=cert, ssl_keyfile=key
                )
            else:
                from correspondent.api import asgi, server

                asgi.export_settings(installation.settings)
                server.serve(
                    "correspondent.api.asgi:app", host=host, port=port, workers=workers,
                    factory=True, log_level="info", ssl_certfile=cert, ssl_keyfile=key,
                )  # fmt: skip
        finally:
            if runner is not None:
                mailboxes.stop_background_sync(runner)
