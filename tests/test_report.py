"""`python -m perfkit report`: reading verdicts back from executed notebooks, the claims' statuses,
the folder and its page, the command line. Made-up notebooks and a made-up catalog throughout;
the tests marked `kernel` start real kernels (a second or two each), the others start none."""

import contextlib
import io
import json
import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

from perfkit.__main__ import main
from perfkit.engine.claims import load_catalog
from perfkit.engine.results import MIME, saved_form
from perfkit.engine.stats import Estimate
from perfkit.engine.verdict import Verdict
from perfkit.report.execute import NotebookRun, _failure
from perfkit.report.folder import load_report, prepare
from perfkit.report.harvest import CLAIM_STATUSES, claim_rows, counts, harvest, unknown_claims
from perfkit.report.page import render
from perfkit.report.runner import notebook_paths, report

ROOT = Path(__file__).resolve().parent.parent

CATALOG = """
[[claim]]
id = "sets.membership"
topic = "sets vs lists"
document = "000_ab12100ec4188cfb.txt"
quote = "Sets <b>beat</b> lists & \\"always\\" win"
compares = "x in a set vs x in a list"
subject = "set"
baseline = "list"
relation = "faster"
factor = 10
figure = "O(1) vs O(n)"
conditions = "10,000 items"
notebook = "01-shows-a-verdict"

[[claim]]
id = "slots.memory"
topic = "__slots__"
document = "000_ab12100ec4188cfb.txt"
quote = "slots save memory"
compares = "bytes per object"
subject = "slotted"
baseline = "plain"
relation = "smaller"
factor = 1.4
figure = "40%"
conditions = "1,000 objects"
notebook = "02-fails"

[[claim]]
id = "gather.n-times"
topic = "gather vs sequential"
document = "001_9a07eb07810d01e7.txt"
quote = "gather is N times faster"
compares = "gather vs awaiting in turn"
subject = "gather"
baseline = "sequential"
relation = "faster"
factor = 5
figure = "N times"
conditions = "5 requests"
notebook = "02-fails"

[[claim]]
id = "generators.memory"
topic = "generators"
document = "002_10448189ca0ba1a9.txt"
quote = "generators save memory"
compares = "peak bytes"
subject = "gen"
baseline = "list"
relation = "smaller"
factor = 10
figure = "10x"
conditions = "1e6 items"
notebook = "03-summary"

[[claim]]
id = "caching.hit"
topic = "caching"
document = "002_10448189ca0ba1a9.txt"
quote = "a hit is cheap"
compares = "hit vs miss"
relation = "qualitative"
conditions = "a dict"
notebook = "03-summary"

[[claim]]
id = "queries.index"
topic = "queries"
document = "003_09ea18b6e6932b5a.txt"
quote = "use an index"
compares = "index vs scan"
relation = "qualitative"
conditions = "a table"
notebook = "03-summary"

[[claim]]
id = "pool.reuse"
topic = "connection reuse"
document = "003_09ea18b6e6932b5a.txt"
quote = "reuse connections"
compares = "pool vs connect"
relation = "qualitative"
conditions = "SQLite"
notebook = "04-not-in-this-run"

[[claim]]
id = "caching.lru"
topic = "caching"
document = "004_a1ae9db92f52d94d.txt"
quote = "use lru_cache"
compares = "a hit vs recomputing"
relation = "qualitative"
conditions = "n = 10,000"
notebook = "not yet"
reason = "a made-up reason"
"""

_IMPORTS = "from perfkit.engine.stats import Estimate\nfrom perfkit.engine.verdict import Verdict\n"


def _verdict(subject, baseline, relation, by, value, low, high, claim):
    return f'Verdict("{subject}", "{baseline}", "{relation}", {by}, Estimate({value}, {low}, {high}, "x"), claim="{claim}")'


def write_notebooks(folder: Path) -> list[Path]:
    """Three made-up notebooks: one shows a verdict (twice), one fails in cell 2, one shows a summary."""
    cells = {
        "01-shows-a-verdict": [
            new_markdown_cell("# shows a verdict"),
            new_code_cell(_IMPORTS + "v = " + _verdict("set", "list", "faster", 10, 20, 15, 25, "sets.membership") + "\nv"),
            new_code_cell("v"),
            new_code_cell('import os\nopen("seen.txt", "w").write(os.getcwd() + "\\n" + os.environ["PERFKIT_BUDGET_SCALE"])')],
        "02-fails": [
            new_markdown_cell("# fails in cell 2"),
            new_code_cell(_IMPORTS + _verdict("slotted", "plain", "smaller", 1.4, 1.1, 1.05, 1.2, "slots.memory")),
            new_code_cell('\n# the failing cell\nraise RuntimeError("made-up <failure>")'),
            new_code_cell(_IMPORTS + _verdict("gather", "sequential", "faster", 5, 9, 8, 10, "gather.n-times"))],
        "03-summary": [
            new_markdown_cell("# shows a summary"),
            new_code_cell("import perfkit as pk\n" + _IMPORTS
                          + "a = " + _verdict("gen", "list", "smaller", 10, 9, 5, 12, "generators.memory") + "\n"
                          + "b = " + _verdict("hit", "miss", "faster", 2, 30, 25, 35, "caching.hit") + "\n"
                          + "c = " + _verdict("hit", "miss", "faster", 50, 30, 25, 35, "caching.hit") + "\na"),
            new_code_cell('pk.display.summary([("a", a), ("b and c", [b, c])])')],
    }
    paths = []
    for name, notebook_cells in cells.items():
        path = folder / f"{name}.ipynb"
        nbformat.write(new_notebook(cells=notebook_cells), path)
        paths.append(path)
    return paths


@pytest.fixture
def catalog_file(tmp_path, monkeypatch):
    path = tmp_path / "claims.toml"
    path.write_text(textwrap.dedent(CATALOG), encoding="utf-8")
    monkeypatch.setenv("PERFKIT_CLAIMS", str(path))
    return path


# --- harvesting: what a notebook's outputs carry, read back ---------------------------------------

def _shown(result, output_type="display_data"):
    if output_type == "execute_result":
        return new_output("execute_result", data={MIME: saved_form(result), "text/plain": "x"}, execution_count=1)
    return new_output("display_data", data={MIME: saved_form(result), "text/plain": "x"})


V_HOLDS = Verdict("set", "list", "faster", 10.0, Estimate(20.0, 15.0, 25.0, "x"), claim="sets.membership")
V_OTHER = Verdict("hit", "miss", "faster", 2.0, Estimate(3.0, 2.5, 3.5, "x"), claim="caching.hit")


def test_harvest_reads_results_in_cell_order_flattens_summaries_and_keeps_a_repeat_once():
    summary = {"kind": "Summary", "format": 1, "results": [saved_form(V_HOLDS), saved_form(V_OTHER)]}
    cells = [new_markdown_cell("# t"),
             new_code_cell("v", outputs=[new_output("stream", name="stdout", text="hello\n"), _shown(V_HOLDS, "execute_result")]),
             new_code_cell("v", outputs=[_shown(V_HOLDS)]),  # the same verdict shown again
             new_code_cell("s", outputs=[new_output("display_data", data={MIME: json.dumps(summary)})]),  # as text
             new_code_cell("plain", outputs=[new_output("display_data", data={"text/plain": "no perfkit here"})])]
    found = harvest(new_notebook(cells=cells))
    assert [(r["claim"], r["cell"]) for r in found] == [("sets.membership", 1), ("caching.hit", 3)]
    assert found[0]["status"] == "holds" and found[0]["kind"] == "Verdict"


def _notebooks():
    return [
        {"name": "01-shows-a-verdict", "status": "passed", "failure": None,
         "results": [{**saved_form(V_HOLDS), "cell": 1}]},
        {"name": "02-fails", "status": "failed", "failure": {"cell": 2, "source": "raise", "error": "RuntimeError: x"},
         "results": [{**saved_form(Verdict("slotted", "plain", "smaller", 1.4, Estimate(1.1, 1.05, 1.2, "x"),
                                           claim="slots.memory")), "cell": 1}]},
        {"name": "03-summary", "status": "passed", "failure": None,
         "results": [{**saved_form(Verdict("gen", "list", "smaller", 10, Estimate(9, 5, 12, "x"),
                                           claim="generators.memory")), "cell": 1},
                     {**saved_form(V_OTHER), "cell": 2},
                     {**saved_form(Verdict("hit", "miss", "faster", 50, Estimate(3, 2.5, 3.5, "x"),
                                           claim="caching.hit")), "cell": 2},
                     {**saved_form(Verdict("x", "y", "faster", 1, Estimate(2, 1.5, 2.5, "x"),
                                           claim="queries.typo")), "cell": 2}]},
    ]


def test_every_claim_status_comes_from_its_verdicts_or_says_why_there_is_none(catalog_file):
    catalog = load_catalog()
    rows = {row["id"]: row for row in claim_rows(catalog, _notebooks())}
    assert list(rows) == list(catalog)
    assert {cid: row["status"] for cid, row in rows.items()} == {
        "sets.membership": "holds", "slots.memory": "refuted",  # judged before its notebook failed
        "gather.n-times": "failed", "generators.memory": "inconclusive", "caching.hit": "mixed",
        "queries.index": "no verdict", "pool.reuse": "not run", "caching.lru": "not yet"}
    assert "cell 2" in rows["gather.n-times"]["reason"] and "RuntimeError: x" in rows["gather.n-times"]["reason"]
    assert rows["caching.lru"]["reason"] == "a made-up reason" and rows["caching.lru"]["notebook"] is None
    assert rows["caching.hit"]["reason"] == "its verdicts differ: 1 holds, 1 refuted"
    assert [v["by"] for v in rows["caching.hit"]["verdicts"]] == [2.0, 50.0]
    assert rows["sets.membership"]["reason"] is None and rows["sets.membership"]["quote"].startswith("Sets <b>")
    tally = counts(rows.values())
    assert list(tally) == list(CLAIM_STATUSES) and sum(tally.values()) == len(catalog) and tally["mixed"] == 1
    assert unknown_claims(catalog, _notebooks()) == ["queries.typo"]


def test_the_page_shows_the_counts_big_and_escapes_what_it_quotes(catalog_file):
    catalog = load_catalog()
    data = {"kind": "Report", "format": 1, "perfkit": "0", "machine": {"cpu": "<cpu>", "cpus": 2, "load": [1.0, 0.5, 0.25]},
            "started": "2025-01-01T00:00:00+00:00", "seconds": 75.0, "budget_scale": 0.5,
            "notebooks": [{**nb, "seconds": 1.0, "html": f"notebooks/{nb['name']}.html"} for nb in _notebooks()],
            "claims": claim_rows(catalog, _notebooks())}
    page = render(data, {"sets.membership": "in English <i>"})
    assert "<b>beat</b>" not in page and "Sets &lt;b&gt;beat&lt;/b&gt; lists &amp; &quot;always&quot; win" in page
    assert "in English &lt;i&gt;" in page and "&lt;cpu&gt;" in page and "<cpu>" not in page
    assert "<div class='n'>1</div><div class='w'>hold</div>" in page  # a tile per status, its count big
    assert "<div class='n'>1</div><div class='w'>refuted</div>" in page
    assert "set is 20.0x faster than list (95%: 15.0x - 25.0x)" in page  # the verdict's own words
    assert "cell 2 (<code>raise</code>): RuntimeError: x" in page and "1 min 15 s" in page
    assert "href='notebooks/02-fails.html'" in page and "http" not in page.replace("http-equiv", "")


# --- the folder ---------------------------------------------------------------------------------

def test_a_non_empty_folder_that_is_not_a_report_is_refused_and_a_previous_report_is_replaced(tmp_path):
    (tmp_path / "mine").mkdir()
    (tmp_path / "mine" / "thesis.tex").write_text("precious")
    with pytest.raises(ValueError, match="is not empty and holds no perfkit report"):
        prepare(tmp_path / "mine")
    (tmp_path / "a-file").write_text("x")
    with pytest.raises(ValueError, match="is a file"):
        prepare(tmp_path / "a-file")
    old = prepare(tmp_path / "old")
    (old / "results.json").write_text(json.dumps({"kind": "Report", "format": 1, "machine": {},
                                                  "notebooks": [], "claims": []}))
    (old / "notebooks" / "gone.html").write_text("stale")
    (old / "notes.txt").write_text("kept")
    assert prepare(old) == old
    assert not (old / "notebooks" / "gone.html").exists() and not (old / "results.json").exists()
    assert (old / "notes.txt").read_text() == "kept"


@pytest.mark.parametrize("content, message", [
    ("{not json", "not JSON"),
    ('{"kind": "Comparison", "format": 1}', "its kind is 'Comparison', not 'Report'"),
    ('{"kind": "Report", "format": 9, "perfkit": "9.0"}', "upgrade perfkit"),
    ('{"kind": "Report", "format": 1, "machine": {}, "notebooks": [{"name": "x"}], "claims": []}',
     r"notebooks\[0\] lacks"),
])
def test_load_report_says_what_is_wrong_with_a_file_that_is_not_a_report(tmp_path, content, message):
    (tmp_path / "results.json").write_text(content)
    with pytest.raises(ValueError, match=message):
        load_report(tmp_path)
    with pytest.raises(FileNotFoundError, match="no report at"):
        load_report(tmp_path / "elsewhere")


def _stand_in(folder):
    """A `run` that executes nothing: it hands back the notebook as if its cells had run."""
    def run(path, budget_scale, timeout):
        nb = new_notebook(cells=[new_code_cell("v", outputs=[_shown(V_HOLDS)])])
        if Path(path).stem == "02-fails":
            raise KeyboardInterrupt
        return NotebookRun(Path(path).stem, Path(path), nb, 0.5)
    return run


def test_ctrl_c_writes_the_notebooks_done_and_raises_again(tmp_path, catalog_file):
    paths = write_notebooks(tmp_path)
    with pytest.raises(KeyboardInterrupt):
        report(paths, tmp_path / "out", budget_scale=2, progress=False, run=_stand_in(tmp_path))
    data = load_report(tmp_path / "out")
    assert [nb["name"] for nb in data["notebooks"]] == ["01-shows-a-verdict"] and data["budget_scale"] == 2.0
    statuses = {c["id"]: c["status"] for c in data["claims"]}
    assert statuses["sets.membership"] == "holds" and statuses["gather.n-times"] == "not run"
    assert (tmp_path / "out" / "notebooks" / "01-shows-a-verdict.html").is_file()


def test_a_failure_names_the_cell_and_the_error():
    from nbclient.exceptions import CellTimeoutError

    cell = new_code_cell("\n\nimport time\ntime.sleep(99)")
    timeout = CellTimeoutError.error_from_timeout_and_cell("Cell execution timed out", 5, cell)
    assert _failure(timeout, {"index": 4, "cell": cell}, (CellTimeoutError,)) == {
        "cell": 4, "source": "import time",
        "error": "CellTimeoutError: A cell timed out while it was being executed, after 5 seconds."}


# --- choosing notebooks, and the command's errors -------------------------------------------------

def test_notebooks_are_named_by_number_stem_file_name_or_path(tmp_path):
    one, two, three = write_notebooks(tmp_path)
    assert notebook_paths([], tmp_path) == [one, two, three]
    assert notebook_paths(["03", "01-shows-a-verdict", "02-fails.ipynb", str(one)], tmp_path) == [three, one, two]
    with pytest.raises(ValueError, match="no notebook '7'.*01-shows-a-verdict, 02-fails, 03-summary"):
        notebook_paths(["7"], tmp_path)
    with pytest.raises(FileNotFoundError, match="no notebook at"):
        notebook_paths(["elsewhere/09-x.ipynb"], tmp_path)
    assert [p.stem for p in notebook_paths(["01", "16"])] == ["01-sets-vs-lists", "16-measuring-itself"]


def _cli(*argv):
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        status = main(list(argv))
    return status, out.getvalue(), err.getvalue()


def test_the_command_refuses_an_unknown_notebook_a_bad_scale_and_a_folder_not_its_own(tmp_path, catalog_file):
    status, _, err = _cli("report", "99", "--out", str(tmp_path / "r"))
    assert status == 2 and "no notebook '99'" in err and "01-sets-vs-lists" in err
    for bad in (["--budget-scale", "0"], ["--timeout", "-1"], ["--budget-scale", "lots"]):
        with pytest.raises(SystemExit) as exit_info, contextlib.redirect_stderr(io.StringIO()):
            main(["report", "01", *bad])
        assert exit_info.value.code == 2
    (tmp_path / "busy").mkdir()
    (tmp_path / "busy" / "x.txt").write_text("x")
    status, _, err = _cli("report", "01", "--out", str(tmp_path / "busy"))
    assert status == 1 and "holds no perfkit report" in err
    assert not (tmp_path / "r").exists()


# --- real kernels -------------------------------------------------------------------------------

@pytest.mark.kernel
def test_the_command_runs_the_notebooks_and_writes_the_folder(tmp_path, catalog_file):
    paths = write_notebooks(tmp_path)
    status, out, _ = _cli("report", *map(str, paths), "--out", str(tmp_path / "out"), "--budget-scale", "0.25")
    assert status == 1  # a notebook failed
    assert "1 holds, 1 refuted, 1 inconclusive, 1 mixed, 1 no verdict, 1 failed, 1 not run, 1 not yet" in out
    assert f"wrote {tmp_path / 'out' / 'index.html'}" in out
    assert (tmp_path / "seen.txt").read_text().splitlines() == [str(tmp_path), "0.25"]  # cwd and scale
    data = load_report(tmp_path / "out")
    assert list(data) == ["kind", "format", "perfkit", "machine", "started", "seconds", "budget_scale",
                          "notebooks", "claims"]
    by_name = {nb["name"]: nb for nb in data["notebooks"]}
    assert by_name["02-fails"]["failure"] == {"cell": 2, "source": "# the failing cell",
                                              "error": "RuntimeError: made-up <failure>"}
    assert [r["claim"] for r in by_name["02-fails"]["results"]] == ["slots.memory"]  # harvested up to the failure
    assert [(r["claim"], r["cell"]) for r in by_name["01-shows-a-verdict"]["results"]] == [("sets.membership", 1)]
    assert [(r["claim"], r["cell"]) for r in by_name["03-summary"]["results"]] == \
        [("generators.memory", 1), ("caching.hit", 2), ("caching.hit", 2)]
    for nb in data["notebooks"]:
        page = (tmp_path / "out" / nb["html"]).read_text(encoding="utf-8")
        assert "../index.html" in page and nb["status"] in ("passed", "failed")
    assert "made-up &lt;failure&gt;" in (tmp_path / "out" / "notebooks" / "02-fails.html").read_text(encoding="utf-8")


@pytest.mark.kernel
def test_ctrl_c_stops_the_report_and_shuts_its_kernel_down(tmp_path, catalog_file):
    pid_file = tmp_path / "kernel.pid"
    nbformat.write(new_notebook(cells=[new_code_cell(
        f"import os, time\nopen({str(pid_file)!r}, 'w').write(str(os.getpid()))\ntime.sleep(120)")]),
        tmp_path / "01-sleeps.ipynb")
    process = subprocess.Popen([sys.executable, "-m", "perfkit", "report", str(tmp_path / "01-sleeps.ipynb"),
                                "--out", str(tmp_path / "out")], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                               text=True, env={**os.environ, "PERFKIT_CLAIMS": str(catalog_file)})
    try:
        deadline = time.monotonic() + 60
        while not (pid_file.is_file() and pid_file.read_text()) and time.monotonic() < deadline:
            time.sleep(0.1)
        kernel = int(pid_file.read_text())
        process.send_signal(signal.SIGINT)
        _, err = process.communicate(timeout=60)
    finally:
        if process.poll() is None:
            process.kill()
    assert process.returncode == 130 and "interrupted" in err
    deadline = time.monotonic() + 10
    while _alive(kernel) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not _alive(kernel), "the kernel outlived Ctrl-C"
    assert load_report(tmp_path / "out")["notebooks"] == []


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    stat = Path(f"/proc/{pid}/stat")
    return not (stat.is_file() and stat.read_text().split()[2] == "Z")  # a zombie is gone


def test_a_reply_that_arrived_unnoticed_is_found_within_a_slice_not_at_the_timeout():
    import asyncio
    from queue import Empty

    from perfkit.report.execute import wake_up_often

    class Channel:  # its first waits miss the reply, as jupyter/nbclient#312 does
        def __init__(self):
            self.waits = []

        async def get_msg(self, timeout=None):
            self.waits.append(timeout)
            if len(self.waits) < 3:
                raise Empty
            return {"reply": True}

    channel = Channel()
    wake_up_often(channel, every=0.01)
    assert asyncio.run(channel.get_msg(timeout=600)) == {"reply": True}
    assert len(channel.waits) == 3 and max(channel.waits) <= 0.01

    class Silent:
        async def get_msg(self, timeout=None):
            raise Empty

    silent = Silent()
    wake_up_often(silent, every=0.01)
    with pytest.raises(Empty):
        asyncio.run(silent.get_msg(timeout=0.05))
