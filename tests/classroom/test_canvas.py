"""The gradebooks an LMS imports (gradebook.py, canvas.py) and the feedback pages, from a hand-made
graded class (results.json files written here, no grader): identity columns, per-function
subtotals, a Points Possible row, late penalties, Canvas's import layout, the per-check detail."""

import csv
import io
import json
from dataclasses import replace
from datetime import datetime, timedelta, timezone

import pytest

from autograder import manifest as manifests
from autograder.classroom.batch import BatchSummary
from autograder.classroom.canvas import HEADER, canvas_csv
from autograder.classroom.class_report import build_class, unknown_extensions, write_class_outputs
from autograder.classroom.exports import Discovery
from autograder.classroom.gradebook import (POINTS_POSSIBLE, feedback_html, feedback_markdown, function_of,
                                            lms_gradebook_csv)
from autograder.classroom.late import LatePolicy
from autograder.classroom.roster import Person, Submission
from autograder.runner.results import CheckResult, Results, grader_failure

ASSIGNMENT = "sequences"
DUE = datetime(2026, 12, 1, 23, 59, tzinfo=timezone.utc)
CHECKS = [("make_windows: worked example", 2.0), ("make_windows: shapes", 1.0), ("fit_ar: matches the reference", 3.0)]
GATE = "make_windows: this property earns credit only once the worked example make_windows_basic is right; fix that first."


def _results(failed: dict[str, tuple[str, str]]) -> dict:
    r = Results(ASSIGNMENT)
    for name, points in CHECKS:
        entry = CheckResult(name, points, "visible")
        if name in failed:
            entry.failed(failed[name][1], failed[name][0])
        else:
            entry.passed()
        r.tests.append(entry)
    return r.to_json()


ADA = Person("2026001", "Ada Lovelace", "ada@example.edu", "L01", "2026001", "alovelace", "51000", True)
ALAN = Person("2026002", "Alan <b>Turing</b>", "alan@example.edu", "L02", "2026002", "aturing", "51013", True)
GRACE = Person("2026003", "Grace Hopper", "grace@example.edu", "L01", "2026003", "", "", True)
EDSGER = Person("2026004", "Edsger Dijkstra", "ed@example.edu", "L02", "2026004", "", "", True)
BARBARA = Person("2026005", "Barbara Liskov", "bl@example.edu", "L03", "", "", "", True)
RESULTS = {
    "2026001": _results({}),
    "2026002": _results({"fit_ar: matches the reference": ("wrong value", "fit_ar: '<script>' is wrong")}),
    "2026003": _results({"make_windows: worked example": ("wrong value", "make_windows: wrong"),
                         "make_windows: shapes": ("wrong value", GATE)}),
    "2026004": grader_failure(ASSIGNMENT, "the grader failed", "staff").to_json(),
}
RESULTS["2026003"]["extra_data"]["missing_files"] = ["arma.py"]  # as the grader records a file not handed in


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    """Ada on time; Alan a day and two hours late (2 started days); Grace 5 minutes late (within the
    grace); Edsger: a grader error; Barbara: on the roster, nothing handed in."""
    out = tmp_path_factory.mktemp("out")
    subs = [Submission("2026001", out / "in" / "a", "submission_1", (ADA,), DUE - timedelta(hours=1), "Gradescope :created_at"),
            Submission("2026002", out / "in" / "b", "submission_2", (ALAN,), DUE + timedelta(days=1, hours=2),
                       "Gradescope :created_at"),
            Submission("2026003", out / "in" / "c", "submission_3", (GRACE,), DUE + timedelta(minutes=5),
                       "Gradescope :created_at"),
            Submission("2026004", out / "in" / "d", "submission_4", (EDSGER,), DUE, "Gradescope :created_at")]
    for key, results in RESULTS.items():
        (out / key).mkdir()
        (out / key / "results.json").write_text(json.dumps(results))
    found = Discovery("gradescope", subs, ["submission_metadata.yml"], [], [BARBARA])
    policy = LatePolicy(due=DUE, per_day=10, cap=50, grace_minutes=15)
    book = build_class(manifests.load(ASSIGNMENT), found, out, policy)
    return out, book, found, policy


def _rows(text):
    return list(csv.reader(io.StringIO(text)))


def test_gradebook_has_identity_status_late_columns_and_function_subtotals(graded):
    _, book, _, _ = graded
    header, points, *rows = _rows(lms_gradebook_csv(book))
    assert header[:5] == ["student", "name", "sid", "email", "section"]
    assert header[header.index("raw score"):header.index("total") + 1] == ["raw score", "late penalty", "total"]
    assert header[header.index("total") + 1:-1] == ["make_windows", "fit_ar"]  # functions, in grading order
    assert points[0] == POINTS_POSSIBLE and points[header.index("total")] == "6"
    assert points[header.index("make_windows")] == "3" and points[header.index("fit_ar")] == "3"
    col = {name: i for i, name in enumerate(header)}
    by_id = {r[0]: r for r in rows}
    assert [r[0] for r in rows] == ["2026001", "2026002", "2026003", "2026004", "2026005"]
    ada, alan, grace, edsger, barbara = (by_id[i] for i in ("2026001", "2026002", "2026003", "2026004", "2026005"))
    assert (ada[col["name"]], ada[col["email"]], ada[col["section"]], ada[col["status"]]) == (
        "Ada Lovelace", "ada@example.edu", "L01", "graded")
    assert (alan[col["days late"]], alan[col["late penalty %"]], alan[col["raw score"]], alan[col["late penalty"]],
            alan[col["total"]]) == ("2", "20", "3", "0.6", "2.4")
    assert (alan[col["make_windows"]], alan[col["fit_ar"]]) == ("3", "0")  # subtotals are raw
    assert (grace[col["days late"]], grace[col["total"]], grace[col["make_windows"]]) == ("0", "3", "0")
    assert "missing files: arma.py" in grace[col["note"]] and "missing" not in ada[col["note"]]
    assert edsger[col["status"]] == "grader error" and edsger[col["total"]] == ""
    assert barbara[col["status"]] == "no submission" and barbara[col["total"]] == ""


def test_canvas_csv_is_in_canvas_import_layout_with_final_scores(graded):
    _, book, _, _ = graded
    text, unmatched = canvas_csv(book, "RNN lab (123456)")
    header, points, *rows = _rows(text)
    assert header == [*HEADER, "RNN lab (123456)"] == ["Student", "ID", "SIS User ID", "SIS Login ID", "Section",
                                                       "RNN lab (123456)"]
    assert points == ["Points Possible", "", "", "", "", "6"]
    assert rows == [["Ada Lovelace", "51000", "2026001", "alovelace", "L01", "6"],
                    ["Grace Hopper", "", "2026003", "", "L01", "3"],
                    ["Alan <b>Turing</b>", "51013", "2026002", "aturing", "L02", "2.4"]]  # late: final score
    assert unmatched == []  # everyone has at least an SIS User ID; no grade: no row (Canvas keeps the cell)


def test_withheld_checks_are_not_counted_as_wrong(graded):
    _, book, _, _ = graded
    text = feedback_markdown("2026003", RESULTS["2026003"], "Seq", people=(GRACE,))
    assert "| withheld | make_windows: shapes |" in text and "| **FAIL** | make_windows: worked example |" in text
    assert "Student: `2026003` (Grace Hopper)" in text


def test_feedback_shows_the_late_penalty():
    from autograder.classroom.late import assess

    lateness = assess(LatePolicy(due=DUE, per_day=10, cap=50), DUE + timedelta(days=1, hours=2))
    text = feedback_markdown("2026002", RESULTS["2026002"], "Seq", people=(ALAN,), lateness=lateness)
    assert "**Score: 2.4 / 6** (checks: 3; handed in 2 days late: -20%, -0.6 points)" in text


def test_feedback_html_renders_markdown_and_escapes_the_students_text():
    text = feedback_markdown("2026002", RESULTS["2026002"], "Seq", people=(ALAN,))
    page = feedback_html(text, "Feedback")
    assert page.startswith("<!DOCTYPE html>") and "<table>" in page and "<h1>Feedback: Seq</h1>" in page
    assert "<script>" not in page and "&lt;script&gt;" in page
    assert "<b>Turing</b>" not in page


@pytest.mark.slow  # over a second of CPU: kept out of the fast tier
def test_write_class_outputs_writes_every_file_and_links_feedback_pages(graded):
    out, _, found, policy = graded
    summary = BatchSummary(ASSIGNMENT, out, students=[s.student for s in found.submissions], discovery=found)
    paths = write_class_outputs(manifests.load(ASSIGNMENT), out / "in", out, summary, policy=policy,
                                canvas_column="RNN lab (123456)")
    assert sorted(paths) == ["canvas", "checks", "gradebook", "heatmap", "histogram", "report"]
    assert all(p.is_file() for p in paths.values())
    checks = _rows(paths["checks"].read_text())
    assert checks[0] == ["student", "total", *(n for n, _ in CHECKS)] and checks[1] == [POINTS_POSSIBLE, "6", "2", "1", "3"]
    for key in ("2026001", "2026002", "2026003"):
        assert (out / key / "feedback.html").is_file() and (out / key / "feedback.md").is_file()
        assert f'href="{key}/feedback.html"' in paths["report"].read_text()
    report = paths["report"].read_text()
    assert "<b>Turing</b>" not in report and "Alan &lt;b&gt;Turing&lt;/b&gt;" in report
    assert "withheld 1" in report  # Grace's gated check, shown as withheld


@pytest.mark.slow  # writes every output, charts included
def test_rows_canvas_cannot_match_are_named_in_the_summary_and_the_report(graded):
    """A class graded without a roster's ids: canvas.csv's rows have no Canvas id, SIS User ID or
    login, which Canvas needs to match a row; the batch says so (it said nothing)."""
    out, _, found, policy = graded
    nameless = replace(GRACE, sid="", login="", canvas_id="")
    subs = [replace(s, members=(nameless,)) if s.members == (GRACE,) else s for s in found.submissions]
    found = replace(found, submissions=subs)
    summary = BatchSummary(ASSIGNMENT, out, students=[s.student for s in subs], discovery=found)
    paths = write_class_outputs(manifests.load(ASSIGNMENT), out / "in", out, summary, policy=policy)
    assert summary.canvas_unmatched == ["2026003"]
    assert "canvas.csv: 1 student without a Canvas id, SIS User ID or login (2026003)" in paths["report"].read_text()
    assert "canvas_unmatched" not in summary.to_json()


def test_a_checks_function_is_its_name_up_to_the_first_colon():
    assert function_of("rnn_backward: dx: and more") == "rnn_backward"


def test_an_extension_for_no_student_is_noted(graded):
    out, _, found, policy = graded
    policy = replace(policy, extensions={"2026002": DUE + timedelta(days=3), "2062002": DUE + timedelta(days=3)})
    assert unknown_extensions(policy, found) == ["2062002"]  # a typo
    book = build_class(manifests.load(ASSIGNMENT), found, out, policy)
    assert "the extension for '2062002' matches no student" in book.notes
    alan = next(e for e in book.entries if e.key == "2026002")
    assert not alan.lateness.late and alan.lateness.extended
