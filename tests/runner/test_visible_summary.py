"""Nothing students see before publishing depends on hidden checks (issue 10, item 3).

Two results that differ only in how hidden checks went must have the same visible part: the
top-level ``output`` and every visible test entry. Gradescope hides the top-level ``score`` itself
while any test is not yet visible (its autograder specification), so the score may differ.
"""

import copy

from autograder.runner.results import CheckResult, Results


def _results(hidden_passed: list[bool]) -> Results:
    results = Results("demo")
    for i, passed in enumerate([True, False, True]):
        entry = CheckResult(f"f: visible check {i}", 1.0, "visible")
        entry.passed() if passed else entry.failed("wrong value", "wrong value")
        results.tests.append(entry)
    for i, passed in enumerate(hidden_passed):
        entry = CheckResult(f"f: hidden check {i}", 2.0, "after_published")
        entry.passed() if passed else entry.failed("wrong value", "wrong value")
        results.tests.append(entry)
    results.output = results.visible_summary("Demo")
    return results


def _visible_part(results: Results) -> dict:
    data = results.to_json()
    return {"output": data["output"], "tests": [t for t in data["tests"] if t["visibility"] == "visible"]}


def test_visible_part_does_not_depend_on_hidden_outcomes():
    all_hidden_pass, none_pass = _results([True, True, True]), _results([False, False, False])
    assert all_hidden_pass.score != none_pass.score  # the hidden outcomes really differ
    assert _visible_part(all_hidden_pass) == _visible_part(none_pass)


def test_summary_gives_visible_points_and_the_constant_hidden_total():
    summary = _results([True, False, True]).visible_summary("Demo")
    assert summary.startswith("Demo: 2 / 3 points from the checks shown now.")
    assert "Another 6 points" in summary
    assert "8" not in summary.split("Another")[0]  # the total (2 + 4 of hidden) is nowhere


def test_summary_without_hidden_checks_says_nothing_about_them():
    results = Results("demo", tests=[copy.copy(CheckResult("f: a", 1.0, "visible"))])
    assert "Another" not in results.visible_summary("Demo")
