"""The API's listener gives every accepted connection TCP_NODELAY, also in worker processes, and
with several workers each worker has its own listener (SO_REUSEPORT) so connections opened at
once are spread over the workers.

Without TCP_NODELAY, each keep-alive request after the first waits about 40 ms for the client's
delayed ACK (uvicorn writes headers and body in two sends). ``uvicorn --workers N`` has exactly
that problem, because its listener reports ``proto`` 0 and asyncio then leaves Nagle on.
"""

from __future__ import annotations

import asyncio
import contextlib
import errno
import os
import pickle
import signal
import socket
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from multiprocessing.reduction import ForkingPickler
from pathlib import Path
from typing import Any

import pytest
from uvicorn.config import STARTUP_FAILURE

from correspondent.api.server import REUSE_PORT, WorkerSlots, reuse_port_listeners, tcp_listener
from tests.support.waiting import PATIENT, wait_until

# A reload starts both workers in turn, each with READY_SECONDS to get ready; on a busy machine
# (CI shares two cores) that is the bound to wait for, not the usual patience.
RELOAD_PATIENCE = max(PATIENT, 2 * WorkerSlots.READY_SECONDS + 10)


async def _nodelay_of_accepted(listener: socket.socket) -> int:
    accepted: asyncio.Future[int] = asyncio.get_running_loop().create_future()

    class Probe(asyncio.Protocol):
        def connection_made(self, transport: asyncio.BaseTransport) -> None:
            sock = transport.get_extra_info("socket")
            accepted.set_result(sock.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY))
            transport.close()

    server = await asyncio.get_running_loop().create_server(Probe, sock=listener)
    async with server:
        host, port = listener.getsockname()[:2]
        _, writer = await asyncio.open_connection(host, port)
        try:
            return await asyncio.wait_for(accepted, 5)
        finally:
            writer.close()


def test_connections_accepted_by_the_listener_have_nodelay() -> None:
    listener = tcp_listener("127.0.0.1", 0)
    assert listener.proto == socket.IPPROTO_TCP
    assert asyncio.run(_nodelay_of_accepted(listener)) == 1


def test_a_worker_process_gets_a_listener_that_still_says_tcp() -> None:
    """Worker processes receive the listener pickled, as multiprocessing sends it."""
    listener = tcp_listener("127.0.0.1", 0)
    received: socket.socket = pickle.loads(ForkingPickler.dumps(listener))
    try:
        assert received.proto == socket.IPPROTO_TCP
        assert asyncio.run(_nodelay_of_accepted(received)) == 1
    finally:
        received.close()
        listener.close()


# --- Several workers, each with its own SO_REUSEPORT listener (Linux) ------------------------

linux_only = pytest.mark.skipif(not REUSE_PORT, reason="SO_REUSEPORT listeners are Linux-only")


async def worker_app(scope: dict[str, Any], receive: Any, send: Any) -> None:
    """Answers ``<pid> <TCP_NODELAY of this connection>``; served by ``_two_workers``."""
    if scope["type"] == "lifespan":
        while (await receive())["type"] != "lifespan.shutdown":
            await send({"type": "lifespan.startup.complete"})
        await send({"type": "lifespan.shutdown.complete"})
        return
    body = f"{os.getpid()} {_nodelay_of_connection_from(tuple(scope['client']))}".encode()
    headers = [(b"content-length", str(len(body)).encode())]
    await send({"type": "http.response.start", "status": 200, "headers": headers})
    await send({"type": "http.response.body", "body": body})


def _nodelay_of_connection_from(client: tuple[str, int]) -> int:
    """In the worker: TCP_NODELAY of the accepted socket whose peer is ``client``."""
    for fd in os.listdir("/proc/self/fd"):
        try:
            if not os.readlink(f"/proc/self/fd/{fd}").startswith("socket:"):
                continue
            with socket.socket(fileno=os.dup(int(fd))) as sock:
                if sock.type == socket.SOCK_STREAM and sock.getpeername()[:2] == client:
                    return sock.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY)
        except OSError:
            continue
    return -1


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@dataclass
class Server:
    process: subprocess.Popen[bytes]
    port: int


@pytest.fixture(scope="module")
def two_workers() -> Iterator[Server]:
    port = _free_port()
    command = [sys.executable, "-m", "correspondent.api.server", f"{__name__}:worker_app",
               "--port", str(port), "--workers", "2", "--log-level", "warning"]  # fmt: skip
    process = subprocess.Popen(
        command, cwd=Path(__file__).parents[2], stdout=subprocess.PIPE, stderr=subprocess.STDOUT
    )
    try:
        _await_listener(process, port)
        yield Server(process, port)
    finally:
        process.send_signal(signal.SIGTERM)
        output = process.communicate(timeout=30)[0].decode()
    assert process.returncode == 0, output


def _await_listener(process: subprocess.Popen[bytes], port: int) -> None:
    """Until the server's listeners exist (they queue connections once the parent has bound
    them, before any worker is up)."""

    def listening() -> bool:
        assert process.poll() is None, process.stdout.read() if process.stdout else "exited"
        socket.create_connection(("127.0.0.1", port), timeout=1).close()
        return True

    wait_until(listening, what=f"a listener on port {port}", ignore=(OSError,))


def _ask_at_once(port: int, connections: int = 32) -> list[tuple[int, int]]:
    """Opens all connections before sending anything (as a load generator does), then one request
    on each; returns the (worker pid, TCP_NODELAY) of each answer."""
    socks = [socket.create_connection(("127.0.0.1", port), timeout=20) for _ in range(connections)]
    answers = []
    try:
        for sock in socks:
            sock.sendall(b"GET / HTTP/1.1\r\nHost: test\r\nConnection: close\r\n\r\n")
        for sock in socks:
            response = b""
            while chunk := sock.recv(4096):
                response += chunk
            head, _, body = response.partition(b"\r\n\r\n")
            assert head.startswith(b"HTTP/1.1 200"), response
            pid, nodelay = body.split()
            answers.append((int(pid), int(nodelay)))
    finally:
        for sock in socks:
            sock.close()
    return answers


def _listening_inodes(port: int) -> set[str]:
    """Inodes of the sockets listening on 127.0.0.1:port (one line per socket)."""
    local = f"0100007F:{port:04X}"
    lines = Path("/proc/net/tcp").read_text().splitlines()[1:]
    return {f[9] for f in map(str.split, lines) if f[1] == local and f[3] == "0A"}


def _socket_inodes_of(pid: int) -> set[str]:
    inodes = set()
    for fd in Path(f"/proc/{pid}/fd").iterdir():
        with contextlib.suppress(OSError):
            target = os.readlink(fd)
            if target.startswith("socket:["):
                inodes.add(target.removeprefix("socket:[").removesuffix("]"))
    return inodes


def _listener_of(pid: int, port: int) -> str:
    (inode,) = _socket_inodes_of(pid) & _listening_inodes(port)
    return inode


@linux_only
def test_each_worker_listens_on_its_own_socket_and_both_get_connections(
    two_workers: Server,
) -> None:
    pids = {pid for pid, _ in _ask_at_once(two_workers.port)}
    # 32 connections hashed over 2 sockets all land on one with probability 2**-31.
    assert len(pids) == 2
    assert len(_listening_inodes(two_workers.port)) == 2
    assert len({_listener_of(pid, two_workers.port) for pid in pids}) == 2


@linux_only
def test_connections_accepted_by_workers_have_nodelay(two_workers: Server) -> None:
    assert {nodelay for _, nodelay in _ask_at_once(two_workers.port, 4)} == {1}


@linux_only
def test_a_killed_worker_is_replaced_on_the_same_listener(two_workers: Server) -> None:
    pids = {pid for pid, _ in _ask_at_once(two_workers.port)}
    listeners = {pid: _listener_of(pid, two_workers.port) for pid in pids}
    victim, survivor = sorted(pids)
    os.kill(victim, signal.SIGKILL)
    wait_until(lambda: _state_of(victim) in ("gone", "Z"), what=f"worker {victim} to die")

    # Connections hashed to the dead worker's socket wait there for its replacement.
    answers = _ask_at_once(two_workers.port)
    (replacement,) = {pid for pid, _ in answers} - {survivor}
    assert replacement not in pids
    assert _listener_of(replacement, two_workers.port) == listeners[victim]
    assert _listening_inodes(two_workers.port) == set(listeners.values())
    assert {nodelay for _, nodelay in answers} == {1}


def _state_of(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return "gone"


@linux_only
def test_the_listeners_share_one_port_and_refuse_a_port_already_in_use() -> None:
    listeners = reuse_port_listeners("127.0.0.1", 0, 3, backlog=16)
    try:
        ports = {sock.getsockname()[1] for sock in listeners}
        assert len(ports) == 1
        assert all(sock.proto == socket.IPPROTO_TCP for sock in listeners)
        assert all(sock.getsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT) for sock in listeners)
        # A second server on the same port fails, even though its listeners use SO_REUSEPORT too.
        with pytest.raises(OSError) as error:
            reuse_port_listeners("127.0.0.1", ports.pop(), 2, backlog=16)
        assert error.value.errno == errno.EADDRINUSE
    finally:
        for sock in listeners:
            sock.close()
    with tcp_listener("127.0.0.1", 0) as plain:
        plain.listen()
        with pytest.raises(OSError):
            reuse_port_listeners("127.0.0.1", plain.getsockname()[1], 2, backlog=16)


@linux_only
def test_a_worker_that_cannot_start_its_app_stops_the_server() -> None:
    """An app that cannot load fails the same way on every restart: no restart loop."""
    command = [sys.executable, "-m", "correspondent.api.server", "no_such_module:app",
               "--port", str(_free_port()), "--workers", "2", "--log-level", "warning"]  # fmt: skip
    finished = subprocess.run(command, capture_output=True, text=True, timeout=60)
    assert finished.returncode == STARTUP_FAILURE, finished.stderr
    assert "failed to start" in finished.stderr


def broken_factory() -> Any:
    """An app factory that fails as building the installation can (database down, bad settings)."""
    raise RuntimeError("the database is not reachable")


@linux_only
def test_a_worker_whose_app_factory_raises_stops_the_server() -> None:
    command = [sys.executable, "-m", "correspondent.api.server", f"{__name__}:broken_factory",
               "--factory", "--port", str(_free_port()), "--workers", "2"]  # fmt: skip
    finished = subprocess.run(
        command, cwd=Path(__file__).parents[2], capture_output=True, text=True, timeout=60
    )
    assert finished.returncode == STARTUP_FAILURE, finished.stderr
    assert "the database is not reachable" in finished.stderr
    assert finished.stderr.count("could not be loaded") <= 2  # no restart loop


def _start_two_workers(
    port: int,
    app: str = "worker_app",
    env: dict[str, str] | None = None,
    log: Path | None = None,
) -> subprocess.Popen[bytes]:
    """The server, once it listens; its log goes to ``log`` if given."""
    command = [sys.executable, "-m", "correspondent.api.server", f"{__name__}:{app}",
               "--port", str(port), "--workers", "2", "--log-level", "warning"]  # fmt: skip
    if app != "worker_app":
        command.append("--factory")
    with log.open("ab") if log else contextlib.nullcontext(subprocess.DEVNULL) as stderr:
        process = subprocess.Popen(
            command,
            cwd=Path(__file__).parents[2],
            stderr=stderr,
            env={**os.environ, **(env or {})},
        )
    _await_listener(process, port)
    return process


@linux_only
def test_sighup_replaces_the_workers_and_a_killed_supervisor_takes_them_along() -> None:
    port = _free_port()
    process = _start_two_workers(port)
    try:
        first = {pid for pid, _ in _ask_at_once(port)}
        assert len(first) == 2
        process.send_signal(signal.SIGHUP)

        def replaced() -> bool:
            assert process.poll() is None, "the supervisor exited"
            now = {pid for pid, _ in _ask_at_once(port)}
            return len(now) == 2 and not now & first

        # The supervisor replaces the workers one after the other, giving each READY_SECONDS.
        wait_until(replaced, RELOAD_PATIENCE, what="two new workers to answer", interval=0.2)
        now = {pid for pid, _ in _ask_at_once(port)}
        process.kill()  # SIGKILL: no chance to stop the workers itself
        process.wait(30)
        wait_until(
            lambda: all(_state_of(pid) in ("gone", "Z") for pid in now),
            what="the workers to end with their supervisor",
        )
    finally:
        if process.poll() is None:
            process.kill()


def breakable_factory() -> Any:
    """``worker_app``, unless the file named by $BREAK_APP exists (a bad deploy, a database
    that is down)."""
    if Path(os.environ["BREAK_APP"]).exists():
        raise RuntimeError("the app is broken now")
    return worker_app


@linux_only
def test_workers_that_cannot_start_later_leave_the_running_ones_serving(tmp_path: Path) -> None:
    port, broken, log = _free_port(), tmp_path / "broken", tmp_path / "server.log"
    process = _start_two_workers(port, "breakable_factory", {"BREAK_APP": str(broken)}, log)

    def logged(text: str, times: int = 1) -> bool:
        assert process.poll() is None, log.read_text()
        return log.read_text().count(text) >= times

    try:
        first = {pid for pid, _ in _ask_at_once(port)}
        assert len(first) == 2
        broken.touch()
        # A reload whose new workers cannot load keeps the old ones.
        process.send_signal(signal.SIGHUP)
        wait_until(lambda: logged("Reload stopped"), RELOAD_PATIENCE, what="the reload to give up")
        assert {pid for pid, _ in _ask_at_once(port)} == first
        # A worker that dies now cannot be replaced yet: no exit, retries with back-off...
        victim = min(first)
        os.kill(victim, signal.SIGKILL)
        failed_start = f"exited with code {STARTUP_FAILURE}"
        wait_until(lambda: logged(failed_start, 2), what="two failed replacements of the worker")
        # ...and once the app loads again, its slot serves again.
        broken.unlink()

        def slot_serves_again() -> bool:
            assert process.poll() is None, log.read_text()
            return len({pid for pid, _ in _ask_at_once(port)} - {victim}) == 2

        # The back-off after two failures is 2 s, and starting a worker takes a few seconds.
        wait_until(slot_serves_again, timeout=120, what="a replacement worker", interval=0.5)
    finally:
        process.send_signal(signal.SIGTERM)
        process.wait(30)
    assert process.returncode == 0
