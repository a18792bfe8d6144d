"""The grading command end to end: SPEC section 8's contract on real submissions."""

import json
import os
import shutil

import pytest

from autograder import manifest as manifests
from autograder.runner.grouping import is_withheld_text
from helpers import run_grade

pytestmark = pytest.mark.slow  # every test here runs the real grading command

SOLUTIONS = manifests.load("sequences").solutions
TEMPLATES = manifests.load("sequences").templates

VISIBILITIES = {"hidden", "after_due_date", "after_published", "visible"}


def grade(assignment, submission, output):
    return run_grade(assignment, submission, output, timeout=600)


@pytest.fixture(scope="module")
def graded(tmp_path_factory, grading_pool, reference_results):
    """results.json (bytes) of the sequences assignment for a few submissions, graded once (the
    reference by the session's ``reference_results``), two at a time."""
    root = tmp_path_factory.mktemp("engine")
    partial = root / "partial"
    partial.mkdir()
    shutil.copy(SOLUTIONS / "windowing.py", partial)  # arma.py missing
    sign_bug = root / "sign-bug"
    sign_bug.mkdir()
    shutil.copy(SOLUTIONS / "windowing.py", sign_bug)
    text = (SOLUTIONS / "arma.py").read_text()
    # a realistic bug: the residual sign flipped in arma_predict
    assert "eps[t] = y[t] - yhat[t]" in text
    (sign_bug / "arma.py").write_text(text.replace("eps[t] = y[t] - yhat[t]", "eps[t] = yhat[t] - y[t]"))
    reference_results.prefetch("sequences")
    submissions = {"reference-again": SOLUTIONS, "templates": TEMPLATES, "partial": partial, "sign-bug": sign_bug}
    for name, sub in submissions.items():
        grading_pool.submit(f"test_grade/{name}", grade, "sequences", sub, root / f"{name}.json")
    out = {"reference": reference_results.raw("sequences")}
    for name in submissions:
        run = grading_pool[f"test_grade/{name}"]
        assert run.returncode == 0, run.stderr
        out[name] = run.output.read_bytes()
    return out


def _results(raw: bytes) -> dict:
    return json.loads(raw)


def test_results_follow_gradescope_format(graded):
    functions = set(manifests.load("sequences").functions)
    for raw in graded.values():
        r = _results(raw)
        assert isinstance(r["score"], (int, float)) and r["tests"]
        for t in r["tests"]:
            assert set(t) >= {"name", "score", "max_score", "output", "visibility"}
            assert t["visibility"] in VISIBILITIES and 0 <= t["score"] <= t["max_score"]
            assert t["name"].split(":")[0] in functions, t["name"]
        assert abs(r["score"] - sum(t["score"] for t in r["tests"])) < 1e-6


def test_reference_gets_full_marks(graded):
    r = _results(graded["reference"])
    assert r["score"] == r["extra_data"]["max_score"] > 0
    assert all(t["status"] == "passed" for t in r["tests"])


def test_templates_get_zero_with_feedback_on_every_check(graded):
    r = _results(graded["templates"])
    assert r["score"] == 0
    assert all("not implemented yet" in t["output"] for t in r["tests"])


def test_same_submission_gives_identical_results_json(graded):
    assert graded["reference"] == graded["reference-again"]


def test_missing_file_costs_only_its_own_checks(graded):
    r = _results(graded["partial"])
    files = manifests.load("sequences").functions
    for t in r["tests"]:
        file = files[t["name"].split(":")[0]]
        if file == "windowing.py":
            assert t["status"] == "passed", t
        else:
            assert t["score"] == 0 and "arma.py is missing" in t["output"], t
    assert "arma.py was not found" in r["output"]
    assert r["extra_data"]["missing_files"] == ["arma.py"]  # for the gradebook's note
    assert _results(graded["reference"])["extra_data"]["missing_files"] == []


def test_public_failures_show_the_minimal_input_and_hidden_ones_do_not(graded):
    r = _results(graded["sign-bug"])  # arma_predict's residual sign flipped (see the fixture)
    failed = [t for t in r["tests"] if t["status"] == "failed"]
    assert failed and all(t["name"].startswith(("arma_", "arima_")) for t in failed)
    public = [t for t in failed if t["visibility"] == "visible"]
    hidden = [t for t in failed if t["visibility"] != "visible"]
    assert public and hidden

    def leads(t):  # shown in full (the others point to the check of their cause, or wait for a worked example)
        return "same_cause_as" not in t.get("extra_data", {}) and not is_withheld_text(t["output"])

    assert all("expected" in t["output"] or "minimal" in t["output"].lower() for t in public if leads(t))
    assert all("hidden check" in t["output"] for t in hidden if leads(t))
    assert all("Minimal failing input" not in t["output"] for t in hidden)
    assert all("same cause as" in t["output"] or is_withheld_text(t["output"]) for t in failed if not leads(t))


def test_unknown_assignment_exits_nonzero_without_results(tmp_path):
    proc = grade("nonsense", SOLUTIONS, tmp_path / "r.json")
    assert proc.returncode != 0 and "unknown assignment" in proc.stderr
    assert not (tmp_path / "r.json").exists()


def test_missing_submission_path_exits_nonzero(tmp_path):
    proc = grade("sequences", tmp_path / "does-not-exist", tmp_path / "r.json")
    assert proc.returncode != 0 and "not found" in proc.stderr


@pytest.mark.parametrize("isolation", ["uid", "namespaces"])
def test_syntax_error_feedback_names_the_file_not_a_staging_folder(tmp_path, isolation):
    """The feedback of a file that does not compile is the same text on every grading: the file's
    own name, never the temporary folder it was staged in (which differs between gradings)."""
    if os.geteuid() != 0:
        pytest.skip("the uid and namespaces levels need root")
    submission = tmp_path / "syntax"
    shutil.copytree(SOLUTIONS, submission)
    (submission / "arma.py").write_text("def arma_predict(:\n", encoding="utf-8")
    texts = []
    for run in range(2):
        out = tmp_path / f"results-{run}.json"
        proc = run_grade("sequences", submission, out, {"isolation": isolation}, timeout=600)
        assert proc.returncode == 0, proc.stderr[-2000:]
        tests = json.loads(out.read_text())["tests"]
        texts.append([t["output"] for t in tests if t["name"].startswith("arma_predict:")])
    assert texts[0] == texts[1] and texts[0]
    assert 'File "arma.py", line 1' in texts[0][0] and "SyntaxError" in texts[0][0], texts[0][0]
    assert not any("/tmp" in text or "ag-stage" in text for text in texts[0])
