"""The package's shape: three layers whose imports point down, no module that shadows itself,
a light `import perfkit`, and a README whose Layout lists every module."""

import ast
import importlib
import pkgutil
import re
import subprocess
import sys
from pathlib import Path

import pytest

import perfkit

ROOT = Path(perfkit.__file__).resolve().parent
README = ROOT.parent / "README.md"
LAYERS = ("engine", "display", "lessons", "report")  # bottom to top
HEAVY = ("matplotlib", "ipywidgets", "IPython", "line_profiler", "memory_profiler", "httpx",
         "fastapi", "uvicorn", "sqlalchemy")
# the one door from the engine to the display layer: a result's .plot() (see engine/results.py)
DOOR = ("engine/results.py", "perfkit.display.plots")


def _modules() -> list[Path]:
    return sorted(p for p in ROOT.rglob("*.py") if "__pycache__" not in p.parts)


def _imports(path: Path) -> list[str]:
    """Absolute names of everything a module imports, at any depth (lazy imports included)."""
    package = ".".join(("perfkit", *path.relative_to(ROOT).with_suffix("").parts))
    if path.name != "__init__.py":
        package = package.rsplit(".", 1)[0]
    names = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names += [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parent = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join(parent + ([base] if base else []))
            names += [base] + [f"{base}.{a.name}" for a in node.names]
        elif isinstance(node, ast.Call) and getattr(node.func, "attr", None) == "import_module" \
                and node.args and isinstance(node.args[0], ast.Constant):
            names.append(str(node.args[0].value))
    return names


def _layer(path: Path) -> str | None:
    parts = path.relative_to(ROOT).parts
    return parts[0] if len(parts) > 1 and parts[0] in LAYERS else None


@pytest.mark.parametrize("path", _modules(), ids=lambda p: str(p.relative_to(ROOT)))
def test_imports_point_down(path):
    layer = _layer(path)
    if layer is None:
        return  # perfkit/__init__.py and __main__.py sit above the layers
    above = LAYERS[LAYERS.index(layer) + 1:]
    rel = str(path.relative_to(ROOT))
    for name in _imports(path):
        for upper in above:
            if name.startswith(f"perfkit.{upper}"):
                assert (rel, name) == DOOR, \
                    f"{rel} ({layer}) imports {name}: imports must point down ({' -> '.join(reversed(LAYERS))})"
        if layer == "engine":
            assert name.split(".")[0] not in {"matplotlib", "ipywidgets", "IPython"}, \
                f"{rel}: the engine must not import {name} (charts and widgets live in perfkit.display)"


def test_the_engine_reaches_the_display_only_through_its_door():
    users = [str(p.relative_to(ROOT)) for p in _modules() if _layer(p) == "engine"
             and any(n.startswith("perfkit.display") for n in _imports(p))]
    assert users == [DOOR[0]]


def test_no_module_shadows_itself():
    # `import perfkit.x.y` must leave `perfkit.x.y` the module, not a function of the same name
    for info in pkgutil.walk_packages(perfkit.__path__, "perfkit."):
        module = importlib.import_module(info.name)
        parent_name, _, leaf = info.name.rpartition(".")
        parent = sys.modules[parent_name]
        assert getattr(parent, leaf) is module, f"{parent_name}.{leaf} is not the module {info.name}"


def test_public_names_resolve_and_dir_shows_only_them():
    for name in perfkit.__all__:
        value = getattr(perfkit, name)
        assert not isinstance(value, type(sys)), f"pk.{name} is a module, expected a function or class"
    stray = {n for n in dir(perfkit) if not n.startswith("__")} - set(perfkit.__all__) \
        - {"widgets", "plots", "engine", "display", "lessons", "load_ipython_extension"}
    assert not stray, f"dir(perfkit) shows names that are not public: {sorted(stray)}"


def test_import_is_light():
    code = f"import sys, perfkit; print([m for m in {HEAVY!r} if m in sys.modules])"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


@pytest.mark.parametrize("path", _modules(), ids=lambda p: str(p.relative_to(ROOT)))
def test_no_module_is_long(path):
    lines = len(path.read_text(encoding="utf-8").splitlines())
    assert lines <= 330, f"{path.relative_to(ROOT)} has {lines} lines: split it by concern (~300 at most)"


def test_readme_layout_lists_every_module():
    text = README.read_text(encoding="utf-8")
    layout = text[text.index("## Layout"):]
    missing = []
    for path in _modules():
        rel = path.relative_to(ROOT)
        if rel.name == "__init__.py":
            continue
        # the Layout names each module by its folder and file, e.g. `engine/timing.py`, `lab/db.py`
        named = "/".join(rel.parts[-2:]) if len(rel.parts) > 1 else f"perfkit/{rel}"
        if not re.search(rf"(?<![\w/]){re.escape(named)}\b", layout):
            missing.append(str(rel))
    assert not missing, f"README's Layout does not list: {missing}"
