"""What a graded class produces for people: the gradebook (CSV for a spreadsheet or an LMS import)
and each student's feedback file (markdown, from their results.json)."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from ..runner.results import GRADER_ENTRY, write_atomic


def _fmt(x: float) -> str:
    return f"{float(x):g}"


def check_names(classes: dict[str, dict]) -> list[str]:
    """Every check name in the class, in the order the grader ran them (first seen first)."""
    names: dict[str, None] = {}
    for results in classes.values():
        for t in results.get("tests", []):
            if t.get("name") != GRADER_ENTRY:
                names.setdefault(t["name"], None)
    return list(names)


def gradebook_csv(classes: dict[str, dict]) -> str:
    """The gradebook: columns ``student``, ``total``, then one per check; one row per student.

    A check a student's results do not have (the grader failed for them) is left empty.
    """
    names = check_names(classes)
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(["student", "total", *names])
    for student in sorted(classes):
        results = classes[student]
        scores = {t["name"]: t.get("score", 0.0) for t in results.get("tests", [])}
        writer.writerow([student, _fmt(results.get("score", 0.0)),
                         *(_fmt(scores[n]) if n in scores else "" for n in names)])
    return buf.getvalue()


def _fence(text: str) -> str:
    """A markdown code block that the text itself cannot close."""
    longest = max((len(run) for run in text.split("\n") if set(run) == {"`"}), default=0)
    ticks = "`" * max(3, longest + 1)
    return f"{ticks}text\n{text.rstrip()}\n{ticks}"


def feedback_markdown(student: str, results: dict, title: str | None = None) -> str:
    """A student's feedback: the score, each check with pass/fail and points, then what failed and why."""
    extra = results.get("extra_data", {})
    title = title or extra.get("assignment", "assignment")
    tests = results.get("tests", [])
    lines = [f"# Feedback: {title}", "", f"Student: `{student}`", "",
             f"**Score: {_fmt(results.get('score', 0))} / {_fmt(extra.get('max_score', 0))}**", ""]
    if results.get("output"):
        lines += [_fence(results["output"]), ""]
    lines += ["| result | check | points |", "|---|---|---|"]
    for t in tests:
        mark = "pass" if t.get("status") == "passed" else "**FAIL**"
        name = t["name"].replace("|", "\\|")
        lines.append(f"| {mark} | {name} | {_fmt(t.get('score', 0))} / {_fmt(t.get('max_score', 0))} |")
    failed = [t for t in tests if t.get("status") != "passed"]
    if failed:
        lines += ["", "## What to fix", ""]
        for t in failed:
            lines += [f"### {t['name']}", "", _fence(t.get("output", "")), ""]
    else:
        lines += ["", "Every check passed."]
    return "\n".join(lines).rstrip() + "\n"


def write_gradebook(path: Path, classes: dict[str, dict]) -> Path:
    """Write the gradebook CSV (atomically) and return its path."""
    write_atomic(path, gradebook_csv(classes))
    return path
