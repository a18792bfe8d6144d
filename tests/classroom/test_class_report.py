"""The instructor's report (autograder/classroom/class_report.py) from a hand-made output folder: three
students' results.json (no grader runs), written into gradebook.csv, report.html and the histogram;
the most common failures as text."""

import csv
import json

import pytest

from autograder import manifest as manifests
from autograder.classroom.batch import Record
from autograder.classroom.class_report import HISTOGRAM, common_failures, common_failures_text, write_class_outputs
from autograder.runner.results import CheckResult, Results

ASSIGNMENT = "sequences"
PREDICT = "arma_predict: one-step predictions match the reference"
FIT = "fit_ar: coefficients match least squares"
WINDOWS = "make_windows: windows <b>&</b> targets"  # a name that must be escaped in HTML
CHECKS = [WINDOWS, PREDICT, FIT]


def _results(failures: dict[str, tuple[str, str]]) -> dict:
    """Every check passed but ``failures`` (check -> (kind, feedback))."""
    r = Results(ASSIGNMENT)
    for name in CHECKS:
        entry = CheckResult(name, 1.0, "visible")
        if name in failures:
            kind, output, *diagnosis = failures[name]
            entry.failed(output, kind, *diagnosis)
        else:
            entry.passed()
        r.tests.append(entry)
    return r.to_json()


CLASS = {
    "alice": _results({}),
    "bob": _results({PREDICT: ("wrong value", "arma_predict: 'yhat' is wrong in 4 of 9 entries (bob)\n  Hint: your "
                               "yhat matches what the reference gives when the AR lags are reversed.",
                               {"output": "yhat", "hint": "ar-lags-reversed"}),
                     FIT: ("timeout", "fit_ar did not finish within 5 s (infinite loop?) and was stopped")}),
    "carol": _results({PREDICT: ("wrong value", "arma_predict: 'yhat' is wrong in 9 of 9 entries (carol)"),
                       WINDOWS: ("crash", "the process running your code died while running make_windows")}),
}


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    """(submissions folder, output folder, what write_class_outputs returned)."""
    manifest = manifests.load(ASSIGNMENT)
    submissions, out = tmp_path_factory.mktemp("class"), tmp_path_factory.mktemp("out")
    for student, results in CLASS.items():
        folder = submissions / student
        folder.mkdir()
        for file in manifest.files:  # the reference for everyone: similar code is not the point here
            (folder / file).write_text((manifest.solutions / file).read_text())
        (out / student).mkdir()
        (out / student / "results.json").write_text(json.dumps(results))
    (out / "bob" / "grading.json").write_text(json.dumps(
        {"student": "bob", "source": "bob", "status": "graded", "score": 1.0, "max_score": 3.0, "seconds": 12.5,
         "submission_sha256": "0" * 64, "grader_sha256": "1" * 64, "finished_at": "2024-01-01T00:00:00"}))
    written = write_class_outputs(manifest, submissions, out)
    return submissions, out, written


def test_the_report_gradebook_and_histogram_are_written(graded):
    _, out, written = graded
    assert written == {"gradebook": out / "gradebook.csv", "report": out / "report.html", "histogram": out / HISTOGRAM,
                       "canvas": out / "canvas.csv", "checks": out / "checks.csv", "heatmap": out / "heatmap.png"}
    assert (out / HISTOGRAM).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    with open(out / "checks.csv", newline="") as f:
        rows = list(csv.reader(f))
    assert rows[0] == ["student", "total", *CHECKS] and rows[1][0] == "Points Possible"
    assert [(r[0], r[1]) for r in rows[2:]] == [("alice", "3"), ("bob", "1"), ("carol", "1")]


def test_the_report_names_the_failures_with_their_kinds_and_counts(graded):
    html = (graded[1] / "report.html").read_text()
    assert html.startswith("<!DOCTYPE html>") and html.rstrip().endswith("</html>")
    failures = html[html.index("<h2>Most common failures"):html.index("<h2>Pass rate")]
    assert f"<tr><td>{PREDICT}</td><td>wrong value</td><td class=num>2</td>" in failures  # most common first
    assert failures.index(PREDICT) < failures.index(FIT)
    assert "make_windows: windows &lt;b&gt;&amp;&lt;/b&gt; targets" in failures and WINDOWS not in html
    assert "(bob)" in failures  # one student's feedback as the example
    assert "data:image/png;base64," in html


def test_the_report_lists_timeouts_and_crashes_by_student(graded):
    html = (graded[1] / "report.html").read_text()
    trouble = html[html.index("<h2>Timed out, crashed, grader errors"):html.index("<h2>Similar code")]
    assert "<tr><td>bob</td><td>timeout</td><td>1 checks, in fit_ar</td></tr>" in trouble
    assert "<tr><td>carol</td><td>crash</td><td>1 checks, in make_windows</td></tr>" in trouble
    assert "alice" not in trouble


def test_the_report_compares_the_submissions_and_links_the_feedback(graded):
    html = (graded[1] / "report.html").read_text()
    similar = html[html.index("<h2>Similar code"):html.index("<h2>Scores")]
    assert "(3 submissions compared)" in similar
    scores = html[html.index("<h2>Scores"):html.index("<h2>Pass rate")]
    for student in CLASS:
        assert f'<a href="{student}/feedback.html">feedback</a>' in scores
    assert "12.5" in scores  # bob's grading time from grading.json
    rates = html[html.index("<h2>Pass rate"):]
    assert f"<td>{PREDICT}</td><td class=num>1</td><td class=num>1/3</td><td class=num>33%</td>" in rates


def test_common_failures_are_grouped_by_check_and_kind_most_common_first():
    rows = common_failures(CLASS)
    assert [(check, kind, who) for check, kind, who, _ in rows] == [
        (PREDICT, "wrong value", ["bob", "carol"]),
        (WINDOWS, "crash", ["carol"]),
        (FIT, "timeout", ["bob"]),
    ]


def test_common_failures_text_has_one_line_per_check_and_kind(graded):
    _, out, _ = graded
    text = common_failures_text(out, list(CLASS))
    assert text.splitlines() == [
        "most common failures:",
        f"  {PREDICT} -- wrong value: 2 students",
        f"  {WINDOWS} -- crash: 1 student",
        f"  {FIT} -- timeout: 1 student",
    ]
    short = common_failures_text(out, list(CLASS), top=1).splitlines()
    assert short[1:] == [f"  {PREDICT} -- wrong value: 2 students", "  ... and 2 more (report.html)"]
    assert common_failures_text(out, ["alice"]) == "most common failures: none"


def test_a_student_without_results_is_left_out(graded):
    _, out, _ = graded
    assert Record.load(out / "alice" / "grading.json") is None  # hand-made: no grading record
    assert common_failures_text(out, ["alice", "zed"]) == "most common failures: none"


def test_the_report_groups_students_by_the_cause_the_diagnosis_hinted_at(graded):
    html = (graded[1] / "report.html").read_text()
    causes = html[html.index("<h2>Likely causes"):html.index("<h2>Timed out")]
    assert "<tr><td>arma_predict</td><td>ar-lags-reversed</td><td class=num>1</td><td>Hint: your yhat matches" in causes
    assert "Students: bob" in causes and "carol" not in causes
