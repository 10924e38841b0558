"""Serves the API with uvicorn, in one process or several, with ``TCP_NODELAY`` on every connection.

Why not ``uvicorn --workers N``: for several workers uvicorn binds the listening socket itself
with ``socket.socket(family)``, which leaves the socket's ``proto`` at 0. Accepted connections
inherit it, and asyncio only switches Nagle's algorithm off (``TCP_NODELAY``) on sockets that
report ``proto == IPPROTO_TCP``. uvicorn writes a response as two ``send()`` calls, headers
then body; with Nagle on, the kernel holds the body until the client acknowledges the headers,
and the client delays that acknowledgement by about 40 ms. Every keep-alive request after the
first then takes 40 ms longer (uvicorn issue #3149; the single-process path is not affected,
because asyncio builds that listener from ``getaddrinfo``, which fills in ``proto``).

Here every listener is created with ``IPPROTO_TCP`` and handed to uvicorn, so workers get
connections with ``TCP_NODELAY`` set, whatever the number of processes:

    python -m correspondent.api.server --factory bench.api_server:app --workers 2

One listener per worker (``SO_REUSEPORT``, Linux): if all workers share one listening socket,
the worker that wakes first accepts every connection waiting there, so a client that opens its
keep-alive connections at once (a load generator) puts them all on one worker (seen: 4-0 over
2 workers). Instead each worker slot gets its own socket, bound to the same address with
``SO_REUSEPORT``, and the kernel spreads new connections over those sockets by a hash of the
client's address and port (random, not round-robin: a few connections can still split unevenly).

The parent binds and listens on all of them before starting any worker and keeps them open; the
worker replacing slot ``i`` (after a crash, or on ``SIGHUP``) gets socket ``i`` again, so
connections arriving meanwhile wait in that slot's queue instead of being lost. (A listener with
no worker behind it would still be given connections, hence fixed slots, and ``SIGTTOU`` closes
the removed slot's socket.) ``_ReusePortMultiprocess`` is uvicorn's ``Multiprocess`` supervisor
with only the methods that start worker processes replaced, because uvicorn gives every worker
the same sockets. A plain bind first checks that nothing else listens on the address, since with
``SO_REUSEPORT`` a second server on the same port would silently share it. Elsewhere the workers
share one listener as before (BSD and macOS accept ``SO_REUSEPORT`` but do not balance with it).
"""

from __future__ import annotations

import argparse
import logging
import socket
import sys
from typing import Any

import uvicorn
from uvicorn.config import STARTUP_FAILURE
from uvicorn.supervisors import Multiprocess
from uvicorn.supervisors.multiprocess import Process

logger = logging.getLogger("uvicorn.error")

REUSE_PORT = sys.platform.startswith("linux") and hasattr(socket, "SO_REUSEPORT")
"""Whether each worker gets its own listener (see the module docstring)."""


def tcp_listener(host: str, port: int, *, reuse_port: bool = False) -> socket.socket:
    """A bound TCP socket whose accepted connections asyncio will mark ``TCP_NODELAY``."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        if reuse_port:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
        sock.bind((host, port))
    except BaseException:
        sock.close()
        raise
    sock.set_inheritable(True)  # the worker processes receive it
    return sock


def reuse_port_listeners(host: str, port: int, count: int, backlog: int) -> list[socket.socket]:
    """``count`` listening sockets on the same address, one per worker (``SO_REUSEPORT``).

    Raises ``OSError`` (address in use) if anything else listens on ``host:port``, even with
    ``SO_REUSEPORT``. Port 0 picks a free port, the same for all of them.
    """
    with tcp_listener(host, port) as probe:  # without SO_REUSEPORT: fails if the port is taken
        port = probe.getsockname()[1]
    listeners: list[socket.socket] = []
    try:
        for _ in range(count):
            listeners.append(tcp_listener(host, port, reuse_port=True))
            listeners[-1].listen(backlog)
    except BaseException:
        for sock in listeners:
            sock.close()
        raise
    return listeners


class _ReusePortMultiprocess(Multiprocess):
    """uvicorn's supervisor, where the worker in slot ``i`` always listens on ``listeners[i]``.

    Overrides every ``Multiprocess`` method that creates a ``Process`` (uvicorn 0.54:
    ``init_processes``, ``restart_all``, ``keep_subprocess_alive``, ``handle_ttin``; a test
    checks that list against the installed uvicorn); the bodies of ``restart_all`` and
    ``keep_subprocess_alive`` are uvicorn's, with only the construction changed.
    """

    def __init__(self, config: uvicorn.Config, listeners: list[socket.socket]) -> None:
        # uvicorn's own code paths only see the first listener; ours pass one per slot.
        super().__init__(config, sockets=listeners[:1])
        self.listeners = listeners
        self.backlog = config.backlog

    def _start_worker(self, slot: int) -> Process:
        if slot == len(self.listeners):  # a slot added by SIGTTIN
            host, port = self.listeners[0].getsockname()[:2]
            sock = tcp_listener(host, port, reuse_port=True)
            sock.listen(self.backlog)
            self.listeners.append(sock)
        process = Process(self.config, [self.listeners[slot]])
        process.start()
        return process

    def init_processes(self) -> None:
        for slot in range(self.processes_num):
            self.processes.append(self._start_worker(slot))

    def restart_all(self) -> None:
        """Replaces each worker, starting its replacement before retiring the old one."""
        for idx, old_process in enumerate(self.processes):
            if self.should_exit.is_set():
                return

            new_process = self._start_worker(idx)

            if not new_process.wait_until_ready(
                self.config.timeout_worker_healthcheck, self.should_exit
            ):
                new_process.kill()
                new_process.join()
                if not self.should_exit.is_set():
                    logger.error(
                        f"New child process [{new_process.pid}] was not ready in time; "
                        f"keeping worker [{old_process.pid}] and aborting the restart."
                    )
                return

            old_process.terminate()
            old_process.join()
            self.processes[idx] = new_process

    def keep_subprocess_alive(self) -> None:
        if self.should_exit.is_set():
            return  # parent process is exiting, no need to keep subprocess alive

        for idx, process in enumerate(self.processes):
            if process.is_alive(timeout=self.config.timeout_worker_healthcheck):
                continue

            process.kill()  # process is hung, kill it
            process.join()

            if process.exitcode == STARTUP_FAILURE:
                logger.error(
                    f"Child process [{process.pid}] failed to start, stopping the parent process."
                )
                self.should_exit.set()
                return

            if self.should_exit.is_set():
                return

            logger.info(f"Child process [{process.pid}] died")
            self.processes[idx] = self._start_worker(idx)

    def handle_ttin(self) -> None:
        logger.info("Received SIGTTIN, increasing the number of processes.")
        try:
            process = self._start_worker(len(self.processes))
        except OSError as error:
            logger.error(f"Cannot listen for another worker: {error}")
            return
        self.processes_num += 1
        self.processes.append(process)

    def handle_ttou(self) -> None:
        super().handle_ttou()
        # A listener without a worker would still be handed connections: close it.
        while len(self.listeners) > len(self.processes):
            self.listeners.pop().close()

    def run(self) -> None:
        try:
            super().run()
        finally:
            for sock in self.listeners:
                sock.close()


def serve(app: str, *, host: str, port: int, workers: int = 1, **options: Any) -> None:
    """Run ``app`` (an import string, as uvicorn needs for several workers) until stopped.

    ``options`` are passed to ``uvicorn.Config`` (``factory``, ``log_level``, ``access_log``…).
    """
    config = uvicorn.Config(app, host=host, port=port, workers=workers, **options)
    if workers > 1 and REUSE_PORT:
        listeners = reuse_port_listeners(host, port, workers, config.backlog)
        _ReusePortMultiprocess(config, listeners).run()
        return
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
