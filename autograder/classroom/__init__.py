"""Grading a class: every submission graded by its own grader process (``batch``), then for people
the gradebooks and each student's feedback (``gradebook``, ``canvas``) and the instructor's report
(``class_report``, with ``similarity``).

    export folder --exports/roster--> submissions and whose they are (Gradescope, Canvas, folders)
                  --batch--> <out>/<student>/{results.json, feedback.md, grading.json}
                  --class_report (late)--> <out>/{gradebook.csv, canvas.csv, checks.csv, report.html},
                                           <out>/<student>/feedback.html
"""

from __future__ import annotations

from pathlib import Path

from .. import manifest as manifests
from .batch import DEFAULT_TIMEOUT_S, BatchError, BatchSummary, grade_submissions
from .class_report import write_class_outputs
from .late import LateError, LatePolicy, load_policy

__all__ = ["DEFAULT_TIMEOUT_S", "BatchError", "BatchSummary", "LatePolicy", "grade_batch", "late_policy"]


def late_policy(assignment: str, **overrides) -> LatePolicy:
    """The assignment's late policy: its manifest's ``[late]`` table with ``overrides`` (``due``,
    ``per_day``, ``cap``, ``grace_minutes``, ``extensions``: a CSV path) applied. Raises BatchError."""
    try:
        manifest = manifests.load(assignment)
        return load_policy(manifest.root / "manifest.toml", **overrides)
    except (manifests.ManifestError, LateError) as exc:
        raise BatchError(str(exc)) from None


def grade_batch(assignment: str, submissions: Path, output: Path, *, report: bool = True,
                late: LatePolicy | dict | None = None, canvas_column: str | None = None, **options) -> BatchSummary:
    """Grade every submission in ``submissions`` into ``output`` (``batch.grade_submissions``; its
    keyword ``options``: jobs, timeout_s, force, roster, students, ...), then, if ``report``, write
    the gradebooks, the feedback pages and the report. ``late``: a LatePolicy, or overrides of the
    manifest's (see ``late_policy``); ``canvas_column``: the assignment column of canvas.csv."""
    policy = late if isinstance(late, LatePolicy) else late_policy(assignment, **(late or {}))
    summary = grade_submissions(assignment, submissions, output, **options)
    if report:
        write_class_outputs(manifests.load(assignment), Path(submissions), Path(output), summary, policy=policy,
                            canvas_column=canvas_column)
    return summary
