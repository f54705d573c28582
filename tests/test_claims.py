"""The claim catalog: data/claims.toml as it stands, the loader's rules, lookups, and the
`python -m perfkit claims` command."""

import json
import os
import re
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from perfkit.engine.claims import Catalog, Claim, coverage_text, default_catalog, load_catalog

ROOT = Path(__file__).resolve().parents[1]
TOPICS = ["sets vs lists", "comprehensions", "generators", "__slots__", "gather vs sequential",
          "blocking the event loop", "caching", "connection reuse", "N+1 queries", "batching writes",
          "queries", "API responses", "data structures", "algorithms", "object pools, weak caches",
          "measuring itself"]
DOCUMENTS = {"000_ab12100ec4188cfb.txt", "001_9a07eb07810d01e7.txt", "002_10448189ca0ba1a9.txt",
             "003_09ea18b6e6932b5a.txt", "004_a1ae9db92f52d94d.txt"}
LESSONS = ["01-sets-vs-lists", "02-generators", "03-slots", "04-gather-vs-sequential", "05-measure-first"]


@pytest.fixture(scope="module")
def catalog() -> Catalog:
    return load_catalog(ROOT / "data" / "claims.toml")


# --- the real catalog ---------------------------------------------------------------------------
def test_the_catalog_loads_with_at_least_50_claims(catalog):
    assert len(catalog) >= 50
    assert all(isinstance(c, Claim) for c in catalog.values())


def test_every_one_of_the_16_topics_has_claims(catalog):
    assert catalog.topics == TOPICS


def test_every_document_is_one_of_the_five_and_each_has_claims(catalog):
    for claim in catalog.values():
        assert claim.document in DOCUMENTS, claim.id
        assert set(claim.also_in) <= DOCUMENTS - {claim.document}, claim.id
    assert {c.document for c in catalog.values()} == DOCUMENTS


def test_ids_are_unique_dotted_and_lowercase():
    text = (ROOT / "data" / "claims.toml").read_text(encoding="utf-8")
    ids = re.findall(r'^id = "([^"]*)"', text, flags=re.MULTILINE)  # the raw file, before the loader
    assert len(ids) >= 50 and len(ids) == len(set(ids))
    for claim_id in ids:
        assert re.fullmatch(r"[a-z0-9-]+(\.[a-z0-9-]+)+", claim_id), claim_id


def test_quotes_are_short_and_one_sentence_at_most(catalog):
    for claim in catalog.values():
        assert 0 < len(claim.quote) <= 160 and "\n" not in claim.quote, claim.id
        # a second sentence: an end mark, a space, then a capital (Latin or Cyrillic)
        assert not re.search(r"[.!?][\"')]*\s+[A-ZА-Я]", claim.quote), claim.id
        assert "```" not in claim.quote, claim.id


def test_a_quote_not_in_english_has_a_translation(catalog):
    for claim in catalog.values():
        if re.search("[а-яА-Я]", claim.quote):
            assert claim.quote_en and not re.search("[а-яА-Я]", claim.quote_en), claim.id


def test_every_notebook_named_exists_and_every_lesson_judges_a_claim(catalog):
    for claim in catalog.values():
        assert claim.notebook == "not yet" or (ROOT / "notebooks" / f"{claim.notebook}.ipynb").is_file(), \
            f"{claim.id}: no notebook {claim.notebook!r}"
    for stem in LESSONS:
        assert catalog.for_notebook(stem), f"{stem} judges no claim of the catalog"


def test_a_claim_not_judged_says_why(catalog):
    for claim in catalog.values():
        assert claim.judged == (claim.reason is None), claim.id
        if not claim.judged:
            assert "no time" not in claim.reason.lower(), claim.id


def test_comparisons_with_a_figure_carry_a_factor_and_both_sides(catalog):
    for claim in catalog.values():
        if claim.relation in ("faster", "smaller"):
            assert claim.factor > 0 and claim.subject and claim.baseline and claim.figure, claim.id
    slots = catalog["slots.memory-saving"]
    assert slots.relation == "smaller" and slots.factor == pytest.approx(1 / (1 - 0.40), abs=0.01)


def test_a_claim_reads_as_one_line_and_as_data(catalog):
    claim = catalog["sets.membership"]
    text = str(claim)
    assert text.startswith('sets.membership (000_ab12100ec4188cfb.txt): "')
    assert text.endswith("claimed: set is at least 10x faster than list") and "\n" not in text
    data = json.loads(json.dumps(claim.to_dict()))
    assert data["id"] == "sets.membership" and data["factor"] == 10 and data["judged"] is True


def test_coverage_adds_up(catalog):
    cov = catalog.coverage()
    assert cov["claims"] == len(catalog) == cov["judged"] + cov["not yet"]
    for table in ("by_topic", "by_document"):
        assert sum(n["judged"] for n in cov[table].values()) == cov["judged"]
        assert sum(n["not yet"] for n in cov[table].values()) == cov["not yet"]
    assert list(cov["by_topic"]) == TOPICS
    assert sum(cov["by_notebook"].values()) == cov["judged"]


def test_coverage_text_lists_totals_topics_documents_and_every_id_not_yet_judged(catalog):
    text = coverage_text(catalog)
    cov = catalog.coverage()
    assert text.splitlines()[0] == f"{cov['claims']} claims, {cov['judged']} judged, {cov['not yet']} not yet"
    for name in [*TOPICS, *DOCUMENTS]:
        assert re.search(rf"^{re.escape(name)} +\d+ +\d+$", text, flags=re.MULTILINE), name
    for claim in catalog.values():
        if not claim.judged:
            assert re.search(rf"(?<![\w.-]){re.escape(claim.id)}(?![\w.-])", text), claim.id


def test_repr_and_html_are_short_and_escaped(catalog):
    assert repr(catalog).startswith(f"Catalog({len(catalog)} claims")
    claim = Claim(id="api.x", topic="API responses", document="004_a1ae9db92f52d94d.txt",
                  quote="<script>alert(1)</script>", compares="a & b", relation="qualitative",
                  conditions="c", notebook="not yet", reason="r")
    page = Catalog([claim])._repr_html_()
    assert "<script>" not in page and "&lt;script&gt;" in page and "a &amp; b" in page


# --- lookups ------------------------------------------------------------------------------------
def test_an_unknown_id_raises_key_error_with_close_matches(catalog):
    with pytest.raises(KeyError) as info:
        catalog["sets.membershp"]
    message = str(info.value)
    assert "'sets.membershp'" in message and "'sets.membership'" in message
    assert f"{len(catalog)} claims" in message
    assert "sets.membership" in catalog and "sets.membershp" not in catalog


def test_a_verdict_takes_its_factor_from_the_default_catalog():
    from perfkit.engine.verdict import claimed

    assert claimed(None, "sets.membership") == (10.0, "sets.membership")
    assert default_catalog() is default_catalog()
    with pytest.raises(KeyError, match="close matches"):
        claimed(None, "sets.membershp")


# --- the loader's rules, on small made-up files -------------------------------------------------
GOOD = """
[[claim]]
id = "sets.membership"
topic = "sets vs lists"
document = "000_ab12100ec4188cfb.txt"
quote = "Sets for membership testing"
compares = "x in a set vs x in a list"
subject = "set"
baseline = "list"
relation = "faster"
factor = 10
figure = "O(1) vs O(n)"
conditions = "10,000 items"
notebook = "01-sets-vs-lists"

[[claim]]
id = "caching.lru"
topic = "caching"
document = "002_10448189ca0ba1a9.txt"
quote = "Use lru_cache"
compares = "a hit vs recomputing"
relation = "qualitative"
conditions = "n = 10,000"
notebook = "not yet"
reason = "a caching lesson is planned"
"""


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "claims.toml"
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def test_a_small_valid_file_loads_and_the_environment_can_point_to_it(tmp_path, monkeypatch):
    path = _write(tmp_path, GOOD)
    catalog = load_catalog(path)
    assert list(catalog) == ["sets.membership", "caching.lru"]
    assert catalog["sets.membership"].factor == 10.0 and catalog["caching.lru"].factor is None
    assert [c.id for c in catalog.for_notebook("not yet")] == ["caching.lru"]
    monkeypatch.setenv("PERFKIT_CLAIMS", str(path))
    assert list(load_catalog()) == ["sets.membership", "caching.lru"]


@pytest.mark.parametrize("old, new, claim_id, field", [
    ('id = "caching.lru"', 'id = "sets.membership"', "sets.membership", "id"),           # duplicate id
    ('compares = "a hit vs recomputing"\n', "", "caching.lru", "compares"),                # missing field
    ('reason = "a caching lesson is planned"\n', "", "caching.lru", "reason"),            # not yet, no reason
    ('relation = "faster"', 'relation = "quicker"', "sets.membership", "relation"),       # bad relation
    ("factor = 10", "factor = 0", "sets.membership", "factor"),                          # factor 0
    ("factor = 10", "factor = -2.5", "sets.membership", "factor"),
    ("factor = 10", 'factor = "10"', "sets.membership", "factor"),
    ("factor = 10\n", "", "sets.membership", "factor"),                                   # faster, no factor
    ('notebook = "not yet"', 'notebook = "soon"', "caching.lru", "notebook"),
    ('topic = "caching"', 'topic = "cache"', "caching.lru", "topic"),
    ('document = "002_10448189ca0ba1a9.txt"', 'document = "002.txt"', "caching.lru", "document"),
    ('quote = "Use lru_cache"', 'quote = "' + "x" * 161 + '"', "caching.lru", "quote"),
    ('quote = "Use lru_cache"', 'quote = "Используйте кэш"', "caching.lru", "quote_en"),
    ('conditions = "n = 10,000"', 'conditon = "n = 10,000"', "caching.lru", "conditon"),  # unknown field
    ('id = "caching.lru"', 'id = "sets.lru"', "sets.lru", "id"),                         # wrong prefix
])
def test_a_broken_rule_raises_value_error_naming_the_claim_and_the_field(tmp_path, old, new, claim_id, field):
    assert old in GOOD
    path = _write(tmp_path, GOOD.replace(old, new, 1))
    with pytest.raises(ValueError) as info:
        load_catalog(path)
    message = str(info.value)
    assert f"claim {claim_id!r}" in message and field in message, message


def test_the_factor_message_states_the_rule_and_the_value(tmp_path):
    with pytest.raises(ValueError, match=r"^claim 'sets.membership': factor must be a number > 0, got 0$"):
        load_catalog(_write(tmp_path, GOOD.replace("factor = 10", "factor = 0")))


def test_a_claim_without_an_id_is_named_by_its_position(tmp_path):
    with pytest.raises(ValueError, match=r"claim #2 \(no id\): field 'id' is missing"):
        load_catalog(_write(tmp_path, GOOD.replace('id = "caching.lru"\n', "")))


def test_a_file_that_is_not_a_catalog_is_refused(tmp_path):
    with pytest.raises(ValueError, match="not valid TOML"):
        load_catalog(_write(tmp_path, "[[claim]\n"))
    with pytest.raises(ValueError, match="no \\[\\[claim\\]\\] tables"):
        load_catalog(_write(tmp_path, "claim = 'x'\n"))
    with pytest.raises(ValueError, match="unknown top-level key 'claims'"):
        load_catalog(_write(tmp_path, GOOD.replace("[[claim]]", "[[claims]]", 1)))


# --- python -m perfkit claims -------------------------------------------------------------------
def _run(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k != "PERFKIT_CLAIMS"}
    return subprocess.run([sys.executable, "-m", "perfkit", *args], check=False, capture_output=True, text=True,
                          encoding="utf-8", cwd=cwd, env=env, timeout=120)


def test_the_claims_command_prints_the_totals_from_any_directory(tmp_path, catalog):
    result = _run("claims", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    cov = catalog.coverage()
    assert result.stdout.splitlines()[0] == f"{cov['claims']} claims, {cov['judged']} judged, {cov['not yet']} not yet"


def test_the_claims_command_lists_every_claim_on_a_line(tmp_path, catalog):
    result = _run("claims", "--list", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert [line.split(" ", 1)[0] for line in lines] == list(catalog)


def test_a_bad_command_prints_usage_and_exits_2(tmp_path):
    for args in (("nonsense",), ()):
        result = _run(*args, cwd=tmp_path)
        assert result.returncode == 2 and "usage:" in result.stderr and result.stdout == ""


def test_a_broken_catalog_makes_the_command_fail_with_the_reason(tmp_path):
    path = _write(tmp_path, GOOD.replace("factor = 10", "factor = 0"))
    result = _run("claims", "--file", str(path), cwd=tmp_path)
    assert result.returncode == 1 and "factor must be a number > 0, got 0" in result.stderr
