"""The gradebook CSV and the students' feedback files (autograder/classroom/gradebook.py), from
hand-made results: columns, order, empty cells for checks a student's results lack, number format,
quoting, and the feedback's score, table and "what to fix" section."""

import csv
import io

from autograder.classroom.gradebook import check_names, feedback_markdown, gradebook_csv, write_gradebook
from autograder.runner.results import GRADER_ENTRY, CheckResult, Results, grader_failure

CHECKS = ["rnn_forward: matches the reference", "rnn_backward: dx, dh0 and dWx, dWh", "lstm_forward: shapes"]
POINTS = [1.0, 0.5, 2.0]


def _results(passed: list[bool], outputs: dict | None = None, names=CHECKS) -> dict:
    r = Results("recurrent")
    for name, points, ok in zip(names, POINTS, passed):
        entry = CheckResult(name, points, "visible")
        if ok:
            entry.passed()
        else:
            entry.failed((outputs or {}).get(name, f"{name.split(':')[0]}: wrong"), "wrong value")
        r.tests.append(entry)
    return r.to_json()


def _class() -> dict[str, dict]:
    return {
        "carol": grader_failure("recurrent", "the grader failed", "staff only").to_json(),
        "alice": _results([True, True, True]),
        "bob": _results([True, False], names=CHECKS[:2]),  # an older grading without the third check
    }


def _rows(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text)))


def test_columns_are_student_total_then_every_check_in_grading_order():
    header = _rows(gradebook_csv(_class()))[0]
    assert header == ["student", "total", *CHECKS]
    assert GRADER_ENTRY not in header
    assert check_names(_class()) == CHECKS


def test_one_row_per_student_sorted_with_empty_cells_for_missing_checks():
    rows = _rows(gradebook_csv(_class()))[1:]
    assert rows == [
        ["alice", "3.5", "1", "0.5", "2"],
        ["bob", "1", "1", "0", ""],
        ["carol", "0", "", "", ""],
    ]


def test_totals_are_the_sums_of_the_check_cells():
    for row in _rows(gradebook_csv(_class()))[1:]:
        assert float(row[1]) == sum(float(x) for x in row[2:] if x)


def test_check_names_with_commas_and_quotes_survive_the_csv():
    names = ['f: "a", b', "g: x, y", "h: plain"]
    text = gradebook_csv({"dana": _results([True, False, True], names=names)})
    assert _rows(text)[0] == ["student", "total", *names]
    assert text.splitlines()[0].count('"') > 2  # quoted, not split


def test_an_empty_class_has_only_the_header():
    assert gradebook_csv({}) == "student,total\n"


def test_write_gradebook_writes_the_csv_and_returns_its_path(tmp_path):
    path = write_gradebook(tmp_path / "out" / "gradebook.csv", _class())
    assert path == tmp_path / "out" / "gradebook.csv"
    assert path.read_text() == gradebook_csv(_class())
    assert [p.name for p in path.parent.iterdir()] == ["gradebook.csv"]


def test_feedback_shows_the_score_every_check_and_what_to_fix():
    output = "rnn_backward: 'dx' is wrong in 3 of 6 entries.\n  worst at index [0, 1]"
    results = _results([True, False, True], {CHECKS[1]: output})
    results["output"] = "Recurrent: 3 / 3.5 points."
    text = feedback_markdown("bob", results, title="Recurrent networks")
    assert text.startswith("# Feedback: Recurrent networks\n")
    assert "Student: `bob`" in text and "**Score: 3 / 3.5**" in text
    assert "```text\nRecurrent: 3 / 3.5 points.\n```" in text
    assert f"| pass | {CHECKS[0]} | 1 / 1 |" in text
    assert f"| **FAIL** | {CHECKS[1]} | 0 / 0.5 |" in text
    assert f"| pass | {CHECKS[2]} | 2 / 2 |" in text
    fix = text[text.index("## What to fix"):]
    assert f"### {CHECKS[1]}\n\n```text\n{output}\n```" in fix
    assert CHECKS[0] not in fix and CHECKS[2] not in fix
    assert "Every check passed." not in text and text.endswith("\n")


def test_feedback_of_a_full_score_says_so_and_has_nothing_to_fix():
    text = feedback_markdown("alice", _results([True, True, True]))
    assert text.startswith("# Feedback: recurrent\n")  # the assignment's name when no title is given
    assert "**Score: 3.5 / 3.5**" in text
    assert "## What to fix" not in text and text.rstrip().endswith("Every check passed.")


def test_feedback_cannot_be_broken_by_pipes_or_fences_in_names_and_outputs():
    name = "f: a | b"
    output = "look:\n```\nnot the end\n````"
    text = feedback_markdown("eve", _results([False], {name: output}, names=[name]))
    assert "| **FAIL** | f: a \\| b | 0 / 1 |" in text
    assert f"`````text\n{output}\n`````" in text  # a fence longer than any inside
