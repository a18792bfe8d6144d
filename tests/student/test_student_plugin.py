"""``pytest`` in a student's folder (autograder/student/pytest_plugin.py), run in this process on a toy
assignment laid out as the student zip lays it out (manifest.toml, conftest.py, pytest.ini, public/):
results named and scored as the grader names them, ``--function`` keeps one function's checks,
``--results`` writes Gradescope's JSON, an unknown function is a usage error."""

import json
import sys
import textwrap

import pytest
from hypothesis import settings

from autograder.release.student_zip import CONFTEST, PYTEST_INI

MANIFEST = '''\
name = "toy"
[files]
"toy.py" = ["double", "halve"]
[checks]
public = ["public/test_toy.py"]
'''

CHECKS = '''\
import pytest
from autograder.checklib.registry import check


@check("double", points=2)
def test_double(student):
    """doubles a number"""
    assert student.call("double", 3) == 6


@check("{function}", points=1)
@pytest.mark.parametrize("function", ["double", "halve"])
def test_returns_a_number(student, function):
    """{function} returns a number"""
    assert isinstance(student.call(function, 4), (int, float))


@check("halve", points=1)
def test_halve(student):
    """halves a number"""
    assert student.call("halve", 3) == 1.5
'''

STUDENT = '''\
def double(x):
    return 2 * x


def halve(x):
    return x // 2  # a bug: integer division
'''


@pytest.fixture(scope="module")
def folder(tmp_path_factory):
    """The toy assignment folder (one for the module: pytest imports public/test_toy.py by its name)."""
    folder = tmp_path_factory.mktemp("toy")
    (folder / "manifest.toml").write_text(MANIFEST)
    (folder / "conftest.py").write_text(CONFTEST)
    (folder / "pytest.ini").write_text(PYTEST_INI)
    (folder / "public").mkdir()
    (folder / "public" / "test_toy.py").write_text(CHECKS)
    (folder / "toy.py").write_text(textwrap.dedent(STUDENT))
    yield folder
    settings.load_profile("kit")  # the checks' plugin made the grading profile the active one
    for name in ("test_toy", "toy"):
        sys.modules.pop(name, None)


def _pytest(folder, *args) -> int:
    """``pytest ARGS`` in ``folder``, in this process."""
    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(folder)
        return pytest.main(["-q", "--rootdir", str(folder), "-c", str(folder / "pytest.ini"), *args])


def test_results_are_named_and_scored_as_the_grader_does(folder, capsys):
    assert _pytest(folder, "--results", str(folder / "results.json")) == pytest.ExitCode.TESTS_FAILED
    results = json.loads((folder / "results.json").read_text())
    assert [(t["name"], t["score"], t["max_score"]) for t in results["tests"]] == [
        ("double: doubles a number", 2.0, 2.0),
        ("double: double returns a number", 1.0, 1.0),
        ("halve: halve returns a number", 1.0, 1.0),
        ("halve: halves a number", 0.0, 1.0),
    ]
    assert results["score"] == 4.0 and all(t["visibility"] == "visible" for t in results["tests"])
    out = capsys.readouterr().out
    assert "checks, as the grader names and scores them" in out and "Total: 4 / 5" in out
    assert "FAIL  halve: halves a number" in out


def test_function_keeps_only_that_functions_checks(folder):
    assert _pytest(folder, "--function", "double", "--results", str(folder / "double.json")) == pytest.ExitCode.OK
    results = json.loads((folder / "double.json").read_text())
    assert [t["name"] for t in results["tests"]] == ["double: doubles a number", "double: double returns a number"]


def test_an_unknown_function_is_a_usage_error(folder, capsys):
    assert _pytest(folder, "--function", "triple") == pytest.ExitCode.USAGE_ERROR
    assert "unknown function(s) triple; this assignment has: double, halve" in capsys.readouterr().err
