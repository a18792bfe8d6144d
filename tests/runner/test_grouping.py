"""Root cause first (autograder/runner/grouping.py and the feedback page): per function, the first
failure of each kind in full, the others of that kind one line under it; scores untouched; what is
visible never points to a hidden check."""

from __future__ import annotations

from autograder.classroom.gradebook import feedback_markdown
from autograder.runner.grouping import POINTER, group_failures
from autograder.runner.results import CheckResult, Results

FULL = "rnn_step_backward: 'dx' is wrong in 6 of 6 entries.\n  worst at index [1, 0]: got 0.09, expected 0.14\n  got: ..."


def _failed(name, output=FULL, kind="wrong value", visibility="visible", points=1.0) -> CheckResult:
    check = CheckResult(name, points, visibility)
    check.failed(output, kind)
    return check


def _passed(name) -> CheckResult:
    check = CheckResult(name, 1.0, "visible")
    check.passed()
    return check


def _results(*tests) -> Results:
    results = Results("recurrent")
    results.tests.extend(tests)
    return results


def test_later_failures_of_a_function_and_kind_are_one_line_pointing_to_the_first():
    results = _results(
        _failed("rnn_step_backward: worked example rnn_step_tanh_backward"),
        _passed("rnn_step_forward: worked example rnn_step_tanh_forward"),
        _failed("rnn_step_backward: dWx agrees with the numerical gradient of your forward (tanh, no leak)",
                FULL.replace("'dx'", "'dWx'")),
        _failed("rnn_backward: worked example rnn_tanh_backward", FULL.replace("rnn_step", "rnn")),
    )
    before = (results.score, results.max_score)
    group_failures(results)
    leader, _, follower, other_function = results.tests
    assert leader.output == FULL and not leader.extra
    assert follower.output == ("rnn_step_backward: 'dWx' is wrong in 6 of 6 entries.\n("
                               + POINTER.format(leader=leader.name) + ")")
    assert follower.extra == {"same_cause_as": leader.name}
    assert other_function.output == FULL.replace("rnn_step", "rnn"), "another function has its own leader"
    assert (results.score, results.max_score) == before
    assert results.to_json()["tests"][2]["extra_data"] == {"same_cause_as": leader.name}
    assert "extra_data" not in results.to_json()["tests"][0]


def test_each_kind_of_failure_has_its_own_full_message():
    crash = "your code raised IndexError while calling lstm_forward: index 3 is out of bounds\n  File \"lstm.py\""
    results = _results(_failed("lstm_forward: worked example lstm_forward"),
                       _failed("lstm_forward: outputs match the reference (unit)", crash, kind="exception"),
                       _failed("lstm_forward: outputs match the reference (saturating)", crash, kind="exception"))
    group_failures(results)
    assert results.tests[0].output == FULL and results.tests[1].output == crash
    assert results.tests[2].extra["same_cause_as"] == results.tests[1].name


def test_a_visible_check_never_points_to_a_hidden_one_and_a_hidden_one_may_point_to_a_visible_one():
    results = _results(_failed("gru_backward: dx matches the reference", visibility="after_published"),
                       _failed("gru_backward: worked example gru_backward"),
                       _failed("gru_backward: dWx matches the reference", visibility="after_published"),
                       _failed("gru_backward: dh0 agrees with the numerical gradient of your forward"))
    group_failures(results)
    hidden_first, visible, hidden_later, visible_later = results.tests
    assert hidden_first.output == FULL and visible.output == FULL, "the visible one leads the visible ones"
    assert visible_later.extra["same_cause_as"] == visible.name
    assert hidden_later.extra["same_cause_as"] == visible.name


def test_withheld_checks_never_lead_and_passes_and_grader_errors_are_untouched():
    gate = "rnn_forward: this property earns credit only once the worked example rnn_tanh_forward is right"
    results = _results(_failed("rnn_forward: returns float64 arrays of SPEC's shapes (tanh, no leak)", gate),
                       _failed("rnn_forward: worked example rnn_tanh_forward"),
                       _failed("rnn_forward: outputs match the reference (relu, no leak)", kind="grader error"))
    group_failures(results)
    assert [t.output for t in results.tests] == [gate, FULL, FULL]
    assert not any(t.extra for t in results.tests)


def test_the_feedback_page_shows_each_cause_once_and_lists_the_rest_under_it():
    results = _results(*[_failed(f"rnn_step_backward: {o} agrees with the numerical gradient of your forward ({r})",
                                 FULL.replace("'dx'", f"'{o}'"), points=0.125)
                         for r in ("tanh, no leak", "leaky") for o in ("dx", "dprev_h", "dWx", "dWh", "db")],
                       _failed("rnn_step_backward: leaves its arguments unchanged (tanh, no leak)",
                               "rnn_step_backward: this property earns credit only once the worked example "
                               "rnn_step_tanh_backward is right; fix that first"))
    group_failures(results)
    page = feedback_markdown("s1", results.to_json())
    fix = page[page.index("## What to fix"):]
    assert fix.count("worst at index") == 1, "the full message appears once"
    assert "Failing for the same cause:" in fix
    assert "\ndb agrees with the numerical gradient of your forward (leaky): 'db' is wrong in 6 of 6 entries.\n" in fix
    assert "Withheld until the check they wait for passes:" in fix
    assert len(fix.splitlines()) < 40


def test_a_failure_hinted_at_another_cause_has_its_own_full_message_and_followers_keep_their_hint():
    hint = "  Hint: your dWx matches what the reference gives when the i and f gates are swapped."
    swapped = FULL.replace("'dx'", "'dWx'") + "\n" + hint
    results = _results(_failed("lstm_backward: worked example lstm_backward"),
                       _failed("lstm_backward: dWx matches the reference", swapped, visibility="after_published"),
                       _failed("lstm_backward: dWh matches the reference", swapped.replace("dWx", "dWh"),
                               visibility="after_published"))
    results.tests[1].extra = {"output": "dWx", "hint": "lstm-swapped-i-f-gates"}
    results.tests[2].extra = {"output": "dWh", "hint": "lstm-swapped-i-f-gates"}
    group_failures(results)
    plain, hinted, follower = results.tests
    assert plain.output == FULL and hinted.output == swapped, "another hint, another cause: shown in full"
    assert follower.output.splitlines()[1] == hint.replace("dWx", "dWh"), "a one-line entry keeps its hint"
    assert follower.extra == {"output": "dWh", "hint": "lstm-swapped-i-f-gates", "same_cause_as": hinted.name}
