"""Who holds a TCP port on this machine: the process named in the error when `port=` is taken.

Linux only (it reads /proc); elsewhere, and for processes this user may not inspect, it says nothing.
"""

from __future__ import annotations

import os


def holder(port: int) -> str:
    """' by pid 123 (python -m http.server)' when /proc tells who listens on `port`, else ''."""
    try:
        inodes = set()
        for table in ("/proc/net/tcp", "/proc/net/tcp6"):
            with open(table) as f:
                for line in list(f)[1:]:
                    fields = line.split()
                    if int(fields[1].rsplit(":", 1)[1], 16) == port and fields[3] == "0A":
                        inodes.add(fields[9])
        wanted = {f"socket:[{inode}]" for inode in inodes}
        for pid in filter(str.isdigit, os.listdir("/proc")):
            if wanted & set(map(_readlink, _listdir(f"/proc/{pid}/fd", pid))):
                with open(f"/proc/{pid}/cmdline", "rb") as f:
                    command = " ".join(f.read().decode(errors="replace").replace("\0", " ").split())
                return f" by pid {pid} ({command[:80]})"
    except (OSError, ValueError, IndexError):
        pass
    return ""


def _listdir(path: str, pid: str) -> list[str]:
    try:
        return [f"/proc/{pid}/fd/{fd}" for fd in os.listdir(path)]
    except OSError:  # gone, or not ours to read
        return []


def _readlink(path: str) -> str:
    try:
        return os.readlink(path)
    except OSError:  # closed meanwhile (listdir's own descriptor, for one)
        return ""
