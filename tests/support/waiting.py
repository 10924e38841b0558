"""Waiting for a condition instead of sleeping for a guessed time.

A fixed sleep is either too short on a loaded machine (the test fails) or wastes time on an idle
one. ``wait_until`` polls a condition and returns as soon as it holds. Its timeouts are meant to
be generous (tens of seconds): they are only reached when something is really wrong, and then
the error names what was awaited.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")

PATIENT = 60.0
"""Seconds to wait for something that takes a moment on an idle machine (a process starting, a
sync pass, a replacement worker): far more than it needs while other processes hold the cores."""


class WaitTimeout(AssertionError):
    """The awaited condition did not hold in time (an ``AssertionError``: pytest shows it as a
    failed check, not as a crash of the test's machinery)."""


def wait_until(
    check: Callable[[], T | None],
    timeout: float = PATIENT,
    what: str | None = None,
    interval: float = 0.02,
    ignore: tuple[type[BaseException], ...] = (),
) -> float:
    """Call ``check`` until it returns something truthy; return the seconds that took.

    ``what`` says what is awaited ("the worker to listen on its port"); the timeout's message
    starts with it, followed by the last value ``check`` returned or the last exception it
    raised (exceptions of the types in ``ignore`` count as "not yet"; any other propagates).
    """
    started = time.monotonic()
    last: object = None
    while True:
        try:
            last = check()
        except ignore as error:
            last = error
        else:
            if last:
                return time.monotonic() - started
        waited = time.monotonic() - started
        if waited > timeout:
            raise WaitTimeout(
                f"timed out after {waited:.1f} s waiting for {what or _describe(check)} "
                f"(last: {last!r})"
            )
        time.sleep(interval)


def _describe(check: Callable[..., object]) -> str:
    """The condition's own source line, for callers that did not say what they wait for."""
    import inspect

    try:
        return inspect.getsource(check).strip()
    except (OSError, TypeError):
        return getattr(check, "__qualname__", repr(check))
