"""Public checks of the recurrent assignment (rnn.py, lstm.py, gru.py).

You have these checks: run them with ``python -m autograder check`` or ``pytest``. They compare your
functions with worked examples (expected values in expected.npz), check every gradient of your
backward passes against numerical gradients of your own forward passes, and check properties (no
modified inputs, repeatable backward, sequences built from steps, SPEC's errors). The grader also
has hidden checks comparing your functions with the reference on many more inputs.
"""

import pytest

from autograder.checklib.errors import StudentException
from autograder.checklib.compare import CheckFailure
from autograder.checklib.examples import assert_example, require_examples
from autograder.checklib.registry import check
from autograder.checklib.settings import for_all
import checks_recurrent as rc
from strategies_recurrent import (
    gru_cases, gru_step_cases, lstm_cases, lstm_step_cases, rnn_cases, rnn_step_cases,
)
from examples_recurrent import CASES, EXAMPLES, examples_for

MODELS = ("rnn", "lstm", "gru")
FORWARDS = [f"{m}{s}_forward" for m in MODELS for s in ("_step", "")]
BACKWARDS = [f.replace("_forward", "_backward") for f in FORWARDS]
#: Hypothesis cases per forward function (small sizes: N = 1, T = 1 and D != H all occur).
CASES_OF = {
    "rnn_step_forward": rnn_step_cases(), "rnn_forward": rnn_cases(max_steps=3),
    "lstm_step_forward": lstm_step_cases(), "lstm_forward": lstm_cases(max_steps=3),
    "gru_step_forward": gru_step_cases(), "gru_forward": gru_cases(max_steps=3),
}
#: A generic case per forward: the gate of the gradient checks (see rc.depends_on_every_input).
GATE_CASE = {case.forward_name: case for name, case in CASES.items() if "relu" not in name}
#: The worked cases of each forward: tried first by every Hypothesis check, so a bug they show is
#: reported at once on a small, fixed input (no shrinking needed).
FIRST = {f: tuple(c for c in CASES.values() if c.forward_name == f) for f in CASES_OF}
GRADIENTS = [(f.replace("_forward", "_backward"), "d" + arg)
             for f, case in GATE_CASE.items() for arg in case.arg_names]


def _forward_of(function: str) -> str:
    return function.replace("_backward", "_forward")


@check("{example.function}", points=1)
@pytest.mark.parametrize("example", EXAMPLES, ids=lambda e: e.__name__)
def test_worked_example(student, expected, example):
    """worked example {example.__name__}"""
    assert_example(student, expected, example)


@check("{function}", points=0.5)
@pytest.mark.parametrize("function,output", GRADIENTS, ids=[f"{f}-{o}" for f, o in GRADIENTS])
def test_gradient_matches_numerical(student, function, output):
    """{output} agrees with the numerical gradient of your forward"""
    forward = _forward_of(function)
    rc.depends_on_every_input(student, GATE_CASE[forward])
    for_all(CASES_OF[forward], lambda case: rc.gradient_consistent(student, case, output), max_examples=8,
            first=FIRST[forward])


@check("{function}", points=0.25)
@pytest.mark.parametrize("function", FORWARDS + BACKWARDS)
def test_outputs_have_spec_shapes(student, expected, function):
    """returns float64 arrays of SPEC's shapes"""
    require_examples(student, expected, examples_for(function))
    forward, part = _forward_of(function), ("backward" if function in BACKWARDS else "forward")
    for_all(CASES_OF[forward], lambda case: rc.outputs_well_formed(student, case, part), first=FIRST[forward])


@check("{function}", points=0.25)
@pytest.mark.parametrize("function", FORWARDS + BACKWARDS)
def test_arguments_unchanged(student, expected, function):
    """leaves its arguments unchanged"""
    require_examples(student, expected, examples_for(function))
    forward, part = _forward_of(function), ("backward" if function in BACKWARDS else "forward")
    for_all(CASES_OF[forward], lambda case: rc.leaves_arguments_unchanged(student, case, part),
            first=FIRST[forward])


@check("{function}", points=0.5)
@pytest.mark.parametrize("function", BACKWARDS)
def test_backward_repeatable(student, expected, function):
    """two calls on one cache give the same gradients"""
    require_examples(student, expected, examples_for(function))
    for_all(CASES_OF[_forward_of(function)], lambda case: rc.backward_repeatable(student, case),
            first=FIRST[_forward_of(function)])


@check("{function}", points=0.5)
@pytest.mark.parametrize("function", ["rnn_forward", "lstm_forward", "gru_forward"])
def test_sequence_equals_repeated_steps(student, expected, function):
    """equals your step function applied at every time step"""
    require_examples(student, expected, examples_for(function))
    for_all(CASES_OF[function], lambda case: rc.sequence_matches_steps(student, case), first=FIRST[function])


@check("{function}", points=0.5)
@pytest.mark.parametrize("function", ["rnn_step_forward", "rnn_forward"])
def test_unknown_activation_raises_value_error(student, expected, function):
    """an unknown activation raises ValueError"""
    require_examples(student, expected, examples_for(function))
    case = GATE_CASE[function]
    try:
        student.call(function, *case.args, activation="sigmoid", alpha=0.0)
    except StudentException as exc:
        if exc.type_name == "ValueError":
            return
        raise CheckFailure(f"{function}: activation='sigmoid' should raise ValueError, got {exc.type_name}") from None
    raise CheckFailure(f"{function}: activation='sigmoid' should raise ValueError, but it returned normally")
