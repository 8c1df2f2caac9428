"""Peak resident memory of this process, for benchmarks that run each phase in a child.

`ru_maxrss` is no good in a child started by a benchmark: Linux keeps it across `exec`, so
the child inherits the high-water mark of the parent it was forked from (whatstk's pandas
frames, a synthetic export being written). `VmHWM` belongs to the process's address space,
which `exec` replaces, so it counts only what the child itself touched.
"""

from __future__ import annotations

import resource
from pathlib import Path


def peak_mb() -> float:
    status = Path("/proc/self/status")
    if status.exists():
        for line in status.read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
