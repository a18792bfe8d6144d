"""``for_all``'s fast path (autograder/checklib/settings.py) replays exactly what Hypothesis does.

A check's verdict and feedback must not depend on whether its cases came from Hypothesis's engine
or from the replay of an earlier passing check of the same strategy: same cases in the same
order, the failing case found and shrunk by Hypothesis itself, an input-independent error raised
at once, and a fresh copy of each case for every check (a check that modifies its case cannot
change what the next one sees).
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from autograder.checklib import settings
from autograder.checklib.errors import NotImplementedYet



@pytest.fixture(autouse=True)
def grading_profile():
    settings.load()  # the checks' profile (derandomized), as in a grading
    yield
    hypothesis_settings.load_profile("kit")


ARRAYS = hnp.arrays(np.float64, st.integers(1, 4), elements=st.floats(-10, 10))


def reference_run(strategy, first=(), **options) -> list:
    """The cases Hypothesis's own engine hands a passing check (no fast path)."""
    seen = []
    settings._hypothesis_run(strategy, lambda case: seen.append(case.copy()), first=first, **options)
    return seen


def replayed(strategy, first=(), **options) -> list:
    seen = []
    settings.for_all(strategy, lambda case: seen.append(case.copy()), first=first, **options)
    return seen


def same(a: list, b: list) -> bool:
    return len(a) == len(b) and all(np.array_equal(x, y) for x, y in zip(a, b))


def test_replayed_cases_are_hypothesis_own_in_the_same_order():
    strategy = hnp.arrays(np.float64, st.integers(1, 5), elements=st.floats(-1, 1))
    first = (np.array([1.0, 2.0]),)
    want = reference_run(strategy, first=first)
    assert len(want) == 1 + settings.MAX_EXAMPLES
    replayed(strategy)  # the first check of the strategy records its cases
    assert settings.hypothesis_state() == settings.hypothesis_state()
    assert same(replayed(strategy, first=first), want)  # a later one replays them after its own first
    assert same(replayed(strategy, max_examples=5), reference_run(strategy, max_examples=5))


def test_a_failure_is_found_and_shrunk_by_hypothesis_as_before():
    strategy = ARRAYS
    replayed(strategy)

    def body(case):
        assert np.all(case < 5.0)

    with pytest.raises(AssertionError) as direct:
        settings._hypothesis_run(strategy, body)
    with pytest.raises(AssertionError) as fast:
        settings.for_all(strategy, body)
    assert str(fast.value) == str(direct.value)
    notes = getattr(fast.value, "__notes__", [])
    assert notes == getattr(direct.value, "__notes__", []) and any("case=" in n for n in notes)


def test_an_input_independent_error_is_raised_at_once():
    strategy = ARRAYS
    replayed(strategy)
    calls = []

    def body(case):
        calls.append(1)
        raise NotImplementedYet("f")

    with pytest.raises(NotImplementedYet):
        settings.for_all(strategy, body)
    assert len(calls) == 1


def test_each_check_gets_fresh_copies_of_the_cases():
    strategy = ARRAYS
    settings.for_all(strategy, lambda case: case.fill(99.0))
    settings.for_all(strategy, lambda case: case.fill(99.0))  # replayed: must not reach the stored case
    assert not any(np.all(c == 99.0) for c in replayed(strategy))


@pytest.mark.parametrize("warm", [False, True], ids=["hypothesis", "replay"])
def test_skipped_cases_are_not_judged_and_the_rest_are(warm):
    """A case the body skips (the student's forward raises on it) is not judged; the others are, so a
    check passes when every judged case passes and fails on a judged case that fails."""
    strategy = hnp.arrays(np.float64, st.integers(1, 4), elements=st.floats(-10, 10))
    if warm:
        settings.for_all(strategy, lambda a: None)  # the next checks replay
    judged = []

    def body(a):
        if a.size == 1:
            raise settings.SkipCase(AssertionError("forward raised"))
        judged.append(a.size)

    settings.for_all(strategy, body)
    assert judged and all(size > 1 for size in judged)

    def fails_when_judged(a):
        if a.size == 1:
            raise settings.SkipCase(AssertionError("forward raised"))
        raise AssertionError("wrong value")

    with pytest.raises(AssertionError, match="wrong value"):
        settings.for_all(strategy, fails_when_judged)


@pytest.mark.parametrize("warm", [False, True], ids=["hypothesis", "replay"])
def test_a_check_that_could_judge_no_case_fails_with_the_skips_verdict(warm):
    strategy = hnp.arrays(np.float64, st.integers(1, 3), elements=st.floats(-1, 1))
    if warm:
        settings.for_all(strategy, lambda a: None)

    def body(a):
        raise settings.SkipCase(AssertionError("rnn_backward: earns credit only once your rnn_forward runs"))

    with pytest.raises(AssertionError, match="earns credit only once"):
        settings.for_all(strategy, body)


def test_without_shrinking_a_failing_replayed_case_is_raised_as_hypothesis_would_report_it():
    """A hidden check (shrink=False) whose replayed case fails gets the failure Hypothesis's own run
    reports (its first failing case, not shrunk) without running the engine again."""
    strategy = ARRAYS
    replayed(strategy, shrink=False)

    def body(case):
        assert not np.any(case > 5.0), f"wrong at {case.tolist()}"

    with pytest.raises(AssertionError) as direct:
        settings._hypothesis_run(strategy, body, shrink=False)
    runs = dict(settings.RUNS)
    with pytest.raises(AssertionError) as fast:
        settings.for_all(strategy, body, shrink=False)
    assert str(fast.value) == str(direct.value)
    assert settings.RUNS["rerun"] == runs["rerun"] and settings.RUNS["engine"] == runs["engine"]
    with pytest.raises(AssertionError):  # with shrinking (a public check), Hypothesis runs again
        replayed(strategy)
        settings.for_all(strategy, body)
    assert settings.RUNS["rerun"] == runs["rerun"] + 1


@pytest.mark.parametrize("warm", [False, True], ids=["hypothesis", "replay"])
def test_the_first_failing_case_of_a_check_is_recorded(warm, monkeypatch):
    """``FIRST_FAILURES`` (the evidence of devtools.first_failures): where a check first failed, counted
    over its ``first`` cases and then the generated ones; shrinking afterwards does not move it."""
    strategy = hnp.arrays(np.float64, st.integers(1, 4), elements=st.floats(-10, 10))
    if warm:
        settings.for_all(strategy, lambda a: None, max_examples=10)
    cases = reference_run(strategy, first=(np.zeros(2),), max_examples=10)
    fails_from = next(i for i, c in enumerate(cases) if i > 0 and np.any(c > 1.0))
    monkeypatch.setenv("PYTEST_CURRENT_TEST", "test_x.py::test_y[a] (call)")
    settings.FIRST_FAILURES.clear()

    def body(a):
        assert not np.any(a > 1.0)

    with pytest.raises(AssertionError):
        settings.for_all(strategy, body, max_examples=10, first=(np.zeros(2),))
    assert settings.FIRST_FAILURES == {"test_x.py::test_y[a]": [10, 1, fails_from, True]}
    settings.FIRST_FAILURES.clear()

    def not_implemented(a):
        raise NotImplementedYet("f")

    with pytest.raises(NotImplementedYet):
        settings.for_all(strategy, not_implemented, max_examples=10)
    assert settings.FIRST_FAILURES == {"test_x.py::test_y[a]": [10, 0, 0, False]}  # no input changes it
    settings.FIRST_FAILURES.clear()
