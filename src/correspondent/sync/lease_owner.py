"""Who holds a mailbox's lease, and whether that worker is known to be dead.

A lease names its owner as ``host:pid:token@machine``. ``machine`` identifies this boot of this
machine and its process-id namespace (Linux: the kernel's boot id and the pid namespace inode);
two owners with the same ``machine`` see the same processes, so a worker may check whether the
other's process still exists. If it does not (or is a zombie), the worker was killed and its
mailboxes are taken over at once instead of after the lease time. Owners on another machine, in
another container, from before a reboot, or written by an older version are never judged dead:
for them only the lease time counts. A reused pid only delays a takeover to the lease time.
"""

from __future__ import annotations

import os
import socket
import uuid
from functools import cache
from pathlib import Path


@cache
def machine_key() -> str | None:
    """This boot of this machine and pid namespace, or ``None`` where that cannot be known."""
    try:
        boot = Path("/proc/sys/kernel/random/boot_id").read_text().strip().replace("-", "")
        namespace = os.readlink("/proc/self/ns/pid")  # "pid:[4026531836]"
    except OSError:
        return None
    inode = namespace.partition("[")[2].rstrip("]")
    return f"{boot[:16]}-{inode}" if boot and inode else None


def new_owner(pid: int | None = None) -> str:
    """A lease owner name for a worker in process ``pid`` (this process by default)."""
    host = socket.gethostname()[:40]
    name = f"{host}:{os.getpid() if pid is None else pid}:{uuid.uuid4().hex[:8]}"
    key = machine_key()
    return f"{name}@{key}" if key else name


def is_dead(owner: str) -> bool:
    """True only when ``owner`` is a worker on this machine whose process no longer runs."""
    name, at, key = owner.rpartition("@")
    if not at or key != machine_key():
        return False
    pid_text = name.split(":")[-2] if name.count(":") >= 2 else ""
    if not pid_text.isdigit():
        return False
    pid = int(pid_text)
    if pid == os.getpid():
        return False  # another runner in this very process
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        return False  # it runs, as another user
    return _zombie(pid)


def _zombie(pid: int) -> bool:
    """A killed process whose parent has not reaped it yet still has a pid."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return True  # it ended since the check above
    return stat.rpartition(")")[2].split()[:1] == ["Z"]
