"""The API's listener gives every accepted connection TCP_NODELAY, also in worker processes.

Without it, each keep-alive request after the first waits about 40 ms for the client's delayed
ACK (uvicorn writes headers and body in two sends). ``uvicorn --workers N`` has exactly that
problem, because its listener reports ``proto`` 0 and asyncio then leaves Nagle on.
"""

from __future__ import annotations

import asyncio
import pickle
import socket
from multiprocessing.reduction import ForkingPickler

from correspondent.api.server import tcp_listener


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
