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

    python -m correspondent.api.server --factory correspondent.api.asgi:app --workers 2

One listener per worker (``SO_REUSEPORT``, Linux): if all workers share one listening socket,
the worker that wakes first accepts every connection waiting there, so a client that opens its
keep-alive connections at once (a load generator) puts them all on one worker (seen: 4-0 over
2 workers). Instead each worker slot gets its own socket, bound to the same address with
``SO_REUSEPORT``, and the kernel spreads new connections over those sockets by a hash of the
client's address and port (random, not round-robin: a few connections can still split unevenly).

The parent binds and listens on all of them before starting any worker and keeps them open; a
worker that dies is replaced on its own slot's socket, so connections arriving meanwhile wait in
that socket's queue instead of being lost (a listener with no worker behind it would still be
given connections). uvicorn's own supervisor hands every worker the same sockets, so
``WorkerSlots`` is a small supervisor of our own: one spawned process per slot, replaced if it
dies, all replaced (new code) on SIGHUP, all stopped on SIGINT or SIGTERM. A plain bind first
checks that nothing else listens on the address, since with ``SO_REUSEPORT`` a second server on
the same port would silently share it. Elsewhere the workers share one listener under uvicorn's
supervisor as before (BSD and macOS accept ``SO_REUSEPORT`` but do not balance with it).
"""

from __future__ import annotations

import argparse
import contextlib
import ctypes
import logging
import multiprocessing
import os
import signal
import socket
import sys
import threading
import time
from dataclasses import dataclass
from multiprocessing.context import SpawnProcess
from multiprocessing.synchronize import Event as EventType
from typing import Any

import uvicorn
from uvicorn.config import STARTUP_FAILURE
from uvicorn.supervisors import Multiprocess

logger = logging.getLogger("uvicorn.error")

_SPAWN = multiprocessing.get_context("spawn")  # a fresh interpreter per worker, as uvicorn's

_PR_SET_PDEATHSIG = 1  # <linux/prctl.h>

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


def _die_with_parent() -> None:
    """Linux: have the kernel send this process SIGTERM when the supervisor dies, however it
    dies, so no worker keeps serving without one."""
    if not sys.platform.startswith("linux"):
        return
    libc = ctypes.CDLL(None, use_errno=True)
    if libc.prctl(_PR_SET_PDEATHSIG, signal.SIGTERM) != 0:
        error = ctypes.get_errno()
        logger.warning(f"prctl(PR_SET_PDEATHSIG) failed ({os.strerror(error)}); this worker "
                       "will not stop by itself if its supervisor is killed.")  # fmt: skip


def _run_worker(
    config: uvicorn.Config, listener: socket.socket, parent: int, ready: EventType
) -> None:
    """In a worker process: serve on ``listener`` until SIGINT or SIGTERM; ``ready`` once up."""
    # Reloads come from the supervisor; a hangup of the whole process group (a closed terminal)
    # must not cut this worker's requests short.
    signal.signal(signal.SIGHUP, signal.SIG_IGN)
    _die_with_parent()
    if os.getppid() != parent:  # the supervisor died before prctl took effect
        return
    config.configure_logging()
    try:
        config.load()  # the app factory: building the installation may fail (database, settings)
    except Exception:
        logger.exception("The app could not be loaded")
        sys.exit(STARTUP_FAILURE)
    server = uvicorn.Server(config)
    threading.Thread(target=_report_ready, args=(server, ready), daemon=True).start()
    with contextlib.suppress(KeyboardInterrupt):
        server.run(sockets=[listener])


def _report_ready(server: uvicorn.Server, ready: EventType) -> None:
    while not server.started:
        if server.should_exit:
            return
        time.sleep(0.05)
    ready.set()


@dataclass
class _Worker:
    process: SpawnProcess
    ready: EventType
    started_at: float


class WorkerSlots:
    """One uvicorn worker process per listener; a worker that dies is replaced on its slot.

    - SIGINT, SIGTERM: stop every worker (SIGKILL after ``STOP_SECONDS``).
    - SIGHUP: replace the workers one by one, to load new code; each old worker stops only once
      its replacement serves, and if a replacement cannot start, the old workers go on.
    - An app that cannot load before any worker ever served ends the supervisor with exit code
      3. Later (a database down for a while), failed workers are restarted with back-off.

    Signal handlers only record the signal; the loop acts on it.
    """

    CHECK_SECONDS = 0.5
    STOP_SECONDS = 30.0
    READY_SECONDS = 60.0
    MAX_BACKOFF_SECONDS = 30.0

    def __init__(self, config: uvicorn.Config, listeners: list[socket.socket]) -> None:
        self.config = config
        self.listeners = listeners
        self.workers: list[_Worker | None] = []
        self._signals: list[int] = []
        self._served = False
        self._failures = [0] * len(listeners)
        self._restart_at: dict[int, float] = {}

    def _start(self, slot: int) -> _Worker:
        ready = _SPAWN.Event()
        process = _SPAWN.Process(
            target=_run_worker,
            args=(self.config, self.listeners[slot], os.getpid(), ready),
            name=f"worker-{slot}",
        )
        process.start()
        return _Worker(process, ready, time.monotonic())

    def run(self) -> None:
        """Until SIGINT or SIGTERM (see the class docstring for the exit code)."""
        handled = [signal.SIGINT, signal.SIGTERM]
        if signal.getsignal(signal.SIGHUP) is not signal.SIG_IGN:  # not under nohup
            handled.append(signal.SIGHUP)
        previous = {signum: signal.getsignal(signum) for signum in handled}
        for signum in handled:
            signal.signal(signum, lambda signum, _frame: self._signals.append(signum))
        failed = False
        try:
            for slot in range(len(self.listeners)):
                self.workers.append(self._start(slot))
            logger.info(f"Started {len(self.workers)} workers, one listener each")
            while not failed:
                time.sleep(self.CHECK_SECONDS)
                received = self._take_signals()
                if received & {signal.SIGINT, signal.SIGTERM}:
                    break
                if signal.SIGHUP in received:
                    self._reload()
                    if self._stop_requested():
                        break
                failed = self._tend()
        finally:
            self._stop_all()
            for signum, handler in previous.items():
                signal.signal(signum, handler)
            for listener in self.listeners:
                listener.close()
        if failed:
            raise SystemExit(STARTUP_FAILURE)

    def _take_signals(self) -> set[int]:
        received: set[int] = set()
        while self._signals:  # pop, not copy-and-clear: a signal may arrive in between
            received.add(self._signals.pop())
        return received

    def _stop_requested(self) -> bool:
        return signal.SIGINT in self._signals or signal.SIGTERM in self._signals

    def _stop(self, worker: _Worker) -> None:
        worker.process.terminate()
        self._finish(worker, time.monotonic() + self.STOP_SECONDS)

    def _finish(self, worker: _Worker, deadline: float) -> None:
        """Wait for a worker told to stop; SIGKILL it at ``deadline``."""
        worker.process.join(max(0.0, deadline - time.monotonic()))
        if worker.process.is_alive():
            logger.warning(f"Worker [{worker.process.pid}] did not stop in time; killing it.")
            worker.process.kill()
            worker.process.join()

    def _stop_all(self) -> None:
        running = [w for w in self.workers if w is not None]
        for worker in running:  # all at once, then wait for each
            if worker.process.is_alive():
                worker.process.terminate()
        deadline = time.monotonic() + self.STOP_SECONDS
        for worker in running:
            self._finish(worker, deadline)

    def _wait_ready(self, worker: _Worker) -> bool:
        deadline = time.monotonic() + self.READY_SECONDS
        while not worker.ready.wait(0.1):
            if not worker.process.is_alive() or time.monotonic() > deadline:
                return False
            if self._stop_requested():
                return False
        return True

    def _reload(self) -> None:
        logger.info("Received SIGHUP, replacing the workers.")
        for slot, old in enumerate(self.workers):
            if self._stop_requested():
                return
            new = self._start(slot)
            if not self._wait_ready(new):
                self._stop(new)
                logger.error(
                    f"Reload stopped: the new worker for slot {slot} did not start (exit code "
                    f"{new.process.exitcode}); the running workers go on."
                )
                return
            self.workers[slot] = new
            if old is not None:
                self._stop(old)
            self._restart_at.pop(slot, None)

    def _tend(self) -> bool:
        """Restart workers that exited (with back-off if they keep failing); True if the app
        cannot start at all."""
        now = time.monotonic()
        for slot, worker in enumerate(self.workers):
            if worker is not None and worker.ready.is_set():
                self._served = True
                self._failures[slot] = 0
            if worker is not None and worker.process.is_alive():
                continue
            if worker is not None:
                worker.process.join()
                if worker.process.exitcode == STARTUP_FAILURE and not self._served:
                    logger.error(f"Worker [{worker.process.pid}] failed to start; stopping.")
                    return True
                self._failures[slot] += not worker.ready.is_set()
                delay = min(0.5 * 2 ** self._failures[slot], self.MAX_BACKOFF_SECONDS)
                delay = delay if self._failures[slot] else 0.0
                logger.warning(
                    f"Worker [{worker.process.pid}] exited with code {worker.process.exitcode}; "
                    f"starting another on its listener in {delay:.1f} s."
                )
                self.workers[slot] = None
                self._restart_at[slot] = now + delay
            if now >= self._restart_at.get(slot, now):
                self._restart_at.pop(slot, None)
                self.workers[slot] = self._start(slot)
        return False


def serve(app: str, *, host: str, port: int, workers: int = 1, **options: Any) -> None:
    """Run ``app`` (an import string, as uvicorn needs for several workers) until stopped.

    ``options`` are passed to ``uvicorn.Config`` (``factory``, ``log_level``, ``access_log``…).
    """
    config = uvicorn.Config(app, host=host, port=port, workers=workers, **options)
    if workers > 1 and REUSE_PORT:
        listeners = reuse_port_listeners(host, port, workers, config.backlog)
        WorkerSlots(config, listeners).run()
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
