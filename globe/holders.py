"""Who holds a lease or a claim in the database, and whether that holder is provably dead.

A holder is written `machine:pid:start`: this machine, the process id and the process's start
time (clock ticks since boot, from /proc/<pid>/stat). A process on the same machine can then tell
at once that a holder died (its pid is gone, or now belongs to a process started at another time)
instead of waiting for a timeout. Holders on other machines, or anywhere without /proc, are never
declared dead: their leases and claims expire by time."""
from __future__ import annotations

import hashlib
import os
import socket
from functools import cache
from pathlib import Path

UNKNOWN_START = "-"  # no /proc here: such a holder is left to the timeout


def this_process() -> str:
    """This process as a holder (per pid: a forked worker is a holder of its own)."""
    return _holder(os.getpid())


def is_dead(holder: str | None) -> bool:
    """True only when proven: the holder ran on this machine and its process no longer exists.
    A suffix after "/" (a thread, say) is ignored; unreadable holders count as alive."""
    try:
        machine, pid, start = (holder or "").split("/", 1)[0].rsplit(":", 2)
        pid = int(pid)
    except ValueError:
        return False
    return machine == _machine() and start != UNKNOWN_START and _is_gone(pid, start)


@cache
def _holder(pid: int) -> str:
    fields = _stat(pid)
    return f"{_machine()}:{pid}:{fields[19] if fields else UNKNOWN_START}"


@cache
def _machine() -> str:
    """The host name, plus a digest of the boot and the pid namespace: a pid means the same process
    only within one boot, and containers sharing a host name may each have their own pids."""
    try:
        seen = Path("/proc/sys/kernel/random/boot_id").read_text() + os.readlink("/proc/self/ns/pid")
    except OSError:
        seen = ""
    return f"{socket.gethostname()[:40]}#{hashlib.sha256(seen.encode()).hexdigest()[:8]}"


def _stat(pid: int) -> list[str] | None:
    """The fields of /proc/<pid>/stat from the third on (state first, start time at index 19)."""
    try:
        line = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    return line[line.rindex(")") + 2:].split()  # the name in parentheses may hold spaces and ")"


def _is_gone(pid: int, start: str) -> bool:
    fields = _stat(pid)
    if fields is not None:
        return fields[0] in ("Z", "X") or fields[19] != start  # exited but not reaped, or the pid was reused
    try:
        os.kill(pid, 0)  # signal 0 only asks whether the process exists
    except ProcessLookupError:
        return True
    except PermissionError:
        pass  # it exists, but is another user's and /proc hides it (mounted with hidepid)
    return False
