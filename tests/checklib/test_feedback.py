"""Feedback on a failed check (autograder/checklib/feedback.py): the failure kind reports group by,
and the text a student reads, for wrong values, the student-code errors of checklib/errors.py and
anything else; public checks show the failing input Hypothesis found, hidden checks never do."""

import numpy as np
import pytest
from hypothesis import strategies as st

from autograder.checklib.compare import CheckFailure
from autograder.checklib.errors import (
    MissingFile, MissingFunction, NotImplementedYet, StudentCodeError, StudentCrash, StudentException,
    StudentTimeout, call_settings, template_message,
)
from autograder.checklib.feedback import MAX_FEEDBACK, describe, failure_kind
from autograder.checklib.settings import for_all

HIDDEN_NOTE = "(hidden check: its inputs are not shown"

STUDENT_ERRORS = [
    (StudentCodeError("f", "f went wrong"), "error", "f went wrong"),
    (NotImplementedYet("rnn_forward"), "not implemented",
     "rnn_forward is not implemented yet (it raises NotImplementedError)"),
    (StudentException("rnn_forward", "ValueError", "bad shape"), "exception",
     "your code raised ValueError while calling rnn_forward: bad shape"),
    (StudentException("rnn_forward", "NameError", "x", "  File \"rnn.py\", line 3\n", during="import"), "exception",
     "your code raised NameError while importing the file that defines rnn_forward: x\n  File \"rnn.py\", line 3"),
    (StudentTimeout("lstm_backward", 5.0), "timeout",
     "lstm_backward did not finish within 5 s (infinite loop?) and was stopped"),
    (StudentTimeout("lstm_backward", 2.5, earlier=True), "timeout",
     "lstm_backward timed out earlier in grading (limit 2.5 s); later calls are not retried"),
    (StudentCrash("gru_forward", "exit status 3"), "crash",
     "the process running your code died while running gru_forward (exit status 3); "
     "look for os._exit, sys.exit, huge allocations or recursion"),
    (MissingFile("arma_predict", "arma.py"), "missing file",
     "arma.py is missing from the submission, so arma_predict cannot be checked"),
    (MissingFunction("arma_predict", "arma.py"), "missing function", "arma.py does not define a function named arma_predict"),
]


@pytest.mark.parametrize("error, kind, text", STUDENT_ERRORS, ids=[type(e).__name__ + f"-{i}" for i, (e, _, _)
                                                                   in enumerate(STUDENT_ERRORS)])
def test_student_code_errors_have_their_kind_and_their_message_as_feedback(error, kind, text):
    assert failure_kind(error) == kind
    assert describe(error, hidden=False) == text
    assert describe(error, hidden=True).startswith(text + "\n" + HIDDEN_NOTE)
    assert error.function in text and error.message == text


def test_wrong_values_and_other_exceptions_have_their_kinds():
    assert failure_kind(CheckFailure("f: 'y' is wrong")) == "wrong value"
    assert failure_kind(AssertionError("plain assert")) == "wrong value"
    assert failure_kind(ValueError("x")) == "exception"
    assert failure_kind(KeyError("x")) == "exception"


def test_a_wrong_value_reads_as_the_comparison_says():
    text = "rnn_forward: 'h' is wrong in 1 of 6 entries."
    assert describe(CheckFailure(text), hidden=False) == text
    assert describe(AssertionError("3 != 4"), hidden=False) == "wrong answer: 3 != 4"
    assert describe(TypeError("unhashable type: 'list'"), hidden=False) == \
        "the check could not use your answer: TypeError: unhashable type: 'list'"


def _failure(first=()) -> CheckFailure:
    """The CheckFailure for_all raises on a property that fails from 10 on (with Hypothesis' notes)."""

    def body(case):
        if case >= 10:
            raise CheckFailure(f"f: wrong for {case}")

    with pytest.raises(CheckFailure) as info:
        for_all(st.integers(0, 1000), body, first=first)
    return info.value


def test_public_feedback_shows_the_input_hypothesis_shrank_to():
    exc = _failure()
    assert describe(exc, hidden=False) == "f: wrong for 10\nMinimal failing input (shrunk by Hypothesis):\n10"


def test_a_fixed_case_is_shown_as_such():
    exc = _failure(first=(50,))
    assert describe(exc, hidden=False) == "f: wrong for 50\nFailing input (fixed case):\n50"


def test_hidden_feedback_never_shows_the_input():
    exc = _failure()
    text = describe(exc, hidden=True)
    assert text.startswith("f: wrong for 10\n" + HIDDEN_NOTE)
    assert "failing input" not in text.lower()


def test_long_feedback_is_truncated():
    text = describe(CheckFailure("x" * (2 * MAX_FEEDBACK)), hidden=False)
    assert text == "x" * MAX_FEEDBACK + "\n... (feedback truncated)"


def test_a_students_own_not_implemented_error_keeps_its_message_and_the_call_settings():
    """A NotImplementedError of the student's own (one regime not done yet) is not "not implemented
    yet" for the whole function: its message and the call's settings are kept; the template's own
    message reads as before."""
    own = NotImplementedYet("rnn_step_forward", "relu: not done", call_settings((np.ones(2), "relu", 0.3), {}))
    assert str(own).startswith("rnn_step_forward raised NotImplementedError('relu: not done') when called with "
                               "argument 2='relu', argument 3=0.3")
    by_name = NotImplementedYet("rnn_forward", "", call_settings((), {"activation": "relu", "alpha": 0.0}))
    assert "when called with activation='relu', alpha=0.0" in str(by_name)
    template = NotImplementedYet("rnn_forward", template_message("rnn_forward"), {"activation": "relu"})
    assert str(template) == "rnn_forward is not implemented yet (it raises NotImplementedError)"
    assert own.kind == template.kind == "not implemented"


def test_a_long_message_is_truncated_but_the_failing_input_is_shown_whole():
    snippet = "# f: a case\nimport numpy as np\nx = np.array([\n" + "    [0.1, 0.2],\n" * 2000 + "])"
    exc = CheckFailure("y" * (2 * MAX_FEEDBACK))
    exc.add_note(f"Falsifying example: run(\n    case={snippet},\n)")
    text = describe(exc, hidden=False)
    assert text.startswith("y" * MAX_FEEDBACK + "\n... (feedback truncated)\nMinimal failing input (shrunk by "
                           "Hypothesis); paste it into Python in your assignment folder to reproduce it:\n")
    assert text.endswith("\n" + snippet)
    assert describe(exc, hidden=True).count("\n") == 2  # the cut message and the hidden note: no input


def test_the_relative_error_is_taken_where_the_expected_value_is_not_zero():
    """Against an expected 0 a relative error is meaningless: it printed as 1.73e+307."""
    from autograder.checklib.compare import assert_close

    with pytest.raises(CheckFailure) as failure:
        assert_close("rnn_step_backward", "db", np.array([0.5, 2.2]), np.array([0.0, 2.0]))
    text = str(failure.value)
    assert "max abs error 0.5, max rel error 0.1 (allowed" in text and "e+30" not in text
    for got, expected in (([0.5, 0.0], [0.0, 0.0]), ([0.5, 2.0], [0.0, 2.0])):  # wrong only where 0 is expected
        with pytest.raises(CheckFailure) as failure:
            assert_close("rnn_step_backward", "db", np.array(got), np.array(expected))
        assert "max abs error 0.5 (allowed" in str(failure.value) and "rel error" not in str(failure.value)
