"""The process's resident memory, read from /proc with nothing else imported, so a baseline taken before the
code under test is loaded stays a baseline."""

from __future__ import annotations

from pathlib import Path


def resident_kib() -> int:
    """The process's resident set now, in KiB (Linux); 0 where /proc is not there."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0
