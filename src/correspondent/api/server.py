"""Serves the API with uvicorn, in one process or several, with ``TCP_NODELAY`` on every connection.

Why not ``uvicorn --workers N``: for several workers uvicorn binds the listening socket itself
with ``socket.socket(family)``, which leaves the socket's ``proto`` at 0. Accepted connections
inherit it, and asyncio only switches Nagle's algorithm off (``TCP_NODELAY``) on sockets that
report ``proto == IPPROTO_TCP``. uvicorn writes a response as two ``send()`` calls, headers
then body; with Nagle on, the kernel holds the body until the client acknowledges the headers,
and the client delays that acknowledgement by about 40 ms. Every keep-alive request after the
first then takes 40 ms longer (uvicorn issue #3149; the single-process path is not affected,
because asyncio builds that listener from ``getaddrinfo``, which fills in ``proto``).

Here the listener is created with ``IPPROTO_TCP`` and handed to uvicorn, so workers get
connections with ``TCP_NODELAY`` set, whatever the number of processes:

    python -m correspondent.api.server --factory bench.api_server:app --workers 2
"""

from __future__ import annotations

import argparse
import socket
from typing import Any

import uvicorn
from uvicorn.supervisors import Multiprocess


def tcp_listener(host: str, port: int) -> socket.socket:
    """A bound TCP socket whose accepted connections asyncio will mark ``TCP_NODELAY``."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((host, port))
    sock.set_inheritable(True)  # the worker processes receive it
    return sock


def serve(app: str, *, host: str, port: int, workers: int = 1, **options: Any) -> None:
    """Run ``app`` (an import string, as uvicorn needs for several workers) until stopped.

    ``options`` are passed to ``uvicorn.Config`` (``factory``, ``log_level``, ``access_log``…).
    """
    config = uvicorn.Config(app, host=host, port=port, workers=workers, **options)
    sock = tcp_listener(host, port)
    if workers > 1:
        Multiprocess(config, sockets=[sock]).run()
    else:
        uvicorn.Server(config).run(sockets=[sock])


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("app", help="import string, e.g. package.module:app")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8000)
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--factory", action="store_true", help="app is a factory to call")
    parser.add_argument("--log-level", default="info")
    parser.add_argument("--no-access-log", dest="access_log", action="store_false")
    args = parser.parse_args(argv)
    serve(
        args.app,
        host=args.host,
        port=args.port,
        workers=args.workers,
        factory=args.factory,
        log_level=args.log_level,
        access_log=args.access_log,
    )


if __name__ == "__main__":
    main()
