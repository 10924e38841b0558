"""Short blocking reads (the timeline) run one at a time per process, in arrival order."""

from __future__ import annotations

import threading
import time
from types import SimpleNamespace

import anyio
from starlette.datastructures import State
from starlette.requests import Request

from correspondent.api.deps import SHORT_READ_THREADS, run_short_read


def test_short_reads_run_at_most_the_limit_at_once_and_in_order() -> None:
    request = Request({"type": "http", "app": SimpleNamespace(state=State())})
    lock = threading.Lock()
    running, most, finished = 0, 0, []

    def read(n: int) -> int:
        nonlocal running, most
        with lock:
            running += 1
            most = max(most, running)
        time.sleep(0.02)  # a blocking query
        with lock:
            running -= 1
            finished.append(n)
        return n

    async def main() -> list[int]:
        results: list[int] = []

        async def one(n: int) -> None:
            results.append(await run_short_read(request, lambda: read(n)))

        async with anyio.create_task_group() as tasks:
            for n in range(6):
                tasks.start_soon(one, n)
                await anyio.sleep(0.001)  # arrive in order
        return results

    assert sorted(anyio.run(main)) == list(range(6))
    assert most == SHORT_READ_THREADS == 1
    assert finished == list(range(6))
