"""The ``@check`` registry (autograder/checklib/registry.py): declarations are validated, results are
named ``"<function>: <first docstring line>"`` with the test's parameters filled in, and the
declaration is found through Hypothesis' wrapper."""

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from autograder.checklib.registry import ATTRIBUTE, CheckInfo, check, info_of


@pytest.mark.parametrize("function, points, message", [
    ("", 1, "function must be a non-empty string, got ''"),
    (None, 1, "function must be a non-empty string, got None"),
    (3, 1, "function must be a non-empty string, got 3"),
    ("rnn_forward", 0, "points must be positive, got 0"),
    ("rnn_forward", -0.5, "points must be positive, got -0.5"),
    ("rnn_forward", math.nan, "points must be positive, got nan"),
])
def test_a_bad_declaration_is_refused_when_the_module_is_imported(function, points, message):
    with pytest.raises(ValueError, match="^check: " + message.replace("(", r"\(") + "$"):
        check(function, points=points)


def test_the_declaration_is_stored_on_the_test_with_float_points_and_hidden_off_by_default():
    def test_x():
        """x"""

    def test_y():
        """y"""

    assert check("rnn_forward", points=2)(test_x) is test_x  # the test itself, not a wrapper
    assert info_of(test_x) == CheckInfo("rnn_forward", 2.0, hidden=False)
    assert isinstance(info_of(test_x).points, float)
    check("lstm_backward", points=0.5, hidden=True)(test_y)
    assert info_of(test_y) == CheckInfo("lstm_backward", 0.5, hidden=True)


def test_a_plain_function_is_not_a_check():
    def test_plain():
        pass

    assert info_of(test_plain) is None
    assert info_of(None) is None


def test_the_name_is_the_function_and_the_first_docstring_line_without_its_full_stop():
    def test_repeatable():
        """Two calls on one cache give the same gradients.

        The rest of the docstring is not part of the name.
        """

    info = CheckInfo("rnn_backward", 1.0)
    assert info.name(test_repeatable) == "rnn_backward: Two calls on one cache give the same gradients"


def test_the_name_is_formatted_with_the_parameters():
    def test_gradient(function, output):
        """{output} matches the numerical gradient"""

    info = CheckInfo("{function}", 1.0)
    params = {"function": "gru_step_backward", "output": "dWh"}
    assert info.name(test_gradient, params) == "gru_step_backward: dWh matches the numerical gradient"
    assert info.function_for(params) == "gru_step_backward"
    assert info.function_for({"function": "lstm_forward"}) == "lstm_forward"


def test_a_placeholder_without_its_parameter_is_left_as_written():
    def test_braces():
        """shapes are {shape} and {0}"""

    assert CheckInfo("f", 1.0).name(test_braces, {}) == "f: shapes are {shape} and {0}"
    assert CheckInfo("{function}", 1.0).function_for(None) == "{function}"


def test_a_test_without_a_docstring_is_named_after_itself():
    def test_no_doc():
        pass

    assert CheckInfo("f", 1.0).name(test_no_doc) == "f: test_no_doc"


def test_the_declaration_is_found_through_hypothesis_wrapper():
    @given(st.integers())
    @check("{function}", points=1.5, hidden=True)
    def test_wrapped(function, x):
        """works on any integer"""

    assert ATTRIBUTE not in vars(test_wrapped)  # only the inner test carries it
    info = info_of(test_wrapped)
    assert info == CheckInfo("{function}", 1.5, hidden=True)
    assert info.name(test_wrapped.hypothesis.inner_test, {"function": "rnn_forward"}) == \
        "rnn_forward: works on any integer"

    @check("rnn_forward", points=1)
    @given(st.integers())
    def test_outer(x):
        """outer"""

    assert info_of(test_outer) == CheckInfo("rnn_forward", 1.0)
