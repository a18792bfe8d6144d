"""report.html of a class of 300 in a real browser (headless Chromium): the summary and histogram on
the first screen, the whole open page on two screens (about 2,400 px at 1280 px wide), at most four
printed pages, the long tables folded. Skipped when no Chromium is installed (Debian: `apt-get
install chromium`).

The class is made up from a real grading (the recurrent reference, graded once per session by the
real command): 300 students whose results are that one with checks failed in the ways students fail
them (a wrong worked example and the checks it withholds, a wrong gradient, a timeout, a function
not implemented, grader errors), four sections, late submissions, four students without one.
Screenshots and the PDF are left in pytest's temporary folder for a person to look at."""

import copy
import json
import random
import shutil
import subprocess
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from autograder import manifest as manifests
from autograder.classroom.batch import BatchSummary, Record
from autograder.classroom.class_report import write_class_outputs
from autograder.classroom.exports import Discovery, example_people
from autograder.classroom.gradebook import function_of
from autograder.classroom.late import LatePolicy
from autograder.classroom.roster import Submission
from autograder.runner.results import grader_failure

ASSIGNMENT = "recurrent"
STUDENTS = 300
DUE = datetime(2026, 12, 1, 23, 59, tzinfo=timezone.utc)
WIDTH = 1280
OPEN_PAGE_PX = 2400  # "a screen or two"
MAX_PAGES = 4
CHROMIUM = next((shutil.which(b) for b in ("chromium", "chromium-browser", "google-chrome", "chrome")
                 if shutil.which(b)), None)

pytestmark = [pytest.mark.slow, pytest.mark.skipif(CHROMIUM is None, reason="no chromium binary installed")]


def _fail(test: dict, kinds: dict, kind: str, output: str) -> None:
    test.update(status="failed", score=0.0, output=output)
    kinds[test["name"]] = kind


def fake_results(real: dict, rng: random.Random) -> dict:
    """``real`` (a full-marks results.json) with the failures of one made-up student."""
    results = copy.deepcopy(real)
    kinds = results["extra_data"].setdefault("failure_kinds", {})
    by_function: dict[str, list[dict]] = {}
    for t in results["tests"]:
        by_function.setdefault(function_of(t["name"]), []).append(t)
    skill = rng.random()
    for fn, tests in by_function.items():
        if rng.random() < skill * 0.9:
            continue
        mode = rng.choices(["example", "gradient", "timeout", "missing", "one"], weights=[4, 3, 1, 1, 3])[0]
        for t in tests:
            name = t["name"].lower()
            if mode == "example":
                if "worked example" in name or "reference" in name:
                    _fail(t, kinds, "wrong value", f"{fn}: 'out' is wrong in 6 of 12 entries.\n  worst at index [0, 1]: "
                          "got 0.25, expected 0.5")
                else:
                    _fail(t, kinds, "wrong value", f"{fn}: this property earns credit only once the worked example "
                          f"{fn}_small is right; fix that first.\n{fn}: 'out' is wrong in 6 of 12 entries.")
            elif mode == "gradient" and ("grad" in name or "backward" in fn or "d" in name.split(":")[-1][:3]):
                _fail(t, kinds, "wrong value", f"{fn}: 'dx' is wrong in 3 of 6 entries.\n  max abs error 0.4")
            elif mode == "timeout":
                _fail(t, kinds, "timeout", f"{fn} did not finish within 5 s (infinite loop?) and was stopped")
            elif mode == "missing":
                _fail(t, kinds, "not implemented", f"{fn} is not implemented yet (it raises NotImplementedError)")
        if mode == "one":
            _fail(rng.choice(tests), kinds, "wrong value", f"{fn}: 'h' is wrong in 1 of 30 entries.")
    for t in results["tests"]:
        if t["status"] == "passed":
            kinds.pop(t["name"], None)
    results["score"] = round(sum(t["score"] for t in results["tests"]), 4)
    return results


def make_class(real: dict, out: Path, n: int = STUDENTS, seed: int = 14) -> BatchSummary:
    """``n`` made-up students' results in ``out`` (and their grading records), as a batch leaves them."""
    rng = random.Random(seed)
    people = example_people(n + 4)
    subs = []
    for i, person in enumerate(people[:n]):
        results = fake_results(real, rng) if i % 100 != 7 else grader_failure(
            ASSIGNMENT, "the grader did not finish within 1800 s and was stopped", "staff detail").to_json()
        late = rng.random() < 0.08
        when = DUE + (timedelta(hours=rng.uniform(1, 80)) if late else -timedelta(hours=rng.uniform(0, 72)))
        subs.append(Submission(person.id, out / "export" / f"submission_{300000 + i}", f"submission_{300000 + i}",
                               (person,), when, "Gradescope :created_at"))
        folder = out / person.id
        folder.mkdir(parents=True)
        (folder / "results.json").write_text(json.dumps(results))
        status = "graded" if i % 100 != 7 else "grader error"
        (folder / "grading.json").write_text(json.dumps(Record(
            person.id, f"submission_{300000 + i}", status, results["score"], real["extra_data"]["max_score"],
            round(rng.uniform(8, 40), 1), "0" * 64, "1" * 64, "2026-12-02T10:00:00+0000",
            "" if status == "graded" else "the grader did not finish within 1800 s and was stopped").__dict__))
    found = Discovery("gradescope", subs, ["submission_metadata.yml"], [], people[n:], [],
                      ["submission_300301: superseded for every submitter; not graded"])
    return BatchSummary(ASSIGNMENT, out, students=[s.student for s in subs], graded=[s.student for s in subs],
                        wall_s=1520.0, jobs=8, layout="gradescope", discovery=found)


def chromium(*args: str, tmp: Path, timeout: float = 180) -> subprocess.CompletedProcess:
    cmd = [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
           "--disable-component-update", "--disable-sync", "--no-first-run", "--hide-scrollbars",
           f"--user-data-dir={tmp / 'chromium-profile'}", "--run-all-compositor-stages-before-draw",
           "--virtual-time-budget=5000", *args]
    return subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, stdin=subprocess.DEVNULL)


@pytest.fixture(scope="module")
def report(reference_results, tmp_path_factory):
    out = tmp_path_factory.mktemp("class300")
    summary = make_class(reference_results[ASSIGNMENT], out)
    policy = LatePolicy(due=DUE, per_day=10, cap=50, grace_minutes=15)
    paths = write_class_outputs(manifests.load(ASSIGNMENT), out / "export", out, summary, policy=policy)
    return out, paths["report"]


def _png_rows(path: Path):
    import matplotlib.image

    return matplotlib.image.imread(str(path))


def test_report_of_300_opens_on_two_screens_with_the_summary_and_histogram_first(report, tmp_path):
    out, page = report
    shot = out / "screenshot-1280x2400.png"
    run = chromium(f"--screenshot={shot}", f"--window-size={WIDTH},{OPEN_PAGE_PX}", page.as_uri(), tmp=tmp_path)
    assert shot.is_file(), run.stderr[-2000:]
    image = _png_rows(shot)
    assert image.shape[1] == WIDTH
    # the first screen (1280 x 1000) is not blank: the summary, the histogram and the start of the heatmap
    assert (image[:1000, :, :3] < 0.9).any(axis=2).mean() > 0.02
    # the open page is at most OPEN_PAGE_PX tall: in a taller window, everything below is background
    tall = out / "screenshot-1280x3400.png"
    chromium(f"--screenshot={tall}", f"--window-size={WIDTH},3400", page.as_uri(), tmp=tmp_path)
    below = _png_rows(tall)[OPEN_PAGE_PX:, :, :3]
    assert (below > 0.99).all(), f"the open report is taller than {OPEN_PAGE_PX} px at {WIDTH} px wide (see {tall})"


def test_report_of_300_prints_on_at_most_four_pages(report, tmp_path):
    out, page = report
    pdf = out / "report.pdf"
    run = chromium("--no-pdf-header-footer", f"--print-to-pdf={pdf}", page.as_uri(), tmp=tmp_path)
    assert pdf.is_file(), run.stderr[-2000:]
    data = pdf.read_bytes()
    pages = data.count(b"/Type /Page") - data.count(b"/Type /Pages")
    assert 1 <= pages <= MAX_PAGES, f"{pages} printed pages (see {pdf})"


def test_report_of_300_folds_the_long_tables_and_links_rendered_feedback(report):
    out, page = report
    text = page.read_text()
    assert text.count("<details class=fold>") == 4  # scores, failures per check, pass rate per check, time
    first = text.index("<details class=fold>")
    assert "Most common failures" in text[first:] and "Pass rate per check" in text[first:]
    assert text.index("score histogram") < text.index("heatmap") < text.index("Per function") < first
    person = example_people(1)[0]
    assert f'href="{person.id}/feedback.html"' in text and (out / person.id / "feedback.html").is_file()
    assert "withheld" in text and "grader errors" in text
