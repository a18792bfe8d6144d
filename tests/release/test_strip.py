"""The stripper turns solutions/ into student_templates/ and refuses malformed markers."""

import pytest

from autograder import manifest as manifests
from autograder.checklib.errors import NotImplementedYet
from autograder.checklib.examples import examples_of
from autograder.checklib.local import LocalSubmission
from autograder.loader import load_module
from autograder.release.strip import StripError, stale_templates, strip_source

SOLUTION = '''\
import numpy as np


def helper(a):
    return 2 * a


def f(x):
    """Doc."""
    # BEGIN SOLUTION
    y = helper(x)
    if y > 0:
        y = -y
    # END SOLUTION
    return y


class K:
    def method(self):
        # BEGIN SOLUTION
        return 1
        # END SOLUTION
'''


def test_region_becomes_not_implemented_with_indentation_kept():
    out = strip_source(SOLUTION, "s.py", required=("f",))
    assert '    raise NotImplementedError("f: not implemented yet")\n    return y\n' in out
    assert '        raise NotImplementedError("method: not implemented yet")\n' in out
    assert "helper(x)" not in out and "y = -y" not in out
    assert "def helper(a):\n    return 2 * a" in out  # provided helpers stay
    assert "BEGIN SOLUTION" not in out and "END SOLUTION" not in out


@pytest.mark.parametrize(
    "source, message",
    [
        ("def f():\n    # BEGIN SOLUTION\n    x = 1\n    return x\n", "no matching"),
        ("def f():\n    # BEGIN SOLUTION\n    a = 1\n    # BEGIN SOLUTION\n    b = 1\n    # END SOLUTION\n", "nested"),
        ("def f():\n    # END SOLUTION\n    return 1\n", "without a matching"),
        ("# BEGIN SOLUTION\nx = 1\n# END SOLUTION\n", "outside any function"),
        ("def f():\n    return 1\n", "exactly one solution region, found 0"),
        ("def f():\n    # BEGIN SOLUTION\n    a = 1\n    # END SOLUTION\n    # BEGIN SOLUTION\n    b = 1\n"
         "    # END SOLUTION\n", "found 2"),
    ],
    ids=["missing-end", "nested-begin", "end-without-begin", "outside-function", "no-region", "two-regions"],
)
def test_malformed_markers_fail_loudly(source, message):
    with pytest.raises(StripError, match=message):
        strip_source(source, "bad.py", required=("f",))


def test_committed_templates_match_the_stripper():
    assert stale_templates() == [], "run `make templates` and commit student_templates/"


def _worked_examples():
    for m in manifests.load_all():
        for folder in sorted({p.parent for p in m.public_checks}):
            for path in sorted(folder.glob("examples_*.py")):
                module = load_module(path, f"_strip_test_{path.stem}")
                for example in examples_of(module):
                    yield pytest.param(m, example, id=example.__name__)


def test_every_student_function_has_a_worked_example():
    covered = {example.function for _, example in (p.values for p in _worked_examples())}
    wanted = {fn for m in manifests.load_all() for fn in m.functions if fn not in m.outcome_functions}
    assert wanted <= covered, f"no worked example for {sorted(wanted - covered)}"


@pytest.mark.parametrize("manifest, example", list(_worked_examples()))
def test_templates_import_and_reach_not_implemented(manifest, example):
    """On valid inputs (the worked examples), every template function gets as far as its stub."""
    templates = LocalSubmission(manifest.templates, manifest.functions, prefix="_tpl_",
                                extra_paths=manifest.provided_dirs)
    with pytest.raises(NotImplementedYet):
        example(templates)
