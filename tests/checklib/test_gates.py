"""The gates many checks open with are judged once per submission (issue 13): a worked example found
right, or a gradient gate passed, is not judged again for the same submission; a wrong one is judged
again each time (so a function stopped for time meanwhile reports that, as it always did)."""

from __future__ import annotations

import numpy as np
import pytest

from autograder.checklib import examples
from autograder.checklib.compare import CheckFailure

import checks_recurrent as rc


class Submission:
    """A stand-in submission (weakly referenceable, like the grader's and a student's)."""


def example_one(impl):
    return {}


example_one.function = "f"


def test_worked_examples_found_right_are_not_run_again_for_the_same_submission(monkeypatch):
    runs = []
    monkeypatch.setattr(examples, "assert_example", lambda student, expected, example: runs.append(student))
    table, other_table = {}, {}
    first, second = Submission(), Submission()
    for _ in range(3):
        examples.require_examples(first, table, [example_one])
    assert runs == [first]
    examples.require_examples(second, table, [example_one])  # another submission: judged for it
    examples.require_examples(first, other_table, [example_one])  # other expected values: judged again
    assert runs == [first, second, first]


def test_a_wrong_worked_example_is_judged_again_every_time_with_the_same_text(monkeypatch):
    runs = []

    def wrong(student, expected, example):
        runs.append(student)
        raise CheckFailure("f: 'y' is wrong")

    monkeypatch.setattr(examples, "assert_example", wrong)
    student = Submission()
    texts = []
    for _ in range(2):
        with pytest.raises(CheckFailure) as failure:
            examples.require_examples(student, {}, [example_one])
        texts.append(str(failure.value))
    assert len(runs) == 2 and texts[0] == texts[1] and "earns credit only once the worked example example_one" in texts[0]


def test_the_gradient_gate_once_passed_is_not_judged_again_and_a_failing_one_is(monkeypatch):
    verdicts = iter([None, "lstm_forward: its outputs do not change when 'b' changes",
                     "lstm_forward: its outputs do not change when 'b' changes", None])
    runs = []

    def gate(student, case):
        runs.append((student, case))
        return next(verdicts)

    monkeypatch.setattr(rc, "_gate_failure", gate)
    case = object()  # the gate's cases are module constants; the memo keeps the case alive
    good, bad = Submission(), Submission()
    rc.depends_on_every_input(good, case)
    rc.depends_on_every_input(good, case)
    for _ in range(2):
        with pytest.raises(CheckFailure, match="do not change when 'b' changes"):
            rc.depends_on_every_input(bad, case)
    other_case = object()
    rc.depends_on_every_input(good, other_case)
    assert runs == [(good, case), (bad, case), (bad, case), (good, other_case)]


class Counted:
    """A submission (the reference, in this process) counting the batches of calls it is sent."""

    def __init__(self, reference, fail: bool = False):
        self.reference, self.fail, self.batches = reference, fail, 0

    def call_many(self, name, calls):
        self.batches += 1
        if self.fail:
            return [ValueError("no") for _ in calls]
        return self.reference.call_many(name, calls)


@pytest.fixture(scope="module")
def reference():
    from autograder import manifest as manifests
    from autograder.grading.grade import reference_submission

    return reference_submission(manifests.load("recurrent"))


def test_a_numerical_gradient_is_taken_once_per_submission_and_case(reference):
    """The gradient gate's worked case is also the first case of each gradient check: the student's
    perturbed forwards on it run once per grading (a fresh copy of the case gives the same key)."""
    import copy

    from examples_recurrent import CASES

    case = CASES["lstm"]
    student, other = Counted(reference), Counted(reference)
    first = rc.numerical_gradient(student, case, "Wx")
    first[0, 0] = 1e9  # the caller's copy: the kept one stays as computed
    again = rc.numerical_gradient(student, copy.deepcopy(case), "Wx")
    assert student.batches == 1 and again[0, 0] != 1e9
    rc.numerical_gradient(student, case, "Wh")
    rc.numerical_gradient(other, case, "Wx")
    assert (student.batches, other.batches) == (2, 1)
    changed = copy.deepcopy(case)
    changed.args[0][0, 0, 0] += 1.0  # other inputs: taken again
    rc.numerical_gradient(student, changed, "Wx")
    assert student.batches == 3
    np.testing.assert_allclose(again, rc.numerical_gradient(Counted(reference), case, "Wx"))


def test_a_forward_that_fails_is_asked_again_each_time(reference):
    from examples_recurrent import CASES

    failing = Counted(reference, fail=True)
    for _ in range(2):
        with pytest.raises(ValueError):
            rc.numerical_gradient(failing, CASES["lstm"], "Wx")
    assert failing.batches == 2


class CountedCalls:
    """A submission (the reference, in this process) counting the calls of each function."""

    def __init__(self, reference, failing: str = ""):
        self.reference, self.failing, self.calls = reference, failing, []

    def call(self, name, *args, **kwargs):
        self.calls.append(name)
        if name == self.failing:
            from autograder.checklib.errors import StudentException

            raise StudentException(name, "ValueError", "no", "")
        return self.reference.call(name, *args, **kwargs)


def test_the_checks_of_a_backwards_gradients_share_one_run_per_case(reference):
    """One check per gradient draws the same cases: the student's forward and backward run once per
    case; each check gets its own copy of the answer."""
    import copy

    from examples_recurrent import CASES

    case = CASES["lstm"]
    student = CountedCalls(reference)
    dx = rc.student_gradients(student, case)["dx"]
    dx[...] = 1e9
    again = rc.student_gradients(student, copy.deepcopy(case))
    assert student.calls == ["lstm_forward", "lstm_backward"] and not np.any(again["dx"] == 1e9)
    _, cache = rc.forward(reference, case)
    want = rc.backward(reference, case, cache)
    assert all(np.array_equal(again[name], want[name]) for name in want)
    other_upstream = copy.deepcopy(case)
    other_upstream.upstream[0][...] += 1.0
    rc.student_gradients(student, other_upstream)  # other upstream gradients: run again
    assert len(student.calls) == 4


@pytest.mark.parametrize("failing", ["lstm_forward", "lstm_backward"])
def test_a_forward_or_backward_that_raises_is_run_again_by_every_check(reference, failing):
    from autograder.checklib.settings import SkipCase
    from autograder.checklib.errors import StudentException
    from examples_recurrent import CASES

    student = CountedCalls(reference, failing=failing)
    for _ in range(2):
        with pytest.raises(SkipCase if failing == "lstm_forward" else StudentException):
            rc.student_gradients(student, CASES["lstm"])
    assert student.calls.count(failing) == 2
