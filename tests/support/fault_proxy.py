"""A fault-injecting TCP proxy on 127.0.0.1, put between an IMAP client and Dovecot.

Each accepted connection gets one upstream connection and one pump thread that moves bytes both
ways with ``select``. Faults a test can inject:

* :meth:`FaultProxy.cut_all` - drop every open connection now (RST, as a dead NAT would);
* :meth:`FaultProxy.cut_after_server_bytes` - the next connection to receive ``n`` more bytes
  from the server is cut right there (mid-FETCH);
* :meth:`FaultProxy.cut_on_server_pattern` - cut right after the server sends a pattern, e.g.
  ``b"+ idling"`` (mid-IDLE);
* :meth:`FaultProxy.set_latency` - delay every chunk in both directions;
* :meth:`FaultProxy.refuse_connections` - reset new connections for a while.

Cut faults fire once; ``cuts`` counts connections cut by a fault. Bounded: at most
``max_connections`` at a time; :meth:`FaultProxy.stop` closes everything and joins the threads.
"""

from __future__ import annotations

import contextlib
import itertools
import select
import socket
import struct
import threading
import time
from dataclasses import dataclass, field

_CHUNK = 16384


def _reset(sock: socket.socket) -> None:
    """Close with RST instead of FIN, like a connection killed in the network."""
    with contextlib.suppress(OSError):
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    sock.close()


@dataclass
class _Link:
    client: socket.socket
    server: socket.socket
    from_server: int = 0
    cut: threading.Event = field(default_factory=threading.Event)
    done: threading.Event = field(default_factory=threading.Event)


@dataclass
class _CutRule:
    after_bytes: int | None = None
    pattern: bytes | None = None
    baselines: dict[int, int] = field(default_factory=dict)


class FaultProxy:
    """Forwards ``127.0.0.1:port`` to ``upstream``; use as a context manager or start()/stop()."""

    def __init__(self, upstream_host: str, upstream_port: int, max_connections: int = 64) -> None:
        self.upstream = (upstream_host, upstream_port)
        self.max_connections = max_connections
        self.cuts = 0
        self._listener = socket.create_server(("127.0.0.1", 0))
        self._listener.settimeout(0.1)
        self.host = "127.0.0.1"
        self.port: int = self._listener.getsockname()[1]
        self._lock = threading.Lock()
        self._links: dict[int, _Link] = {}
        self._ids = itertools.count()
        self._rule: _CutRule | None = None
        self._latency = 0.0
        self._refuse_until = 0.0
        self._stopping = threading.Event()
        self._threads: list[threading.Thread] = []
        self._cut_event = threading.Event()

    def start(self) -> FaultProxy:
        """Start accepting connections."""
        self._spawn(self._accept_loop, "fault-proxy-accept")
        return self

    def __enter__(self) -> FaultProxy:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    # -- faults ------------------------------------------------------------------------------

    def cut_all(self) -> int:
        """Reset every open connection now; returns how many were cut."""
        with self._lock:
            links = list(self._links.values())
        for link in links:
            link.cut.set()
        for link in links:
            link.done.wait(timeout=2)
        return len(links)

    def cut_after_server_bytes(self, count: int) -> None:
        """Cut the first connection that receives ``count`` more bytes from the server."""
        with self._lock:
            baselines = {key: link.from_server for key, link in self._links.items()}
            self._rule = _CutRule(after_bytes=count, baselines=baselines)
            self._cut_event.clear()

    def cut_on_server_pattern(self, pattern: bytes) -> None:
        """Cut the first connection whose server sends ``pattern`` (forwarded, then cut)."""
        with self._lock:
            self._rule = _CutRule(pattern=pattern)
            self._cut_event.clear()

    def clear_faults(self) -> None:
        """Disarm cut rules, latency and refusal."""
        with self._lock:
            self._rule = None
            self._latency = 0.0
            self._refuse_until = 0.0

    def set_latency(self, seconds: float) -> None:
        """Delay every forwarded chunk by ``seconds`` (0 to stop)."""
        self._latency = seconds

    def refuse_connections(self, seconds: float) -> None:
        """Reset connections accepted during the next ``seconds``."""
        self._refuse_until = time.monotonic() + seconds

    def wait_for_cut(self, timeout: float = 5.0) -> bool:
        """Wait until an armed cut rule has fired."""
        return self._cut_event.wait(timeout)

    @property
    def open_connections(self) -> int:
        """How many client connections are currently open."""
        with self._lock:
            return len(self._links)

    # -- machinery ---------------------------------------------------------------------------

    def _spawn(self, target: object, name: str, *args: object) -> None:
        thread = threading.Thread(target=target, args=args, name=name, daemon=True)  # type: ignore[arg-type]
        self._threads = [t for t in self._threads if t.is_alive()]
        self._threads.append(thread)
        thread.start()

    def _accept_loop(self) -> None:
        while not self._stopping.is_set():
            try:
                client, _ = self._listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            if (
                time.monotonic() < self._refuse_until
                or self.open_connections >= self.max_connections
            ):
                _reset(client)
                continue
            try:
                server = socket.create_connection(self.upstream, timeout=5)
            except OSError:
                _reset(client)
                continue
            key = next(self._ids)
            link = _Link(client, server)
            with self._lock:
                self._links[key] = link
            self._spawn(self._pump, f"fault-proxy-{key}", key, link)

    def _pump(self, key: int, link: _Link) -> None:
        try:
            while not self._stopping.is_set() and not link.cut.is_set():
                readable, _, _ = select.select([link.client, link.server], [], [], 0.1)
                for source in readable:
                    data = source.recv(_CHUNK)
                    if not data:
                        return
                    if self._latency:
                        time.sleep(self._latency)
                    if source is link.server:
                        data, cut = self._apply_rule(key, link, data)
                        link.client.sendall(data)
                        if cut:
                            return
                    else:
                        link.server.sendall(data)
        except OSError:
            return
        finally:
            _reset(link.client)
            link.server.close()
            with self._lock:
                self._links.pop(key, None)
            link.done.set()

    def _apply_rule(self, key: int, link: _Link, data: bytes) -> tuple[bytes, bool]:
        """Return the bytes to forward and whether to cut after forwarding them."""
        with self._lock:
            rule = self._rule
            before = link.from_server
            link.from_server += len(data)
            if rule is None:
                return data, False
            if rule.after_bytes is not None:
                budget = rule.after_bytes - (before - rule.baselines.get(key, 0))
                if budget >= len(data):
                    return data, False
                data = data[: max(budget, 0)]
            elif rule.pattern is not None:
                index = data.find(rule.pattern)
                if index < 0:
                    return data, False
                data = data[: index + len(rule.pattern)]
            self._rule = None
            self.cuts += 1
        self._cut_event.set()
        return data, True

    def stop(self) -> None:
        """Stop accepting, reset all connections and join the threads."""
        self._stopping.set()
        self._listener.close()
        self.cut_all()
        for thread in self._threads:
            thread.join(timeout=2)
