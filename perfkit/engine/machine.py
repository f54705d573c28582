"""What a measurement ran on: `pk.describe_machine()` -> Machine.

A timing means little without its machine: the Python build, the CPU and how busy it was.
Every saved result carries one (see results.py), and a benchmark prints one line of it.
"""

from __future__ import annotations

import datetime
import os
import platform
from dataclasses import asdict, dataclass, fields
from typing import Any, Iterator

from .kernels import budget_scale


@dataclass(frozen=True)
class Machine:
    """The Python, the operating system and the CPU a result was measured on, and when.

    Reads like a dict too: `m["cpu"]`, `list(m)`, `m.to_dict()`.
    """

    python: str  # "3.11.4"
    implementation: str  # "CPython"
    build: str  # platform.python_build(): "main, Jun  7 2023 12:45:48"
    compiler: str  # "GCC 12.2.0"
    os: str  # "Linux"
    os_release: str  # "6.1.0-18-amd64"
    architecture: str  # "x86_64"
    cpu: str  # "AMD EPYC 7763 64-Core Processor"
    cpus: int | None  # logical CPUs
    load: tuple[float, float, float] | None  # load average over 1, 5 and 15 minutes
    perfkit: str
    budget_scale: float | None  # PERFKIT_BUDGET_SCALE (None when it is set but not a number)
    date: str  # ISO 8601, UTC: "2025-01-31T14:02:11+00:00"

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["load"] = list(self.load) if self.load is not None else None
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "Machine":
        """A Machine from `to_dict()`; keys this version does not know are ignored, missing ones are '?'."""
        names = {f.name for f in fields(cls)}
        values: dict[str, Any] = {name: "?" for name in names}
        values.update({k: v for k, v in data.items() if k in names})
        for key in ("cpus", "budget_scale", "load"):
            if values[key] == "?":
                values[key] = None
        if values["load"] is not None:
            values["load"] = tuple(float(x) for x in values["load"])
        return cls(**values)

    def __getitem__(self, key: str) -> Any:
        from .results import known

        return self.to_dict()[known(key, self.keys(), "key")]

    def keys(self) -> list[str]:
        return [f.name for f in fields(self)]

    def __iter__(self) -> Iterator[str]:
        return iter(self.keys())

    def __str__(self) -> str:
        load = f", load {self.load[0]:.2f}" if self.load is not None else ""
        scale = f", budget x{self.budget_scale:g}" if self.budget_scale not in (None, 1.0) else ""
        return (f"{self.implementation} {self.python} ({self.compiler}) on {self.os} {self.os_release} "
                f"{self.architecture}, {self.cpu}, {self.cpus} logical CPUs{load}; "
                f"perfkit {self.perfkit}{scale}; {self.date}")

    def __repr__(self) -> str:
        return f"Machine({self})"

    def _repr_html_(self) -> str:
        from .tables import table

        rows = [[key, "-" if value is None else value] for key, value in self.to_dict().items()]
        rows = [[k, ", ".join(f"{x:.2f}" for x in v) if k == "load" and v != "-" else v] for k, v in rows]
        return table(["", "measured on"], rows)


def describe_machine() -> Machine:
    """The machine this process runs on, now: Python build, OS, CPU, load, perfkit version, scale."""
    import perfkit

    try:
        scale: float | None = budget_scale()
    except ValueError:
        scale = None
    load = tuple(round(x, 2) for x in os.getloadavg()) if hasattr(os, "getloadavg") else None
    build = platform.python_build()
    return Machine(
        python=platform.python_version(),
        implementation=platform.python_implementation(),
        build=", ".join(part for part in build if part),
        compiler=platform.python_compiler(),
        os=platform.system(),
        os_release=platform.release(),
        architecture=platform.machine(),
        cpu=cpu_model(),
        cpus=os.cpu_count(),
        load=load,  # type: ignore[arg-type]
        perfkit=perfkit.__version__,
        budget_scale=scale,
        date=datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
    )


def cpu_model() -> str:
    """The CPU's model name: /proc/cpuinfo on Linux, platform.processor() elsewhere."""
    try:
        with open("/proc/cpuinfo", encoding="utf-8", errors="replace") as cpuinfo:
            for line in cpuinfo:
                key, _, value = line.partition(":")
                if key.strip() in ("model name", "Model", "cpu model") and value.strip():
                    return " ".join(value.split())
    except OSError:
        pass
    return platform.processor() or platform.machine() or "unknown CPU"
