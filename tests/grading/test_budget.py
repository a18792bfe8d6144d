"""The time budget of a grading (autograder/grading/remote.py, ``RemoteSubmission._charge``): who is
stopped when the calls into the student's code have used it up. No worker is started: the charges
are made directly."""

from __future__ import annotations

from autograder.checklib.errors import StudentTimeout
from autograder.grading.remote import RemoteSubmission

FUNCTIONS = {f"f{i}": "mod.py" for i in range(10)}  # fair share: budget / 10


def submission(budget_s: float = 10.0) -> RemoteSubmission:
    return RemoteSubmission(None, FUNCTIONS, {"mod.py"}, call_timeout_s=2.0, budget_s=budget_s)


def stopped(sub: RemoteSubmission) -> set[str]:
    found = set()
    for name in FUNCTIONS:
        try:
            sub._raise_if_broken(name, name)
        except StudentTimeout as exc:
            assert "time budget" in str(exc)
            found.add(name)
    return found


def test_within_the_budget_nobody_is_stopped():
    sub = submission()
    for name in FUNCTIONS:
        sub._charge(name, 0.9)
    assert stopped(sub) == set()


def test_the_heaviest_user_is_stopped_and_honest_functions_go_on():
    sub = submission()
    sub._charge("f1", 0.2)
    sub._charge("f0", 9.5)
    sub._charge("f0", 1.0)
    assert stopped(sub) == {"f0"}  # what the others used (0.2 s) fits in the budget
    sub._charge("f1", 0.5)  # within its fair share (1 s): never stopped
    assert stopped(sub) == {"f0"}


def test_once_the_budget_is_gone_no_heavy_user_goes_on():
    """Two slow functions: the first stopped at the budget must not leave the second a whole
    budget of its own (a grading would then take twice its budget)."""
    sub = submission()
    sub._charge("f1", 3.0)
    sub._charge("f0", 8.0)  # 11 s: f0, the heaviest, is stopped; f1's 3 s alone fit in the budget
    assert stopped(sub) == {"f0"}
    sub._charge("f1", 0.1)  # but f0 used 8 of the 10 s: f1 (over its share) may not go on
    assert stopped(sub) == {"f0", "f1"}


def test_a_second_slow_function_is_stopped_as_soon_as_it_passes_what_is_left():
    sub = submission()
    sub._charge("f0", 10.5)  # alone over the budget
    assert stopped(sub) == {"f0"}
    sub._charge("f1", 0.8)  # within its fair share
    assert stopped(sub) == {"f0"}
    sub._charge("f1", 0.8)  # 1.6 s: over its share, and the budget is gone
    assert stopped(sub) == {"f0", "f1"}


def test_without_a_budget_nothing_is_ever_stopped():
    sub = submission(None)
    sub._charge("f0", 1e6)
    assert stopped(sub) == set()
