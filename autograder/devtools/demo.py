"""``make demo``: build the distributions, grade the bundled example class of every assignment with
the batch grader into ``grading/<assignment>/``, print the score tables and where the reports are."""

from __future__ import annotations

from pathlib import Path

from .. import manifest as manifests
from ..classroom import grade_batch
from ..classroom.class_report import common_failures_text, score_table_text
from ..paths import DIST, KIT_ROOT
from ..release import build_all
from .classgen import write_class

GRADING = KIT_ROOT / "grading"


def build_distributions() -> bool:
    """Build dist/ with ``autograder.release.build_all``; False when it failed."""
    print("building the distributions (dist/): self-check, student zip, Gradescope zip ...", flush=True)
    try:
        written = build_all(DIST)
    except Exception as exc:  # a refused build (stale templates, failed self-check) should not hide the rest
        print(f"error: building the distributions failed: {exc}")
        return False
    for path in written:
        print(f"  wrote {Path(path).relative_to(KIT_ROOT) if Path(path).is_relative_to(KIT_ROOT) else path}")
    return True


def grade_class(assignment: str, jobs: int | None = None) -> Path:
    """Grade assignments/<assignment>/class/ (generated first if missing) into grading/<assignment>/."""
    folder = manifests.load(assignment).class_folder
    if not folder.is_dir():
        print(f"generating the example class {folder.relative_to(KIT_ROOT)}")
        write_class(assignment)
    out = GRADING / assignment
    print(f"\n== {assignment}: grading {folder.relative_to(KIT_ROOT)} into {out.relative_to(KIT_ROOT)}", flush=True)
    summary = grade_batch(assignment, folder, out, jobs=jobs)
    print(f"{len(summary.students)} submissions: {len(summary.graded)} graded now, {len(summary.skipped)} unchanged "
          f"since the last run, {len(summary.errors)} grader errors; {summary.wall_s:.1f} s with {summary.jobs} "
          "parallel graders\n")
    print(score_table_text(out, summary.students))
    print()
    print(common_failures_text(out, summary.students, top=5))
    return out / "report.html"


def run_demo(jobs: int | None = None) -> int:
    """The demo; exit status 1 when the distributions could not be built, else 0."""
    built = build_distributions()
    reports = [grade_class(name, jobs) for name in manifests.available()]
    print("\nInstructor's reports (score histogram, failures, timeouts and crashes, similar code):")
    for report in reports:
        print(f"  {report.relative_to(KIT_ROOT)}")
    print("Per student: grading/<assignment>/<student>/feedback.md; gradebooks: grading/<assignment>/gradebook.csv")
    return 0 if built else 1
