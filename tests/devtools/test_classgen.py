"""The bundled example class and its generator (autograder/devtools/classgen.py): the committed
class matches the generator, and the generator's edits (markers stripped, near-copies with renamed
variables, code injected) keep the submissions valid Python that computes the same values."""

import ast

from autograder import manifest as manifests
from autograder.devtools.classgen import inject, inject_at_import, rename_locals, stale_classes, strip_markers

SOURCE = '''\
import math


def scaled_sum(values, factor=2.0):
    """Doc."""
    # BEGIN SOLUTION
    total = 0.0  # running total
    for i, v in enumerate(values):
        total += v * factor ** i
    cache = {"n": len(values)}
    return total, cache
    # END SOLUTION


def norm(xs):
    # BEGIN SOLUTION
    s = sum(x * x for x in xs)
    return math.sqrt(s)
    # END SOLUTION
'''


def _run(source: str, function: str, *args):
    namespace: dict = {}
    exec(compile(source, "<generated>", "exec"), namespace)
    return namespace[function](*args)


def test_bundled_class_matches_its_generator():
    assert stale_classes(manifests.available()) == [], "run `python -m autograder classgen`"


def test_strip_markers_removes_only_the_marker_lines():
    out = strip_markers(SOURCE)
    assert "BEGIN SOLUTION" not in out and "END SOLUTION" not in out
    assert len(out.splitlines()) == len(SOURCE.splitlines()) - 4
    assert _run(out, "scaled_sum", [1.0, 2.0, 3.0]) == _run(SOURCE, "scaled_sum", [1.0, 2.0, 3.0])


def test_a_near_copy_renames_locals_drops_comments_and_computes_the_same():
    copy = rename_locals(SOURCE)
    assert "# running total" not in copy and "# BEGIN SOLUTION" not in copy
    names = {n.id for n in ast.walk(ast.parse(copy)) if isinstance(n, ast.Name)}
    assert not names & {"total", "cache", "i", "v", "s"}  # locals renamed ...
    assert "def scaled_sum(values, factor=2.0):" in copy and "def norm(xs):" in copy  # ... names others use kept
    assert '"n"' in copy and "math.sqrt" in copy
    assert _run(copy, "scaled_sum", [1.0, 2.0, 3.0]) == _run(SOURCE, "scaled_sum", [1.0, 2.0, 3.0]) == \
        (17.0, {"n": 3})
    assert _run(copy, "norm", [3.0, 4.0]) == 5.0


def test_injected_code_runs_first_in_the_function_or_at_import():
    bugged = inject(SOURCE, "norm", "xs = [2 * x for x in xs]")
    assert _run(bugged, "norm", [3.0, 4.0]) == 10.0
    assert _run(bugged, "scaled_sum", [1.0]) == (1.0, {"n": 1})  # the other function is untouched
    at_import = inject_at_import(SOURCE, "import os\nos._exit(0)")  # the hostile student's line
    assert at_import.index("os._exit(0)") > at_import.index("import math")
    assert at_import.index("os._exit(0)") < at_import.index("def scaled_sum")
    ast.parse(at_import)
