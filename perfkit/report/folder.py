"""The report folder: `index.html`, `results.json`, and `notebooks/NAME.html` for each notebook run.

    data = load_report("perfkit-report")      # or the results.json itself; checked

`results.json` (format 1) holds {"kind": "Report", "format", "perfkit", "machine", "started",
"seconds", "budget_scale", "notebooks": [...], "claims": [...]}: every notebook with its status,
seconds, page, failure and the saved forms it showed (each with its "cell"), and every catalog
claim with its status and the saved forms of the verdicts carrying its id. A folder is written
only if it is new, empty, or holds a previous report; the files a previous report wrote are
replaced, anything else in it is left alone.
"""

from __future__ import annotations

import functools
import json
import os
import re
import sys
from pathlib import Path
from typing import Any

from ..engine.optional import require
from ..engine.results import check_format

FORMAT = 1  # the version of results.json's layout; a newer one is refused, never guessed at
RESULTS = "results.json"
INDEX = "index.html"
PAGES = "notebooks"
_NOTEBOOK_KEYS = ("name", "status", "seconds", "html", "failure", "results")
_CLAIM_KEYS = ("id", "topic", "document", "quote", "notebook", "status", "reason", "verdicts")


def load_report(path: str | os.PathLike) -> dict[str, Any]:
    """The report in the folder `path` (or the results.json `path`) as a dict, checked.

    Raises:
        FileNotFoundError: no results.json there.
        ValueError: the file is not a perfkit report, or is in a format this perfkit does not read.
    """
    path = Path(path)
    if path.is_dir():
        path = path / RESULTS
    if not path.is_file():
        raise FileNotFoundError(f"no report at {path}: give a report folder or its {RESULTS}")
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise ValueError(f"{path} is not a perfkit report: it is not JSON ({exc})") from None
    if not isinstance(data, dict) or data.get("kind") != "Report":
        kind = data.get("kind") if isinstance(data, dict) else type(data).__name__
        raise ValueError(f"{path} is not a perfkit report: its kind is {kind!r}, not 'Report' "
                         "(a saved result opens with pk.load)")
    check_format(path, data, "report format", FORMAT, verbs=("written", "read"))
    broken = _rule_broken(data)
    if broken:
        raise ValueError(f"{path}: not a valid perfkit report: {broken}")
    return data


def _rule_broken(data: dict[str, Any]) -> str | None:
    if not isinstance(data.get("machine"), dict):
        return "'machine' must be an object"
    for key, keys in (("notebooks", _NOTEBOOK_KEYS), ("claims", _CLAIM_KEYS)):
        entries = data.get(key)
        if not isinstance(entries, list):
            return f"{key!r} must be a list"
        for number, entry in enumerate(entries):
            missing = [k for k in keys if not isinstance(entry, dict) or k not in entry]
            if missing:
                return f"{key}[{number}] lacks {missing}"
    return None


def prepare(out: str | os.PathLike) -> Path:
    """Make `out` ready for a report: create it, or clear what a previous report wrote there.

    Raises:
        ValueError: `out` is a file, or a non-empty folder that holds no perfkit report.
    """
    out = Path(out)
    if out.exists() and not out.is_dir():
        raise ValueError(f"{out} is a file: the report needs a folder (--out DIR)")
    if out.is_dir() and any(out.iterdir()):
        try:
            load_report(out)
        except (OSError, ValueError):
            raise ValueError(f"{out} is not empty and holds no perfkit report: refusing to write into it; "
                             "give a new or empty folder (--out DIR), or one a previous report wrote") from None
        for page in (out / PAGES).glob("*.html"):
            page.unlink()
        for name in (INDEX, RESULTS):
            (out / name).unlink(missing_ok=True)
    (out / PAGES).mkdir(parents=True, exist_ok=True)
    return out


def write_report(out: Path, data: dict[str, Any], translations: dict[str, str] | None = None) -> None:
    """Write results.json and index.html (quotes in English beside the others'
    `translations`, claim id -> text) into the folder `out`."""
    from .page import render

    text = json.dumps(data, indent=1, ensure_ascii=False, allow_nan=False)
    (out / RESULTS).write_text(text + "\n", encoding="utf-8")
    (out / INDEX).write_text(render(data, translations), encoding="utf-8")


def check_tools() -> None:
    """ImportError now, naming the extra to install, rather than after the first notebook ran."""
    for module in ("nbformat", "nbclient", "nbconvert", "ipykernel"):
        require(module, "python -m perfkit report", "report")


@functools.cache
def _exporter() -> Any:
    require("nbconvert", "python -m perfkit report", "report")
    from nbconvert import HTMLExporter

    exporter = HTMLExporter(template_name="lab")
    exporter.embed_images = True
    return exporter


_BACK = ('<div style="font-family:sans-serif;padding:8px 16px;background:#f3f3f3;border-bottom:1px solid #ddd">'
         '<a href="../index.html">&larr; the perfkit report</a></div>')


def write_notebook_html(out: Path, name: str, notebook: Any) -> str | None:
    """The executed notebook as `notebooks/NAME.html` (charts embedded); returns its path in the
    folder, or None when nbconvert could not make the page (the report goes on without it)."""
    try:
        body, _ = _exporter().from_notebook_node(notebook)
    except ImportError:
        raise
    except Exception as error:  # noqa: BLE001 - a page that cannot be drawn must not lose the run's results
        print(f"could not write {PAGES}/{name}.html: {type(error).__name__}: {error}", file=sys.stderr)
        return None
    body = re.sub(r"(<body[^>]*>)", lambda m: m.group(1) + _BACK, body, count=1)
    relative = f"{PAGES}/{name}.html"
    (out / relative).write_text(body, encoding="utf-8")
    return relative
