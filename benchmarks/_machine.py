"""One line that says where a benchmark ran."""

import os
import platform


def describe() -> str:
    load = ", load %.2f %.2f %.2f" % os.getloadavg() if hasattr(os, "getloadavg") else ""
    return (f"# {platform.python_implementation()} {platform.python_version()} on {platform.machine()}, "
            f"{os.cpu_count()} cores, {platform.system()} {platform.release()}{load}")
