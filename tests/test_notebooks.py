"""The workbook's shape rules (the design's "Notebooks" section). nbval runs them; this reads them."""

import json
import re
from pathlib import Path

import pytest

NOTEBOOKS = sorted((Path(__file__).resolve().parent.parent / "notebooks").glob("*.ipynb"))
NAME = re.compile(r"^\d\d-[a-z0-9]+(-[a-z0-9]+)*\.ipynb$")


def _cells(path):
    return json.loads(path.read_text(encoding="utf-8"))["cells"]


def _text(cell):
    return "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]


def _h1_lines(markdown):
    inside_fence = False
    for line in markdown.splitlines():
        if line.startswith("```"):
            inside_fence = not inside_fence
        elif not inside_fence and re.match(r"^# \S", line):
            yield line


def test_the_workbook_has_a_start_here_notebook():
    assert any(p.name.startswith("00-start-here") for p in NOTEBOOKS)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_name_is_numbered_kebab_case(path):
    assert NAME.match(path.name), f"{path.name}: use NN-kebab-title.ipynb"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_stored_without_outputs(path):
    for i, cell in enumerate(_cells(path)):
        if cell["cell_type"] == "code":
            assert not cell.get("outputs"), f"{path.name}: cell {i} has stored outputs"
            assert cell.get("execution_count") is None, f"{path.name}: cell {i} has an execution count"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_one_h1_in_cell_zero_then_setup_then_prose_and_code(path):
    cells = _cells(path)
    assert cells[0]["cell_type"] == "markdown" and _text(cells[0]).startswith("# "), \
        f"{path.name}: cell 0 must be markdown starting with the H1 claim"
    h1 = [line for c in cells if c["cell_type"] == "markdown" for line in _h1_lines(_text(c))]
    assert len(h1) == 1, f"{path.name}: exactly one H1, found {h1}"
    first_code = next(c for c in cells if c["cell_type"] == "code")
    assert "import perfkit" in _text(first_code) and "describe_machine()" in _text(first_code), \
        f"{path.name}: the setup cell imports perfkit and prints the machine (pk.describe_machine())"
    markdown = sum(c["cell_type"] == "markdown" for c in cells)
    code = sum(c["cell_type"] == "code" for c in cells)
    assert markdown >= code, f"{path.name}: prose should outnumber code ({markdown} vs {code})"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_ends_with_a_summary_computed_by_the_run(path):
    cells = _cells(path)
    headings = [i for i, c in enumerate(cells) if c["cell_type"] == "markdown"
                and re.search(r"^## Summary", _text(c), re.M)]
    assert headings, f"{path.name}: needs a '## Summary' section"
    after = cells[headings[-1] + 1:]
    assert any(c["cell_type"] == "code" for c in after), \
        f"{path.name}: the summary's numbers come from a code cell, not typed in"


@pytest.mark.parametrize("path", [p for p in NOTEBOOKS if not p.name.startswith("00-")], ids=lambda p: p.name)
def test_lessons_have_a_widget_and_checked_verdicts(path):
    code = "\n".join(_text(c) for c in _cells(path) if c["cell_type"] == "code")
    assert "explore(" in code, f"{path.name}: needs a widget to explore (pk.widgets.explore)"
    # `assert` for what no machine changes; pk.display.expect for what this run's timing decides
    assert "verdict(" in code and (re.search(r"^\s*assert ", code, re.M) or "pk.display.expect(" in code), \
        f"{path.name}: needs verdict cells that assert what is deterministic or check the run with pk.display.expect"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_no_path_hacks_or_style_changes(path):
    code = "\n".join(_text(c) for c in _cells(path) if c["cell_type"] == "code")
    assert "sys.path" not in code, f"{path.name}: perfkit is installed; no sys.path hacks"
    assert "plt.style.use" not in code and "rcParams[" not in code, f"{path.name}: no global style changes"


def test_no_stray_notebooks():
    folder = NOTEBOOKS[0].parent if NOTEBOOKS else None
    if folder is None:
        pytest.fail("no notebooks found")
    stray = [p.name for p in folder.rglob("*") if "untitled" in p.name.lower() or "checkpoint" in p.name]
    assert not stray


# a claim id as code names it: pk.claims["sets.membership"] (or claims[...]) and claim="sets.membership"
CLAIM_ID = re.compile(r"""\bclaims\[\s*(["'])([^"']+)\1\s*\]|\bclaim\s*=\s*(["'])([^"']+)\3""")


def _claim_ids(path):
    code = "\n".join(_text(c) for c in _cells(path) if c["cell_type"] == "code")
    return {m.group(2) or m.group(4) for m in CLAIM_ID.finditer(code)}


def _names_in_code(path, claim_id):
    """True when a code cell holds the id as a string literal (e.g. a table of endpoints -> claim ids)."""
    code = "\n".join(_text(c) for c in _cells(path) if c["cell_type"] == "code")
    return f'"{claim_id}"' in code or f"'{claim_id}'" in code


def _catalog():
    from perfkit.engine.claims import default_catalog

    return default_catalog()


def test_the_claim_pattern_finds_both_ways_of_naming_a_claim():
    code = 'c = pk.claims["sets.membership"]\nv = s.verdict("a", faster_than="b", claim=\'gather.n-times-faster\')'
    assert {m.group(2) or m.group(4) for m in CLAIM_ID.finditer(code)} == {"sets.membership", "gather.n-times-faster"}


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebooks_name_only_claims_in_the_catalog(path):
    catalog = _catalog()
    unknown = sorted(claim_id for claim_id in _claim_ids(path) if claim_id not in catalog)
    assert not unknown, f"{path.name} names claim ids that data/claims.toml does not have: {unknown}"


def test_every_claim_is_judged_in_code_by_the_notebook_it_names():
    notebooks = {p.stem: p for p in NOTEBOOKS}
    wrong = []
    for claim in _catalog().values():
        if not claim.judged:
            continue
        path = notebooks.get(claim.notebook)
        if path is None:
            wrong.append(f"{claim.id}: notebook {claim.notebook!r} does not exist")
        elif claim.id not in _claim_ids(path) and not _names_in_code(path, claim.id):
            wrong.append(f"{claim.id}: {path.name} never names it in code (pk.claims[...], claim=..., "
                         "or its id as a string a verdict is given)")
    assert not wrong, "claims in data/claims.toml whose notebook does not use them:\n" + "\n".join(wrong)
