"""Grading a class: every submission graded by its own grader process (``batch``), then for people
the gradebook and each student's feedback (``gradebook``) and the instructor's report
(``class_report``, with ``similarity``).

    export folder --batch--> <out>/<student>/{results.json, feedback.md, grading.json}
                  --class_report--> <out>/{gradebook.csv, report.html, score_histogram.png}
"""

from __future__ import annotations

from pathlib import Path

from .. import manifest as manifests
from .batch import DEFAULT_TIMEOUT_S, BatchError, BatchSummary, grade_submissions
from .class_report import write_class_outputs

__all__ = ["DEFAULT_TIMEOUT_S", "BatchError", "BatchSummary", "grade_batch"]


def grade_batch(assignment: str, submissions: Path, output: Path, *, report: bool = True, **options) -> BatchSummary:
    """Grade every submission in ``submissions`` into ``output`` (``batch.grade_submissions``; its
    keyword ``options``), then, if ``report``, write the gradebook and the report."""
    summary = grade_submissions(assignment, submissions, output, **options)
    if report:
        write_class_outputs(manifests.load(assignment), Path(submissions), Path(output), summary)
    return summary
