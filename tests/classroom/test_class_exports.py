"""`grade-batch` end to end on exports the kit builds itself (exports.write_example_exports), with the
real grader: a Gradescope export and a Canvas bulk download of the same three students (a correct
one, a buggy one two days late, the template) with a roster that has one more student; a due date
and late policy on the command line; `--student` regrading exactly one; exit codes.

Three submissions are graded for real (Gradescope), the Canvas run reuses those results (same files,
same grader: unchanged) and regrades one student from Canvas's files; a few small Hypothesis runs."""

import csv
import json
import shutil
import subprocess
import sys
from datetime import datetime, timedelta, timezone

import pytest

from autograder import manifest as manifests
from autograder.classroom.exports import write_example_exports
from autograder.paths import KIT_ROOT

ASSIGNMENT = "sequences"
DUE = datetime(2026, 12, 1, 23, 59, tzinfo=timezone.utc)
ENTRIES = ["s1001-correct", "s1005-ar-lags-reversed", "s1018-template"]
FAST = ["--max-examples", "5", "--call-timeout", "2", "--jobs", "2", "--quiet"]
LATE = ["--due", DUE.isoformat(), "--late-per-day", "10", "--late-cap", "50", "--grace-minutes", "15"]

pytestmark = pytest.mark.slow


def grade_batch(*args, timeout=900):
    return subprocess.run([sys.executable, "-m", "autograder", "grade-batch", "--assignment", ASSIGNMENT, *args],
                          cwd=KIT_ROOT, capture_output=True, text=True, timeout=timeout)


def _csv(path):
    with open(path, newline="") as f:
        return list(csv.reader(f))


@pytest.fixture(scope="module")
def exports(tmp_path_factory):
    folder = tmp_path_factory.mktemp("class")
    for name in ENTRIES:
        src = manifests.load(ASSIGNMENT).class_folder / name
        shutil.copytree(src, folder / name) if src.is_dir() else shutil.copy(src, folder / name)
    return write_example_exports(folder, tmp_path_factory.mktemp("exports"), DUE,
                                 late={1: timedelta(days=1, hours=3)}, reuploads=(0,))


@pytest.fixture(scope="module")
def gradescope(exports, tmp_path_factory):
    out = tmp_path_factory.mktemp("gs-out")
    run = grade_batch("--submissions", str(exports["gradescope"]), "--output", str(out),
                      "--roster", str(exports["roster"]), *LATE, *FAST)
    return run, out


def test_gradescope_export_grades_everyone_named_by_the_roster(gradescope, exports):
    run, out = gradescope
    assert run.returncode == 0, run.stdout + run.stderr
    people = exports["roster_people"]
    assert "3 submissions (gradescope), 3 graded" in run.stdout
    assert f"on the roster without a submission (1): {people[3].id}" in run.stderr
    header, points, *rows = _csv(out / "gradebook.csv")
    col = {name: i for i, name in enumerate(header)}
    assert points[0] == "Points Possible" and float(points[col["total"]]) > 0
    by_id = {r[0]: r for r in rows}
    assert sorted(by_id) == sorted(p.id for p in people)
    for p in people[:3]:
        row = by_id[p.id]
        assert (row[col["name"]], row[col["email"]], row[col["section"]], row[col["status"]]) == (
            p.name, p.email, p.section, "graded")
        assert (out / p.id / "results.json").is_file() and (out / p.id / "feedback.html").is_file()
    assert by_id[people[3].id][col["status"]] == "no submission"
    correct, buggy, template = (by_id[p.id] for p in people[:3])
    assert correct[col["total"]] == points[col["total"]] and correct[col["days late"]] == "0"
    assert template[col["total"]] == "0"
    raw, total = float(buggy[col["raw score"]]), float(buggy[col["total"]])
    assert buggy[col["days late"]] == "2" and buggy[col["late penalty %"]] == "20"  # 1 day 3 h: 2 started days
    assert 0 < raw < float(points[col["raw score"]]) and total == pytest.approx(raw * 0.8)
    subtotal_columns = header[col["total"] + 1:-1]
    assert "make_windows" in subtotal_columns and "fit_ar" in subtotal_columns
    assert sum(float(correct[col[f]]) for f in subtotal_columns) == float(correct[col["total"]])


def test_canvas_csv_and_checks_csv_and_report(gradescope, exports):
    _, out = gradescope
    people = exports["roster_people"]
    header, points, *rows = _csv(out / "canvas.csv")
    assert header[:5] == ["Student", "ID", "SIS User ID", "SIS Login ID", "Section"] and points[0] == "Points Possible"
    assert sorted(r[1] for r in rows) == sorted(p.canvas_id for p in people[:3])  # nothing for no submission
    checks = _csv(out / "checks.csv")
    assert checks[0][:2] == ["student", "total"] and checks[1][0] == "Points Possible" and len(checks) == 2 + 3
    report = (out / "report.html").read_text()
    assert people[0].name in report and people[3].name in report  # named; the missing student listed
    assert f'href="{people[1].id}/feedback.html"' in report and "Late work" in report
    feedback = (out / people[1].id / "feedback.html").read_text()
    assert "late" in feedback and people[1].name in feedback and "<table>" in feedback


def test_student_regrades_exactly_that_student_even_unchanged(gradescope, exports):
    _, out = gradescope
    people = exports["roster_people"]
    stamps = {p.id: (out / p.id / "grading.json").stat().st_mtime_ns for p in people[:3]}
    run = grade_batch("--submissions", str(exports["gradescope"]), "--output", str(out),
                      "--roster", str(exports["roster"]), "--student", people[2].email, *LATE, *FAST)
    assert run.returncode == 0, run.stdout + run.stderr
    assert "1 graded, 2 left as they are" in run.stdout
    after = {p.id: (out / p.id / "grading.json").stat().st_mtime_ns for p in people[:3]}
    assert after[people[2].id] != stamps[people[2].id]
    assert after[people[0].id] == stamps[people[0].id] and after[people[1].id] == stamps[people[1].id]


def test_an_unknown_student_is_an_error_naming_the_known_ones(gradescope, exports):
    _, out = gradescope
    run = grade_batch("--submissions", str(exports["gradescope"]), "--output", str(out),
                      "--roster", str(exports["roster"]), "--student", "nobody@example.edu", *FAST)
    assert run.returncode == 2
    assert "unknown student 'nobody@example.edu'" in run.stderr
    assert all(p.id in run.stderr for p in exports["roster_people"][:3])


def test_canvas_download_of_the_same_class_reuses_the_grades_and_regrades_from_canvas_files(gradescope, exports,
                                                                                                tmp_path):
    _, gs_out = gradescope
    out = tmp_path / "canvas-out"
    shutil.copytree(gs_out, out)
    people = exports["roster_people"]
    run = grade_batch("--submissions", str(exports["canvas"]), "--output", str(out),
                      "--roster", str(exports["roster"]), "--student", people[0].canvas_id, *LATE, *FAST)
    assert run.returncode == 0, run.stdout + run.stderr
    assert "3 submissions (canvas), 1 graded" in run.stdout
    first = json.loads((out / people[0].id / "results.json").read_text())
    assert first["score"] == first["extra_data"]["max_score"]  # rnn-1.py style re-upload graded as its name
    header, _, *rows = _csv(out / "gradebook.csv")
    col = {name: i for i, name in enumerate(header)}
    buggy = next(r for r in rows if r[0] == people[1].id)
    assert buggy[col["days late"]] == "2"  # Canvas flagged it late; the file times say by how much


def test_grader_errors_exit_1_and_are_listed(exports, tmp_path):
    folder = tmp_path / "class"
    folder.mkdir()
    shutil.copytree(exports["students"][0].entry, folder / "slow")
    run = grade_batch("--submissions", str(folder), "--output", str(tmp_path / "out"), "--timeout", "0.5", *FAST)
    assert run.returncode == 1
    assert "1 grader error (slow)" in run.stderr and "retry" in run.stderr
    assert "exit status" in grade_batch("--help").stdout
