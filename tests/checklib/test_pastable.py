"""Failing inputs that paste as valid Python (issue 12, item 4; autograder/checklib/pastable.py).

- ``pastable.source`` rebuilds values exactly: every dtype the cases use, nan, the infinities, -0.0,
  empty and 0-d arrays, numpy scalars, dicts and tuples of arrays, arrays of any size (no summary).
- Every public strategy of every assignment (and every worked case the checks try first): the failing
  input, rendered exactly as feedback shows it (``feedback.describe`` on an exception carrying
  Hypothesis's note), runs as given in a fresh namespace with the reference solutions importable; the
  arrays and values it defines equal the case's bit for bit, the keyword arguments of its calls too,
  and the calls define the outputs they name.
- A real failing check (a check body on a small buggy student, through ``for_all`` and Hypothesis)
  gives feedback whose failing input parses with ``ast.parse`` and runs; hidden checks still show none.
"""

from __future__ import annotations

import ast
import contextlib
import math
import sys
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from autograder import manifest as manifests
from autograder.checklib import pastable
from autograder.checklib.compare import CheckFailure, assert_array
from autograder.checklib.feedback import describe
from autograder.checklib.local import LocalSubmission
from autograder.checklib.settings import for_all

import checks_forecasting as fc
import checks_recurrent as rc
import checks_sequences as cs
import strategies_forecasting as sf
import strategies_recurrent as sr
import test_forecasting as tf
import test_recurrent as tr
import test_sequences as ts

SHRUNK = "Minimal failing input (shrunk by Hypothesis); paste it into Python in your assignment folder to reproduce it:"
FIXED = "Failing input (fixed case); paste it into Python in your assignment folder to reproduce it:"


# ---------------------------------------------------------------- helpers


@contextlib.contextmanager
def reference_importable(assignment: str):
    """The reference solutions of ``assignment`` importable by their student names (rnn, layers, arma,
    ...; the provided files too), as the student's own files are in their folder; put back after."""
    manifest = manifests.load(assignment)
    names = [*manifest.module_names, *(Path(f).stem for f in manifest.provided)]
    saved = {n: sys.modules.pop(n) for n in names if n in sys.modules}
    paths = [str(manifest.solutions), *map(str, manifest.provided_dirs)]
    sys.path[0:0] = paths
    try:
        yield
    finally:
        for p in paths:
            sys.path.remove(p)
        for n in names:
            sys.modules.pop(n, None)
        sys.modules.update(saved)


def feedback_of(case, explicit: bool = False) -> str:
    """The feedback of a public check that failed on ``case``, with the note Hypothesis adds."""
    exc = CheckFailure("f: 'y' is wrong")
    head = "Falsifying explicit example" if explicit else "Falsifying example"
    exc.add_note(f"{head}: run(\n    case={case!r},\n)")
    return describe(exc, hidden=False)


def failing_input(feedback: str) -> str:
    """The text a student pastes: everything after the label line."""
    for label in (SHRUNK, FIXED):
        if f"\n{label}\n" in feedback:
            return feedback.split(f"\n{label}\n", 1)[1]
    raise AssertionError(f"no paste label in the feedback:\n{feedback}")


def expected_of(case) -> tuple[dict, dict, list[str]]:
    """(the named values the snippet must define, the keyword arguments of its call, its outputs)."""
    if isinstance(case, (sr.RecurrentCase, sf.Case)):
        values = dict(zip(case.arg_names, case.args))
        values.update(zip(case.upstream_names, case.upstream))
        grads = ["grads"] if getattr(case, "grads_in_dict", False) else list(case.grad_names)
        return values, dict(getattr(case, "kwargs", {})), [*case.output_names, "cache", *grads]
    if isinstance(case, sf.Call):
        return dict(zip(case.arg_names, case.args)), case.kwargs, list(sf.OUTPUTS[case.function])
    if isinstance(case, ts._Differenced):
        return dict(zip(("y", "d"), case.args)), {}, ["y_back"]
    if isinstance(case, cs.Call):
        return dict(zip(cs.ARG_NAMES[case.function], case.args)), case.kwargs, list(cs.OUTPUTS[case.function])
    raise TypeError(type(case))


def assert_identical(got, want, where: str) -> None:
    """``got`` is ``want`` rebuilt bit for bit: same types, dtypes, shapes, keys and bits."""
    assert type(got) is type(want), f"{where}: {type(got).__name__} instead of {type(want).__name__}"
    if isinstance(want, np.ndarray):
        assert got.dtype == want.dtype and got.shape == want.shape, f"{where}: {got.dtype} {got.shape}"
        assert np.array_equal(got, want, equal_nan=want.dtype.kind == "f"), where
        assert got.tobytes() == want.tobytes(), f"{where}: not bit for bit"
    elif isinstance(want, dict):
        assert list(got) == list(want), f"{where}: keys {list(got)}"
        for k in want:
            assert_identical(got[k], want[k], f"{where}[{k!r}]")
    elif isinstance(want, (list, tuple)):
        assert len(got) == len(want), where
        for k, (g, w) in enumerate(zip(got, want)):
            assert_identical(g, w, f"{where}[{k}]")
    elif isinstance(want, float) and math.isnan(want):
        assert math.isnan(got), where
    else:
        assert got == want and repr(got) == repr(want), f"{where}: {got!r} instead of {want!r}"


def run_snippet(assignment: str, text: str) -> dict:
    """Execute a failing input as a student would paste it: a fresh namespace, their files importable."""
    namespace: dict = {}
    with reference_importable(assignment):
        exec(compile(text, "<pasted>", "exec"), namespace)
    return namespace


def assert_reproduces(assignment: str, case, explicit: bool = False) -> str:
    feedback = feedback_of(case, explicit)
    text = failing_input(feedback)
    assert text == repr(case)
    assert text.startswith("# ") and "\n" not in text.splitlines()[0]
    assert "<array" not in text and "..." not in text
    namespace = run_snippet(assignment, text)
    values, kwargs, outputs = expected_of(case)
    for name, value in values.items():
        assert_identical(namespace[name], value, name)
    calls = [node for node in ast.walk(ast.parse(text)) if isinstance(node, ast.Call) and isinstance(node.func, ast.Name)]
    passed = {kw.arg: eval(compile(ast.Expression(kw.value), "<kw>", "eval"), namespace)
              for call in calls for kw in call.keywords}  # the keywords of the student functions' calls
    for name, value in kwargs.items():
        assert_identical(passed[name], value, f"keyword {name}")
    for name in outputs:
        assert name in namespace, f"the snippet's calls define no '{name}':\n{text}"
    return text


# ---------------------------------------------------------------- source() rebuilds values exactly


VALUES = [
    np.array([0.1, -0.0, np.nan, np.inf, -np.inf, 5e-324, 1.7976931348623157e308]),
    np.arange(6, dtype=np.int64).reshape(2, 3),
    np.arange(4, dtype=np.int32) - 2,
    np.array([True, False]),
    np.float32([0.1, 2.5]),
    np.zeros((0,)),
    np.zeros((3, 0), dtype=np.int64),
    np.array(2.5),
    np.random.default_rng(0).uniform(-1, 1, (3, 4, 16)),  # 192 entries, rows wider than a line
    np.random.default_rng(1).uniform(-1, 1, 300),
    {"Wx": np.ones((1, 3)), "b": np.zeros(3), "t": 3, "m": {"W": np.eye(2)}},
    (np.ones(2), 2, "gru", None, 1e-05),
    np.float64(0.3),
    np.int64(7),
    [1.5, -2, True],
]


@pytest.mark.parametrize("value", VALUES, ids=range(len(VALUES)))
def test_source_rebuilds_every_value_exactly(value):
    text = pastable.source(value)
    namespace = {"np": np}
    exec(f"value = {text}", namespace)
    assert_identical(namespace["value"], value, "value")
    if isinstance(value, np.ndarray) and value.ndim >= 2 and value.size:
        assert text.startswith("np.array([\n    [") and text.split("\n")[-1] in ("])", f"]{pastable._dtype(value)})")
        assert max(map(len, text.splitlines())) <= pastable.WIDTH


# ---------------------------------------------------------------- every public strategy, every worked case


RECURRENT = {f: s for f, s in tr.CASES_OF.items()}
FORECASTING = {str(k): s for k, s in {**tf.CASES_OF, **tf.CALLS_OF}.items()}
SEQUENCES = {
    **cs.CALLS,
    "undifference-inverts-difference": ts.seq.difference_params().map(lambda a: ts._Differenced("undifference", a)),
    "forecasts-continue": st.tuples(ts.seq.series(), ts.seq.arma_params(), st.integers(2, 6)).map(
        lambda a: cs.Call("arma_forecast", (a[0], a[1][0], a[1][1], a[2]), {"c": a[1][2]})),
}
STRATEGIES = ([("recurrent", k, s) for k, s in RECURRENT.items()] + [("forecasting", k, s) for k, s in FORECASTING.items()]
              + [("sequences", k, s) for k, s in SEQUENCES.items()])


@pytest.mark.parametrize("assignment,key,strategy", STRATEGIES, ids=[f"{a}-{k}" for a, k, _ in STRATEGIES])
def test_every_public_strategy_gives_inputs_that_paste_and_run(assignment, key, strategy):
    @settings(max_examples=6)
    @given(case=strategy)
    def check(case):
        assert_reproduces(assignment, case)

    check()


WORKED = ([("recurrent", name, case) for name, case in tr.CASES.items()]
          + [("forecasting", name, case) for name, case in {**tf.CASES, **__import__("examples_forecasting").CALLS}.items()])


@pytest.mark.parametrize("assignment,name,case", WORKED, ids=[f"{a}-{n}" for a, n, _ in WORKED])
def test_every_worked_case_pastes_as_a_fixed_case(assignment, name, case):
    assert_reproduces(assignment, case, explicit=True)


def test_the_comment_names_sizes_and_regime_first():
    text = repr(tr.CASES["rnn_step_relu_leaky"])
    assert text.splitlines()[:3] == [
        "# rnn_step, relu, alpha=0.3: N=2, D=3, H=2, |pre-activations| <= " + f"{tr.CASES['rnn_step_relu_leaky'].preactivation_bound:.3g}",
        "import numpy as np",
        "from rnn import rnn_step_forward, rnn_step_backward",
    ]
    assert text.splitlines()[-2:] == [
        "next_h, cache = rnn_step_forward(x, prev_h, Wx, Wh, b, activation='relu', alpha=0.3)",
        "dx, dprev_h, dWx, dWh, db = rnn_step_backward(dnext_h, cache)",
    ]
    lstm = repr(tf.CASES["forecaster_lstm"]).splitlines()
    assert lstm[0].startswith("# forecaster_case('lstm', N=2, W=3, F=2, H=2, M=2, seed=9): X (2, 3, 2), cell='lstm'")
    assert lstm[2] == "from forecast import forecaster_forward, forecaster_backward"
    assert lstm[-2:] == ["Y, cache = forecaster_forward(params, X, cell)", "grads = forecaster_backward(dY, cache)"]


# ---------------------------------------------------------------- real failing checks


class Buggy(LocalSubmission):
    """The reference, with one function's result changed by ``bug``."""

    def __init__(self, assignment: str, function: str, bug):
        manifest = manifests.load(assignment)
        super().__init__(manifest.solutions, manifest.functions, prefix=f"_pastable_{assignment}_",
                         extra_paths=manifest.provided_dirs)
        self.function, self.bug = function, bug

    def call(self, name, *args, **kwargs):
        value = super().call(name, *args, **kwargs)
        return self.bug(value) if name == self.function else value


def _doubled_dx(value):
    dx, *rest = value
    return (2 * dx, *rest)


def _failure(strategy, body, first=()) -> CheckFailure:
    with pytest.raises(CheckFailure) as info:
        for_all(strategy, body, max_examples=8, first=first)
    return info.value


def _assert_feedback_pastes(assignment: str, exc: CheckFailure, label: str) -> None:
    feedback = describe(exc, hidden=False)
    assert f"\n{label}\n" in feedback
    text = failing_input(feedback)
    ast.parse(text)  # valid Python as a whole
    run_snippet(assignment, text)  # and it runs, on the reference
    hidden = describe(exc, hidden=True)
    assert "paste" not in hidden and "np.array" not in hidden


def test_a_failing_recurrent_gradient_check_shows_a_fixed_case_that_pastes():
    student = Buggy("recurrent", "rnn_step_backward", _doubled_dx)
    exc = _failure(tr.CASES_OF["rnn_step_forward"], lambda case: rc.gradient_consistent(student, case, "dx"),
                   first=tr.FIRST["rnn_step_forward"])
    _assert_feedback_pastes("recurrent", exc, FIXED)


def test_a_failing_recurrent_check_shows_the_shrunk_case_that_pastes():
    student = Buggy("recurrent", "lstm_backward", _doubled_dx)
    exc = _failure(tr.CASES_OF["lstm_forward"], lambda case: rc.gradient_consistent(student, case, "dx"))
    _assert_feedback_pastes("recurrent", exc, SHRUNK)


def test_a_failing_forecasting_check_shows_a_call_that_pastes():
    student = Buggy("forecasting", "mse_loss", lambda value: (np.array([value[0]]), value[1]))
    exc = _failure(tf.CALLS_OF["mse_loss"], lambda call: fc.call_well_formed(student, call))
    _assert_feedback_pastes("forecasting", exc, SHRUNK)


def test_a_failing_sequences_check_shows_a_call_that_pastes():
    student = Buggy("sequences", "naive_forecast", lambda yhat: yhat[:-1])

    def body(call):
        assert_array("naive_forecast", "yhat", call.outputs(student)["yhat"], (call.args[1],))

    exc = _failure(cs.CALLS["naive_forecast"], body)
    _assert_feedback_pastes("sequences", exc, SHRUNK)
