"""Grading a class: batch = one by one, resume after a kill, hostile submissions, gradebook, report,
similarity. One small class of the sequences assignment (five submissions), graded a few times."""

import csv
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest

from autograder import cli
from autograder.classroom import grade_batch
from autograder.classroom.batch import Record, discover
from autograder.classroom.class_report import class_sources, template_sources
from autograder.devtools.classgen import Student, rename_locals, strip_markers, write_student
from autograder import manifest as manifests
from autograder.paths import KIT_ROOT
from autograder.classroom.similarity import find_similar
from autograder.grading import scratch
from helpers import run_grade

ASSIGNMENT = "sequences"
FILES = ("windowing.py", "arma.py")
STUDENTS = ["alt", "alt-copy", "bug", "hostile", "ref"]


def _example(name):
    return {f: (manifests.load(ASSIGNMENT).submissions / name / f).read_text() for f in FILES}


@pytest.fixture(scope="module")
def small_class(tmp_path_factory):
    """ref (folder), bug (zip, files in a folder), alt (files in a sub-folder), alt-copy (alt with
    renamed variables), hostile (os._exit at import), and a metadata file that is not a submission."""
    folder = tmp_path_factory.mktemp("class")
    reference = {f: strip_markers((manifests.load(ASSIGNMENT).solutions / f).read_text()) for f in FILES}
    alt = _example("alt-loops")
    hostile = dict(reference, **{"windowing.py": reference["windowing.py"].replace(
        "import numpy as np\n", "import numpy as np\nimport os\nos._exit(0)\n", 1)})
    for s in [Student("ref", reference, "folder", ""), Student("bug", _example("off-by-one-window"), "zip-folder", ""),
              Student("alt", alt, "subfolder", ""), Student("alt-copy", {f: rename_locals(t) for f, t in alt.items()},
                                                            "folder", ""),
              Student("hostile", hostile, "zip", "")]:
        write_student(folder, s, ASSIGNMENT)
    (folder / "submission_metadata.yml").write_text("not: a submission\n")
    return folder


def _grading_pids(out: Path, student: str | None = None) -> list[int]:
    """The processes grading for the batch writing into ``out`` (of ``student``, or any): a grading's
    stdout is ``<out>/.tmp/<student>-<random>/grader.log`` (``batch.grade_one``), whether it was forked
    from a warm grade-server or started as a ``grade`` process of its own."""
    pids = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            log = Path(os.readlink(entry / "fd" / "1").removesuffix(" (deleted)"))
        except OSError:
            continue
        if log.name == "grader.log" and log.parent.parent == Path(out).resolve() / ".tmp" and (
                student is None or log.parent.name.rsplit("-", 1)[0] == student[:40]):
            pids.append(int(entry.name))
    return pids


def _wait_for(condition, timeout=300.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.05)
    raise AssertionError("timed out waiting")


@pytest.fixture(scope="module")
def graded(small_class, tmp_path_factory):
    """The class graded the hard way: one grader process is killed with SIGKILL, then the batch
    itself is killed with SIGKILL after its second result; then the batch is run again."""
    out = tmp_path_factory.mktemp("out")
    batch = subprocess.Popen(
        [sys.executable, "-m", "autograder", "grade-batch", "--assignment", ASSIGNMENT, "--submissions",
         str(small_class), "--output", str(out), "--jobs", "1", "--quiet"],
        cwd=KIT_ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        grader = _wait_for(lambda: _grading_pids(out, "alt"))[0]  # the first student, in name order
        os.kill(grader, signal.SIGKILL)
        _wait_for(lambda: (out / "alt-copy" / "grading.json").is_file())
        running = _grading_pids(out)
        batch.send_signal(signal.SIGKILL)
    finally:
        batch.kill()
        batch.wait()
    first = {s: Record.load(out / s / "grading.json") for s in STUDENTS}
    try:  # the killed batch's grader processes die with it
        orphans_gone = _wait_for(lambda: not _grading_pids(out), timeout=10)
    except AssertionError:
        orphans_gone = False
    for pid in running:  # what they left, nobody else can remove (the batch that would have was killed)
        scratch.remove_left_by(pid)
    stamps = {s: (out / s / "grading.json").stat().st_mtime_ns for s in STUDENTS if first[s]}
    summary = grade_batch(ASSIGNMENT, small_class, out, jobs=2, progress=False)
    return {"out": out, "first": first, "stamps": stamps, "summary": summary, "orphans_gone": orphans_gone}


def _results(out, student):
    return json.loads((out / student / "results.json").read_text())


@pytest.mark.slow
def test_killed_grader_is_a_grader_error_and_the_batch_goes_on(graded):
    alt = graded["first"]["alt"]
    assert alt is not None and alt.status == "grader error" and "SIGKILL" in alt.detail
    assert graded["first"]["alt-copy"].status == "graded"


@pytest.mark.slow
def test_killed_batch_loses_nothing_and_resumes(graded):
    out, summary = graded["out"], graded["summary"]
    assert graded["orphans_gone"], "the killed batch's grader processes must die with it"
    assert summary.skipped == ["alt-copy"]  # graded before the kill, unchanged: not graded again
    assert (out / "alt-copy" / "grading.json").stat().st_mtime_ns == graded["stamps"]["alt-copy"]
    assert summary.graded == ["alt", "bug", "hostile", "ref"]  # the grader error is retried
    assert summary.errors == [] and summary.ignored == ["submission_metadata.yml"]
    for student in STUDENTS:
        record = Record.load(out / student / "grading.json")
        assert record.status == "graded" and record.score == _results(out, student)["score"]
    assert not (out / ".tmp").exists()


@pytest.mark.slow
def test_scores_are_those_of_one_by_one_grading(graded, small_class, tmp_path, grading_pool, reference_results):
    """Each submission graded on its own by the plain grading command (in the session's grading pool:
    each is still a separate `grade` run; ``ref``, the reference without its solution markers, is
    the session's grading of the reference) gets exactly the batch's scores."""
    reference_results.prefetch(ASSIGNMENT)
    subs = [sub for sub in discover(small_class)[0] if sub.student != "ref"]
    for sub in subs:
        grading_pool.submit(f"test_batch/alone/{sub.student}", run_grade, ASSIGNMENT, sub.path,
                            tmp_path / f"{sub.student}.json", None)
    alone = {"ref": reference_results[ASSIGNMENT]}
    for sub in subs:
        run = grading_pool[f"test_batch/alone/{sub.student}"]
        assert run.returncode == 0, run.stderr
        alone[sub.student] = run.results
    assert sorted(alone) == STUDENTS
    for student, single in alone.items():
        batch = _results(graded["out"], student)
        assert batch["score"] == single["score"], student
        assert [(t["name"], t["score"]) for t in batch["tests"]] == [(t["name"], t["score"]) for t in single["tests"]]


@pytest.mark.slow
def test_scores_are_what_the_submissions_deserve(graded):
    scores = {s: _results(graded["out"], s)["score"] for s in STUDENTS}
    full = _results(graded["out"], "ref")["extra_data"]["max_score"]
    assert scores["ref"] == scores["alt"] == scores["alt-copy"] == full
    assert 0 < scores["bug"] < full
    assert scores["hostile"] < full
    kinds = _results(graded["out"], "hostile")["extra_data"]["failure_kinds"]
    assert "crash" in kinds.values()  # os._exit at import: the worker died, the batch did not


@pytest.mark.slow
def test_rerun_grades_nothing_and_a_change_regrades_only_it(graded, small_class, tmp_path):
    again = grade_batch(ASSIGNMENT, small_class, graded["out"], jobs=2, progress=False, report=False)
    assert again.graded == [] and again.skipped == STUDENTS
    folder, out = tmp_path / "class", tmp_path / "out"
    shutil.copytree(small_class, folder)
    shutil.copytree(graded["out"], out)
    with open(folder / "ref" / "arma.py", "a") as f:
        f.write("\n# a last-minute comment\n")
    changed = grade_batch(ASSIGNMENT, folder, out, jobs=2, progress=False, report=False)
    assert changed.graded == ["ref"] and changed.skipped == ["alt", "alt-copy", "bug", "hostile"]


@pytest.mark.slow
@pytest.mark.parametrize("warm", [True, False], ids=["forked-from-a-grade-server", "a-grade-process-each"])
def test_a_batch_past_its_time_limit_records_a_grader_error(small_class, tmp_path, warm):
    folder = tmp_path / "class"
    folder.mkdir()
    shutil.copytree(small_class / "ref", folder / "slow")
    summary = grade_batch(ASSIGNMENT, folder, tmp_path / "out", timeout_s=0.5, progress=False, warm=warm)
    assert summary.errors == ["slow"]
    record = Record.load(tmp_path / "out" / "slow" / "grading.json")
    assert record.status == "grader error" and "did not finish within 0.5 s" in record.detail
    results = json.loads((tmp_path / "out" / "slow" / "results.json").read_text())
    assert results["score"] == 0 and results["tests"][0]["name"] == "autograder: grading finished"
    assert "retried" in (tmp_path / "out" / "report.html").read_text()
    assert not _grading_pids(tmp_path / "out")


@pytest.mark.slow
def test_ctrl_c_stops_the_graders_and_records_nothing_half_done(small_class, tmp_path):
    out = tmp_path / "out"
    # the batch's own temporary directory (reachable by the sandbox's uid), to see what it leaves there
    temp = Path(tempfile.mkdtemp(prefix="ag-test-temp-"))
    temp.chmod(0o755)
    batch = subprocess.Popen(
        [sys.executable, "-m", "autograder", "grade-batch", "--assignment", ASSIGNMENT, "--submissions",
         str(small_class), "--output", str(out), "--jobs", "2", "--quiet"],
        cwd=KIT_ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        env={**os.environ, "TMPDIR": str(temp)},
        # Ctrl-C's default action in the batch, whatever this suite inherited: a suite started in the
        # background by a non-interactive shell (`cmd &`) has SIGINT ignored, and so would the batch
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    try:
        _wait_for(lambda: _grading_pids(out))
        batch.send_signal(signal.SIGINT)
        _, err = batch.communicate(timeout=60)
    finally:
        batch.kill()
        left = sorted(p.name for p in temp.iterdir())
        shutil.rmtree(temp)
    assert batch.returncode == 130 and "run the same command again" in err
    assert not _grading_pids(out)
    assert left == []  # no staged copy of a student's files, no worker runtime: the killed gradings' too
    # what finished before Ctrl-C is kept, whole (a grading takes about a second: one may finish first);
    # nothing else is recorded, and the batch's temporary folder is gone
    records = list(out.glob("*/grading.json"))
    assert len(records) < 5 and not (out / ".tmp").exists()
    for path in records:
        assert Record.load(path).status == "graded"
        assert json.loads((path.parent / "results.json").read_text())["tests"]


@pytest.mark.slow
def test_gradebook_is_a_csv_an_lms_takes(graded):
    """gradebook.csv: identity, total and per-function subtotals, a Points Possible row (issue 14);
    the per-check detail is checks.csv."""
    out = graded["out"]
    with open(out / "gradebook.csv", newline="") as f:
        header, points, *body = list(csv.reader(f))
    assert header[:5] == ["student", "name", "sid", "email", "section"] and points[0] == "Points Possible"
    total = header.index("total")
    functions = header[total + 1:-1]
    assert functions and all(":" not in f for f in functions)
    assert [r[0] for r in body] == STUDENTS
    for row in body:
        results = _results(out, row[0])
        assert float(row[total]) == results["score"]
        assert abs(sum(float(row[header.index(f)]) for f in functions) - results["score"]) < 1e-6
    with open(out / "checks.csv", newline="") as f:
        header, points, *body = list(csv.reader(f))
    checks = [t["name"] for t in _results(out, "ref")["tests"]]
    assert header == ["student", "total", *checks] and points[0] == "Points Possible"
    assert [r[0] for r in body] == STUDENTS
    for row in body:
        results = _results(out, row[0])
        assert float(row[1]) == results["score"]
        assert abs(sum(float(x) for x in row[2:]) - results["score"]) < 1e-6


@pytest.mark.slow
def test_feedback_file_shows_score_and_each_check(graded):
    text = (graded["out"] / "bug" / "feedback.md").read_text()
    results = _results(graded["out"], "bug")
    assert f"**Score: {results['score']:g} / {results['extra_data']['max_score']:g}**" in text
    failed = [t for t in results["tests"] if t["status"] == "failed"]
    # a check withheld by its gate (worked example wrong) is marked so, not as a failure of its own (issue 14)
    withheld = [t for t in failed if "earns credit only once" in t["output"]]
    assert failed and all(f"| **FAIL** | {t['name']} |" in text for t in failed if t not in withheld)
    assert all(f"| withheld | {t['name']} |" in text for t in withheld)
    assert "## What to fix" in text and failed[0]["output"].splitlines()[0] in text


@pytest.mark.slow
def test_report_shows_common_failures_trouble_and_similar_pairs(graded):
    out = graded["out"]
    html = (out / "report.html").read_text()
    assert (out / "score_histogram.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert "data:image/png;base64," in html
    failing = next(t["name"] for t in _results(out, "bug")["tests"] if t["status"] == "failed")
    assert failing in html.replace("&#x27;", "'") and "wrong value" in html
    assert "Timed out, crashed, grader errors" in html and ">hostile<" in html and "crash" in html
    section = html[html.index("<h2>Similar code"):html.index("<h2>Scores")]
    assert ">alt<" in section and ">alt-copy<" in section and ">ref<" not in section


def test_similarity_finds_the_near_copy_and_not_unrelated_pairs(small_class):
    manifest = manifests.load(ASSIGNMENT)
    sources = class_sources(manifest, small_class, set(STUDENTS))
    pairs = {(p.a, p.b): p.similarity for p in find_similar(sources, template_sources(manifest), threshold=0.0)}
    assert pairs[("alt", "alt-copy")] > 0.9
    assert all(score < 0.2 for pair, score in pairs.items() if pair != ("alt", "alt-copy"))


def test_discover_takes_folders_and_zips_and_names_students_after_them(small_class):
    subs, ignored = discover(small_class)
    assert [(s.student, s.path.name) for s in subs] == [
        ("alt", "alt"), ("alt-copy", "alt-copy"), ("bug", "bug.zip"), ("hostile", "hostile.zip"), ("ref", "ref")]
    assert ignored == ["submission_metadata.yml"]


@pytest.mark.parametrize("args, message", [
    (["--assignment", "nope", "--submissions", "."], "unknown assignment 'nope'"),
    (["--assignment", ASSIGNMENT, "--submissions", "/nonexistent/class"], "submissions folder not found"),
])
def test_batch_command_errors_are_one_line_with_exit_2(args, message, tmp_path, capsys):
    assert cli.main(["grade-batch", *args, "--output", str(tmp_path / "out")]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: ") and message in err and err.count("\n") == 1


@pytest.mark.parametrize("layout, message", [
    ("zip", "is a file, not a folder (a zip of the whole class? unzip it"),
    ("output-file", "is a file, not a folder"),
    ("same", "is inside the submissions folder"),
    ("output-inside", "is inside the submissions folder"),
    ("submissions-inside", "is inside the output folder"),
])
def test_submissions_and_output_must_be_folders_apart(layout, message, tmp_path, capsys):
    """Grading into the submissions folder graded the batch's own folders as students on the next run
    (and a file where a folder belongs gave a traceback): refused before anything is graded."""
    subs = tmp_path / "class"
    (subs / "ada").mkdir(parents=True)
    (subs / "ada" / "windowing.py").write_text("x = 1\n")
    out = {"zip": tmp_path / "out", "output-file": tmp_path / "out.csv", "same": subs,
           "output-inside": subs / "grading", "submissions-inside": tmp_path}[layout]
    if layout == "zip":
        subs = tmp_path / "class.zip"
        subs.write_bytes(b"PK\x05\x06" + b"\0" * 18)
    if layout == "output-file":
        out.write_text("")
    before = sorted(tmp_path.rglob("*"))
    assert cli.main(["grade-batch", "--assignment", ASSIGNMENT, "--submissions", str(subs), "--output", str(out)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: ") and message in err and err.count("\n") == 1, err
    assert sorted(tmp_path.rglob("*")) == before  # nothing written
