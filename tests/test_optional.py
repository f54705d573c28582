import pytest

from perfkit.engine.optional import require


def test_a_missing_package_names_the_extra_that_installs_it():
    with pytest.raises(ImportError, match=r"profile_lines needs no_such_pkg_xyz.*perfkit\[notebooks\]"):
        require("no_such_pkg_xyz", "profile_lines", "notebooks")


def test_a_present_package_is_returned():
    assert require("json", "anything", "charts").dumps([1]) == "[1]"


def test_a_missing_dependency_of_a_present_package_is_not_blamed_on_it(tmp_path, monkeypatch):
    (tmp_path / "pk_broken_pkg.py").write_text("import no_such_dependency_xyz\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    with pytest.raises(ModuleNotFoundError, match="no_such_dependency_xyz"):
        require("pk_broken_pkg", "a feature", "charts")
