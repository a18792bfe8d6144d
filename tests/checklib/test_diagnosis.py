"""The diagnosis of a failed value check (issue 12, item 2): where the wrong entries are (gate blocks,
time steps: ``autograder/checklib/diagnosis.py``) and which known misconception the output matches
(the grader's variants of the reference: ``assignments/recurrent/hidden/variants_recurrent.py``).

- Blocks and steps on arrays built by hand: the blocks named in SPEC's gate order with their columns,
  the time-step patterns (only the last step right in a backward, right at step 0 then wrong in a
  forward, wrong from step 0 on, scattered), nothing said where nothing tells.
- ``explain`` keeps the failure's first line, appends the lines, fills ``diagnosis``; ``assert_close``
  hands it what it compared (and nothing on a pass).
- Every variant of the catalogue still applies to the reference and differs from it somewhere.
- The reference against its mutated copies (the mutation suite's bug folders, imported here): each
  failing hidden comparison of a bug that has a variant names that variant first (or notes an output
  that is all zeros or an input unchanged); a correct alternative fails nothing, so it is never given
  a hint; the stubs get notes, never hints. A match that only the absolute tolerance makes is none.
- results.json: a failed entry carries its diagnosis as ``extra_data``, a passed one none.
"""

from __future__ import annotations

import json

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings

from autograder import manifest as manifests
from autograder.checklib.compare import CheckFailure, assert_close
from autograder.checklib.diagnosis import Layout, distinct_match, explain, locate, matches, same_as
from autograder.checklib.local import LocalSubmission
from autograder.runner.results import CheckResult, Results

import checks_recurrent as rc
import strategies_recurrent_hidden as hidden_strategies
import variants_recurrent as vr

LSTM = Layout(blocks=("i", "f", "g", "o"))
GRU = Layout(blocks=("z", "r", "g"))


# ---------------------------------------------------------------- blocks and steps, by hand


def test_the_wrong_blocks_are_named_in_gate_order_with_their_columns():
    wrong = np.zeros((3, 8), dtype=bool)  # dWx of an LSTM with D = 3, H = 2
    wrong[0, 3] = wrong[2, 0] = True      # one entry in f (columns 2:4), one in i (0:2)
    data, lines = locate(wrong, LSTM)
    assert data == {"blocks": ["i", "f"]}
    assert lines == ["Where: the wrong entries are all in the i and f blocks (columns 0:H and H:2H, in the gate "
                     "order i, f, g, o); g and o are right."]


def test_one_wrong_block_and_every_block_wrong():
    wrong = np.zeros(9, dtype=bool)  # db of a GRU with H = 3
    wrong[7] = True
    data, lines = locate(wrong, GRU)
    assert data == {"blocks": ["g"]} and "the g block (columns 2H:3H" in lines[0] and "z and r are right" in lines[0]
    data, lines = locate(np.ones((2, 9), dtype=bool), GRU)
    assert data == {"blocks": ["z", "r", "g"]}
    assert lines == ["Where: every gate block (z, r, g) holds wrong entries."]


def test_no_blocks_without_a_block_layout_or_when_the_width_does_not_split():
    assert locate(np.ones((2, 8), dtype=bool), Layout()) == ({}, [])
    assert locate(np.ones((2, 7), dtype=bool), LSTM) == ({}, [])


def _steps(wrong_steps, T=4, backward=False):
    wrong = np.zeros((2, T, 3), dtype=bool)
    for t in wrong_steps:
        wrong[1, t, 2] = True
    return locate(wrong, Layout(time_axis=1, backward=backward))


def test_a_backward_right_only_at_the_last_step_carries_nothing_back():
    data, lines = _steps([0, 1, 2], backward=True)
    assert data == {"steps": [0, 1, 2]}
    assert lines[0].startswith("Where: only the last step (t = 3) is right, steps 0 to 2 wrong")
    assert "carried back between steps is missing or off" in lines[0]
    _, lines = _steps([0], T=2, backward=True)
    assert "only the last step (t = 1) is right, step 0 wrong" in lines[0]
    _, lines = _steps([0, 1], backward=True)
    assert lines[0].startswith("Where: right at steps 2 to 3, wrong at steps 0 to 1")


def test_a_forward_right_at_step_0_then_wrong_has_its_recurrence_off():
    data, lines = _steps([1, 2, 3])
    assert data == {"steps": [1, 2, 3]}
    assert lines[0].startswith("Where: right at step 0, wrong from step 1 on: the recurrence")
    _, lines = _steps([2, 3])
    assert lines[0].startswith("Where: right at steps 0 to 1, wrong from step 2 on")


def test_wrong_from_step_0_on_and_scattered_steps():
    _, lines = _steps([0, 1, 2, 3])
    assert lines == ["Where: wrong from step 0 on (every time step, 0 to 3): the first step is already off."]
    _, lines = _steps([0, 1, 2, 3], backward=True)
    assert "the last one included" in lines[0]
    data, lines = _steps([1, 3], backward=True)
    assert data == {"steps": [1, 3]} and lines == ["Where: wrong at time steps [1, 3] of 0 to 3, right at the others."]


def test_a_single_time_step_says_nothing_about_steps():
    assert locate(np.ones((2, 1, 3), dtype=bool), Layout(time_axis=1)) == ({}, [])


# ---------------------------------------------------------------- explain and assert_close


def _failure(got, expected, function="lstm_step_backward", name="dWx") -> CheckFailure:
    with pytest.raises(CheckFailure) as info:
        assert_close(function, name, got, expected)
    return info.value


def test_assert_close_hands_over_what_it_compared():
    expected = np.arange(8.0).reshape(1, 8)
    got = expected.copy()
    got[0, 5] += 1.0
    failure = _failure(got, expected)
    function, name, g, e = failure.compared
    assert (function, name) == ("lstm_step_backward", "dWx")
    assert np.array_equal(g, got) and np.array_equal(e, expected)
    assert failure.diagnosis == {}
    wrong_shape = _failure(np.zeros((2, 8)), expected)
    assert wrong_shape.compared[3] is None and wrong_shape.compared[2].shape == (2, 8)
    assert_close("f", "x", expected.copy(), expected)  # a pass raises nothing, computes no diagnosis


def test_explain_appends_lines_and_keeps_the_first_line():
    expected = np.arange(8.0).reshape(1, 8)
    got = expected.copy()
    got[0, 2:4] += 1.0  # the f block of H = 2
    failure = _failure(got, expected)
    before = failure.args[0]
    explain(failure, LSTM, [("lstm-swapped-i-f-gates", "the i and f gates are swapped"), ("other", "something")])
    text = failure.args[0]
    assert text.startswith(before) and text.splitlines()[0] == "lstm_step_backward: 'dWx' is wrong in 2 of 8 entries."
    assert failure.diagnosis == {"output": "dWx", "blocks": ["f"], "hint": "lstm-swapped-i-f-gates",
                                 "hints": ["lstm-swapped-i-f-gates", "other"]}
    assert "  Where: the wrong entries are all in the f block (columns H:2H" in text
    assert ("  Hint: your dWx matches what the reference gives when the i and f gates are swapped (or when "
            "something). This is a hint, not a verdict") in text


def test_explain_without_anything_to_say_changes_nothing():
    expected = np.arange(8.0).reshape(1, 8)
    failure = _failure(expected + 1.0, expected)
    before = failure.args[0]
    explain(failure, Layout(), [])
    assert failure.args[0] == before and failure.diagnosis == {}
    plain = CheckFailure("f: should return a tuple")
    explain(plain, LSTM, [("x", "y")])  # nothing compared: nothing to explain
    assert plain.diagnosis == {} and plain.args[0] == "f: should return a tuple"


def test_matches_uses_the_value_tolerance_and_the_shape():
    value = np.array([1.0, -2.0])
    assert matches(value * (1 + 1e-9), value)
    assert not matches(value * (1 + 1e-5), value)
    assert not matches(value[None, :], value) and not matches([1.0, -2.0], value)
    assert not matches(np.array([np.nan, -2.0]), value)


# ---------------------------------------------------------------- the variants against the reference

MANIFEST = manifests.load("recurrent")
REFERENCE = LocalSubmission(MANIFEST.solutions, MANIFEST.functions, prefix="_diagnosis_reference_")
STRATEGIES = {
    ("rnn", True): hidden_strategies.rnn_step_cases(), ("rnn", False): hidden_strategies.rnn_cases(),
    ("lstm", True): hidden_strategies.lstm_step_cases(), ("lstm", False): hidden_strategies.lstm_cases(),
    ("gru", True): hidden_strategies.gru_step_cases(), ("gru", False): hidden_strategies.gru_cases(),
}
CASES_PER_STRATEGY = 12
_CASES: dict = {}


def cases(model: str, step: bool) -> list:
    """A fixed list of generated cases (derandomized Hypothesis, drawn once per session)."""
    if (model, step) not in _CASES:
        drawn = []

        @settings(max_examples=CASES_PER_STRATEGY, derandomize=True, database=None, deadline=None,
                  suppress_health_check=list(HealthCheck))
        @given(case=STRATEGIES[model, step])
        def draw(case):
            drawn.append(case)

        draw()
        _CASES[model, step] = drawn
    return _CASES[model, step]


def comparisons(model: str):
    """(check, extra args) of every hidden comparison of ``model``'s four functions."""
    for step in (True, False):
        case = cases(model, step)[0]
        yield step, rc.forward_matches, ()
        for output in case.grad_names:
            yield step, rc.backward_output_matches, (output,)


@pytest.mark.parametrize("variant", vr.CATALOGUE, ids=[v.id for v in vr.CATALOGUE])
def test_every_variant_applies_and_differs_from_the_reference(variant):
    impl = vr.build(variant)
    assert impl is not None, f"{variant.id}: a patch no longer applies exactly once to solutions/recurrent/{variant.file}"
    model = variant.file.removesuffix(".py")
    differs = False
    for step, check, args in comparisons(model):
        for case in cases(model, step):
            try:
                check(impl, REFERENCE, case, *args)
            except CheckFailure:
                differs = True
                break
        if differs:
            break
    assert differs, f"{variant.id}: gives the reference's outputs on every case: it can never match a wrong output"


def test_the_catalogue_ids_are_unique_and_name_their_file():
    ids = [v.id for v in vr.CATALOGUE]
    assert len(set(ids)) == len(ids)
    assert all(v.file in MANIFEST.files and v.says and v.patches for v in vr.CATALOGUE)


def _diagnosed_failures(folder_name: str) -> list[tuple[str, dict]]:
    """(check, diagnosis) of the first failing case of every hidden comparison of the submission's bug file."""
    folder = MANIFEST.submissions / folder_name
    student = LocalSubmission(folder, MANIFEST.functions, prefix=f"_diagnosis_{folder_name.replace('-', '_')}_")
    found = []
    for model in ("rnn", "lstm", "gru"):
        for step, check, args in comparisons(model):
            for case in cases(model, step):
                try:
                    vr.explained(check, student, REFERENCE, case, *args)
                except CheckFailure as failure:
                    name = case.forward_name if check is rc.forward_matches else f"{case.backward_name} {args[0]}"
                    found.append((name, failure.diagnosis))
                    break
                except Exception:  # the student's code raised (e.g. db of the wrong shape accumulated)
                    break
    return found


BUGS = [v.id for v in vr.CATALOGUE if (MANIFEST.submissions / v.id).is_dir()]
ALTERNATIVES = sorted(p.name for p in MANIFEST.submissions.iterdir() if p.name.startswith("alt-"))


@pytest.mark.parametrize("bug", BUGS)
def test_a_mutated_reference_is_hinted_at_its_own_bug(bug):
    failures = _diagnosed_failures(bug)
    assert failures, f"{bug}: no hidden comparison fails on these cases"
    wrong = [(name, d) for name, d in failures if d.get("hint") != bug and "same_as" not in d]
    assert not wrong, f"{bug}: comparisons without the right hint first: {wrong}"
    # an output that is all zeros or an input unchanged gets a note instead (the vanilla RNN of
    # rnn-leak-on-wrong-term returns prev_h; rnn-dh0-not-returned's only wrong output is a zero dh0)
    assert any(d.get("hint") == bug for _, d in failures) or all("same_as" in d for _, d in failures)


@pytest.mark.parametrize("alternative", ALTERNATIVES)
def test_a_correct_alternative_fails_nothing_so_gets_no_hint(alternative):
    assert _diagnosed_failures(alternative) == []


def test_enough_of_the_mutation_suite_has_a_variant():
    assert len(BUGS) >= 25


# ---------------------------------------------------------------- results.json


def test_a_failed_entry_carries_its_diagnosis_as_extra_data_and_a_passed_one_none():
    results = Results("recurrent")
    results.tests.append(CheckResult("lstm_backward: dWx matches the reference", 1.0, "after_published"))
    results.tests.append(CheckResult("lstm_backward: db matches the reference", 1.0, "after_published"))
    results.tests.append(CheckResult("lstm_forward: matches", 1.0, "visible"))
    diagnosis = {"output": "dWx", "blocks": ["i", "f"], "hint": "lstm-swapped-i-f-gates"}
    results.tests[0].failed("lstm_backward: 'dWx' is wrong in 3 of 8 entries.", "wrong value", diagnosis)
    results.tests[1].failed("lstm_backward: 'db' is wrong in 3 of 8 entries.", "wrong value")
    results.tests[2].failed("x", "wrong value", {"output": "h"})
    results.tests[2].passed()
    tests = json.loads(json.dumps(results.to_json()))["tests"]
    assert tests[0]["extra_data"] == diagnosis
    assert "extra_data" not in tests[1] and "extra_data" not in tests[2]
    assert all("diagnosis" not in t for t in tests)


def test_a_right_block_that_is_zero_in_the_expected_value_is_not_called_right():
    expected = np.ones((1, 8))
    expected[:, 2:4] = 0.0  # the f block of an LSTM's dWx at T = 1 (c0 = 0)
    wrong = np.ones((1, 8), dtype=bool)
    wrong[:, 2:4] = False
    data, lines = locate(wrong, LSTM, expected)
    assert data == {"blocks": ["i", "g", "o"]} and lines[0].endswith("; the others are zero here.")
    expected[:, 3] = 1.0
    assert locate(wrong, LSTM, expected)[1][0].endswith("; f is right.")


def test_a_match_only_the_absolute_tolerance_makes_is_no_match():
    expected = np.array([2.17e-7])  # a saturated output gate: every value tiny
    value = np.array([2.8252e-7])
    got = np.array([2.8244e-7])     # within atol of value, but hardly closer to it than to expected
    assert matches(got, value) and not distinct_match(got, value, expected)
    assert distinct_match(value * (1 + 1e-14), value, expected)
    assert distinct_match(np.ones((2, 3)), np.ones((2, 3)), np.ones(3))  # a shape of its own tells it apart


def test_an_output_that_is_all_zeros_or_an_input_is_noted_and_gets_no_hint():
    prev_h = np.array([[0.5, -0.25]])
    assert same_as(np.zeros((1, 2)), {"prev_h": prev_h}) == "zeros"
    assert same_as(prev_h.copy(), {"x": np.ones((1, 3)), "prev_h": prev_h}) == "prev_h"
    assert same_as(prev_h + 1.0, {"prev_h": prev_h}) is None
    expected = np.ones((1, 2))
    failure = _failure(prev_h.copy(), expected, "rnn_step_forward", "next_h")
    explain(failure, Layout(), [], "prev_h")
    assert failure.diagnosis == {"output": "next_h", "same_as": "prev_h"}
    assert failure.args[0].endswith("  Note: your next_h equals prev_h (an input passed back unchanged).")


def test_the_stubs_get_notes_not_hints():
    for stub in ("stub-zeros", "echo-inputs"):
        failures = _diagnosed_failures(stub)
        assert failures and not [d for _, d in failures if "hint" in d], stub


def test_the_public_gradient_check_says_which_gate_block_disagrees_with_the_forward():
    """Public checks locate too (no reference needed): lstm-g-derivative-missing's dWx disagrees with
    the numerical gradient of its own forward in the g block only."""
    student = LocalSubmission(MANIFEST.submissions / "lstm-g-derivative-missing", MANIFEST.functions,
                              prefix="_diagnosis_public_")
    case = cases("lstm", True)[0]
    with pytest.raises(CheckFailure) as info:
        rc.gradient_consistent(student, case, "dWx")
    assert info.value.diagnosis == {"output": "dWx", "blocks": ["g"]}
    assert "Where: the wrong entries are all in the g block (columns 2H:3H" in info.value.args[0]
    assert rc.gradient_consistent.__name__ == "gradient_consistent"
    rc.gradient_consistent(REFERENCE, case, "dWx")  # a pass: nothing raised
