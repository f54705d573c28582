"""One notebook executed headless: nbclient, on the Python that runs the report.

The kernel is this Python's own ipykernel (as `pytest --nbval-current-env` runs the notebooks),
started in the notebook's folder with PERFKIT_BUDGET_SCALE set. A notebook that fails (a cell
raises, a cell runs past its timeout, the kernel dies) comes back as a `NotebookRun` naming the
cell and the error, with the outputs of the cells before it; only Ctrl-C is raised, and the
kernel is shut down either way.
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..engine.optional import require

KERNEL_NAME = "perfkit-current-python"  # never looked up on disk: see _kernel_manager_class


@dataclass
class NotebookRun:
    """What executing one notebook gave: the executed notebook (outputs in place) and how it went.

    `failure` is None when every cell ran, else {"cell": index, "source": first line, "error":
    "ExcType: message"}.
    """

    name: str  # the file's stem: "01-sets-vs-lists"
    path: Path
    notebook: Any  # nbformat.NotebookNode, executed up to the failing cell
    seconds: float
    failure: dict[str, Any] | None = None

    @property
    def status(self) -> str:
        """"passed" | "failed"."""
        return "passed" if self.failure is None else "failed"


def first_line(source: str) -> str:
    """A cell's first non-blank line, to name it in a failure."""
    return next((line.strip() for line in source.splitlines() if line.strip()), "")


def kernel_env(budget_scale: float) -> dict[str, str]:
    """The kernel's environment: this one, with the budget scale, and charts drawn inline."""
    env = dict(os.environ)
    env["PERFKIT_BUDGET_SCALE"] = f"{budget_scale:g}"
    # the test suite sets MPLBACKEND=Agg, which would leave the report's pages without charts;
    # without it ipykernel picks its inline backend
    env.pop("MPLBACKEND", None)
    return env


def _kernel_manager_class() -> type:
    """A kernel manager whose only kernel is this Python's ipykernel, wherever jupyter looks.

    A kernel spec named "python3" may point at another Python; the report must run the notebooks
    on the perfkit it is part of, as nbval's --nbval-current-env does.
    """
    require("nbclient", "python -m perfkit report", "report")
    import ipykernel.kernelspec
    from jupyter_client.kernelspec import KernelSpecManager
    from jupyter_client.manager import AsyncKernelManager

    class CurrentPythonSpecs(KernelSpecManager):
        def get_kernel_spec(self, kernel_name: str) -> Any:
            spec = ipykernel.kernelspec.get_kernel_dict()
            spec["argv"][0] = sys.executable
            return self.kernel_spec_class(resource_dir=ipykernel.kernelspec.RESOURCES, **spec)

    class CurrentPythonKernel(AsyncKernelManager):
        def _kernel_spec_manager_default(self) -> KernelSpecManager:
            return CurrentPythonSpecs()

    return CurrentPythonKernel


def execute(path: str | os.PathLike, budget_scale: float = 1.0, timeout: float = 600,
            startup_timeout: float = 60) -> NotebookRun:
    """Execute the notebook at `path` top to bottom, in its folder; never raises for a failing cell.

    Args:
        path: the .ipynb file.
        budget_scale: PERFKIT_BUDGET_SCALE in the kernel.
        timeout: seconds one cell may take before the notebook counts as failed at that cell.
        startup_timeout: seconds the kernel may take to start.

    Raises:
        KeyboardInterrupt: Ctrl-C; the kernel is shut down first.
    """
    nbformat = require("nbformat", "python -m perfkit report", "report")
    nbclient = require("nbclient", "python -m perfkit report", "report")
    from nbclient.exceptions import CellControlSignal, CellExecutionError, CellTimeoutError, DeadKernelError

    path = Path(path).resolve()
    notebook = nbformat.read(path, as_version=4)
    current: dict[str, Any] = {"index": None, "cell": None}

    def on_cell_start(cell: Any, cell_index: int) -> None:
        current.update(index=cell_index, cell=cell)

    client = nbclient.NotebookClient(
        notebook, timeout=max(1, round(timeout)), startup_timeout=round(startup_timeout),
        kernel_name=KERNEL_NAME, kernel_manager_class=_kernel_manager_class(),
        resources={"metadata": {"path": str(path.parent)}}, shutdown_kernel="immediate",
        on_cell_start=on_cell_start, record_timing=False,
        on_notebook_start=lambda notebook: wake_up_often(client.kc.shell_channel))
    started = time.perf_counter()
    failure = None
    # the kernel's own console output (ipykernel's warnings, a served app's log) goes to a file,
    # not across the progress bar; its last line is shown if the kernel dies
    log = tempfile.TemporaryFile(mode="w+", encoding="utf-8", errors="replace")
    try:
        client.execute(env=kernel_env(budget_scale), cwd=str(path.parent), stdout=log, stderr=log)
    except KeyboardInterrupt:
        raise
    except Exception as error:  # noqa: BLE001 - any failure of one notebook is a row, not the end
        if getattr(client, "_async_cleanup_kernel_future", None) is not None:
            # nbclient traps SIGINT while a cell runs, kills the kernel and lets the cell fail:
            # that was Ctrl-C, and the report stops
            raise KeyboardInterrupt from error
        failure = _failure(error, current, (CellExecutionError, CellTimeoutError, DeadKernelError,
                                            CellControlSignal))
        if isinstance(error, DeadKernelError):
            failure["error"] += _last_line(log)
    finally:
        _shut_down(client)
        log.close()
    return NotebookRun(path.stem, path, notebook, time.perf_counter() - started, failure)


def wake_up_often(channel: Any, every: float = 1.0) -> None:
    """Make `channel.get_msg(timeout)` wait in slices of `every` seconds, up to `timeout` in all.

    nbclient answers an Output widget (pk.widgets.explore) by sending on the shell channel while
    it waits on that same socket for the cell's reply; the reply can then arrive unnoticed until
    the wait times out (jupyter/nbclient#312: seen here as a notebook that idled for the whole
    cell timeout, 600 s, then passed). pyzmq checks the socket once more whenever a wait ends,
    so waits of a second find such a reply within a second.
    """
    from queue import Empty

    get_msg = channel.get_msg

    async def sliced(timeout: float | None = None) -> Any:
        deadline = None if timeout is None else time.monotonic() + timeout
        while True:
            left = every if deadline is None else min(every, max(0.0, deadline - time.monotonic()))
            try:
                return await get_msg(timeout=left)
            except Empty:
                if deadline is not None and time.monotonic() >= deadline:
                    raise

    channel.get_msg = sliced


def _failure(error: BaseException, current: dict[str, Any], known: tuple[type, ...]) -> dict[str, Any]:
    """The failing cell (index and first line) and the error, as "ExcType: message"."""
    ename, evalue = getattr(error, "ename", None), getattr(error, "evalue", None)
    if ename:  # the exception raised inside the kernel, not nbclient's wrapper
        text = f"{ename}: {evalue}" if evalue else str(ename)
    elif isinstance(error, known):
        message = str(error).strip().splitlines()
        text = f"{type(error).__name__}: {message[0] if message else ''}".rstrip(": ")
    else:
        text = f"{type(error).__name__}: {error}"
    cell = current["cell"]
    return {"cell": current["index"], "source": first_line(cell.source) if cell is not None else "",
            "error": text}


def _last_line(log: Any) -> str:
    """The kernel's last line of console output, as " (the kernel said: ...)", or ""."""
    log.flush()
    log.seek(0)
    lines = [line.strip() for line in log.read().splitlines() if line.strip()]
    return f" (the kernel said: {lines[-1][:200]})" if lines else ""


def _shut_down(client: Any) -> None:
    """Stop the kernel if nbclient did not (it may not have, when the failure came mid-setup)."""
    km = getattr(client, "km", None)
    if km is None:
        return
    try:
        from jupyter_core.utils import run_sync

        if run_sync(km.is_alive)():
            run_sync(km.shutdown_kernel)(now=True)
        run_sync(km.cleanup_resources)()
    except Exception:  # noqa: BLE001 - nothing left to stop, or it died on its own
        pass
