"""`python -m perfkit report`: run the notebooks one by one, under a progress bar, into one folder.

    from perfkit.report.runner import report, notebook_paths
    data = report(notebook_paths(["01", "02"]), "perfkit-report", budget_scale=0.5)

Each notebook runs headless in a kernel of its own (execute.py); what it showed is read back
(harvest.py); the folder gets every executed notebook as HTML, `results.json` and `index.html`
(folder.py, page.py). A failing notebook is a row of the report, and the run goes on.
"""

from __future__ import annotations

import dataclasses
import datetime
import math
import os
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Callable

from ..engine import kernels
from ..engine.claims import Catalog, load_catalog
from ..engine.machine import describe_machine
from .execute import NotebookRun, execute
from .folder import FORMAT, check_tools, prepare, write_notebook_html, write_report
from .harvest import claim_rows, harvest

NOTEBOOKS = Path(__file__).resolve().parents[2] / "notebooks"


def notebook_paths(names: Sequence[str] = (), folder: str | os.PathLike | None = None) -> list[Path]:
    """The notebooks to run: all of `folder` (default: the project's notebooks/) in name order, or
    those named, in the order given. A name is a number ("01"), a stem ("01-sets-vs-lists"), a
    file name, or the path of any .ipynb.

    Raises:
        ValueError: a name that matches no notebook (the message lists the choices), or no
            notebooks at all. FileNotFoundError: a path that does not exist.
    """
    folder = Path(folder) if folder is not None else NOTEBOOKS
    available = sorted(folder.glob("*.ipynb")) if folder.is_dir() else []
    if not names:
        if not available:
            raise ValueError(f"no notebooks in {folder}: run from a clone of perfkit, or name "
                             "the notebooks to run by their paths")
        return available
    stems = {p.stem: p for p in available}
    chosen: list[Path] = []
    for name in names:
        path = _path(name, stems)
        if path is None:
            choices = ", ".join(stems) or f"none (no notebooks in {folder})"
            raise ValueError(f"no notebook {name!r}: give a number, a name or a path; the choices: {choices}")
        if path.resolve() not in {p.resolve() for p in chosen}:
            chosen.append(path)
    return chosen


def _path(name: str, stems: dict[str, Path]) -> Path | None:
    if name.endswith(".ipynb") or os.sep in name or "/" in name:
        path = Path(name)
        if path.is_file():
            return path
        if path.parent == Path(".") and path.stem in stems:  # "01-sets-vs-lists.ipynb"
            return stems[path.stem]
        raise FileNotFoundError(f"no notebook at {name}")
    if name in stems:
        return stems[name]
    numbered = [path for stem, path in stems.items() if stem.split("-", 1)[0] == name]
    return numbered[0] if len(numbered) == 1 else None


def check_scale(budget_scale: Any) -> float:
    """The budget scale as a float; ValueError unless a finite number > 0."""
    if isinstance(budget_scale, bool) or not isinstance(budget_scale, (int, float)) \
            or not math.isfinite(budget_scale) or budget_scale <= 0:
        raise ValueError(f"budget scale must be a number > 0 (1 is the notebooks' own budgets), got {budget_scale!r}")
    return float(budget_scale)


def report(paths: Sequence[str | os.PathLike], out: str | os.PathLike = "perfkit-report",
           budget_scale: float | None = None, timeout: float = 600, catalog: Catalog | None = None,
           progress: bool = True, run: Callable[..., NotebookRun] = execute) -> dict[str, Any]:
    """Execute `paths` one by one and write the report folder `out`; returns the report's dict.

    Args:
        paths: the notebooks (see `notebook_paths`).
        out: the folder to write: new, empty, or a previous report (which is replaced).
        budget_scale: PERFKIT_BUDGET_SCALE in every notebook's kernel (default: this process's
            PERFKIT_BUDGET_SCALE, else 1).
        timeout: seconds one cell may take.
        catalog: the claim catalog (default: $PERFKIT_CLAIMS, else data/claims.toml).
        progress: show a progress bar over the notebooks (on stderr).
        run: executes one notebook (a stand-in in tests).

    Returns:
        The report as written to results.json.

    Raises:
        ValueError: `out` is a non-empty folder that holds no report, or a bad argument.
        KeyboardInterrupt: Ctrl-C; the notebooks done by then are written first.
    """
    budget_scale = check_scale(kernels.budget_scale() if budget_scale is None else budget_scale)
    if isinstance(timeout, bool) or not isinstance(timeout, (int, float)) or not timeout > 0:
        raise ValueError(f"timeout must be a number of seconds > 0 (per cell), got {timeout!r}")
    catalog = catalog if catalog is not None else load_catalog()
    check_tools()
    out = prepare(out)  # refuse a folder that is not ours before spending minutes
    import perfkit

    machine = dataclasses.replace(describe_machine(), budget_scale=budget_scale)
    started_at = datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds")
    started = time.perf_counter()
    notebooks: list[dict[str, Any]] = []
    interrupted = None
    bar = _bar(len(paths), progress)
    try:
        for path in paths:
            bar.set_description(Path(path).stem)
            done = run(path, budget_scale=budget_scale, timeout=timeout)
            notebooks.append(_entry(done, out))
            bar.update(1)
            if progress:
                bar.write(_line(notebooks[-1]), file=sys.stderr)
    except KeyboardInterrupt as stop:
        interrupted = stop
    finally:
        bar.close()
    data = {"kind": "Report", "format": FORMAT, "perfkit": perfkit.__version__,
            "machine": machine.to_dict(), "started": started_at,
            "seconds": round(time.perf_counter() - started, 3), "budget_scale": budget_scale,
            "notebooks": notebooks, "claims": claim_rows(catalog, notebooks)}
    write_report(out, data, {c.id: c.quote_en for c in catalog.values() if c.quote_en})
    if interrupted is not None:
        raise interrupted
    return data


def _entry(done: NotebookRun, out: Path) -> dict[str, Any]:
    """A notebook's entry of the report; its HTML page is written on the way."""
    html = write_notebook_html(out, done.name, done.notebook)
    return {"name": done.name, "status": done.status, "seconds": round(done.seconds, 3),
            "html": html, "failure": done.failure, "results": harvest(done.notebook)}


def _line(entry: dict[str, Any]) -> str:
    verdicts = sum(1 for r in entry["results"] if r.get("claim"))
    line = (f"{entry['name']}: {entry['status']} in {entry['seconds']:.0f} s, "
            f"{verdicts} verdict{'' if verdicts == 1 else 's'} on claims")
    if entry["failure"]:
        failure = entry["failure"]
        line += f"; cell {failure['cell']} ({failure['source']}): {failure['error']}"
    return line


def _bar(total: int, enabled: bool) -> Any:
    from tqdm import tqdm

    return tqdm(total=total, unit="notebook", disable=not enabled, file=sys.stderr, dynamic_ncols=True)
