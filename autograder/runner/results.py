"""Gradescope's results.json: every expected check listed, failure as the default, written once."""

from __future__ import annotations

import contextlib
import json
import os
import tempfile
from dataclasses import asdict, dataclass, field
from pathlib import Path

GRADER_ENTRY = "autograder: grading finished"  # the one entry of a grader-failure result


def write_atomic(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` through a temporary file renamed into place (a reader never sees
    half a file)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}-", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(text)
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)  # no half-written copy left next to ``path``
        raise


@dataclass
class CheckResult:
    """One entry of results.json's ``tests``."""

    name: str
    max_score: float
    visibility: str
    score: float = 0.0
    output: str = "not run: grading stopped before this check"
    status: str = "failed"
    kind: str = "not run"  # failure kind for reports ("wrong value", "timeout", ...); "" when passed
    #: the entry's ``extra_data`` (when not empty): what the diagnosis of a failure found ({"output",
    #: "blocks", "steps", "hint"}: checklib/diagnosis.py) and, for a failure of a cause shown in full
    #: elsewhere, "same_cause_as" (runner/grouping.py)
    extra: dict = field(default_factory=dict)

    def passed(self) -> None:
        self.score, self.status, self.output, self.kind = self.max_score, "passed", "passed", ""
        self.extra = {}

    def failed(self, output: str, kind: str, diagnosis: dict | None = None) -> None:
        self.score, self.status, self.output, self.kind = 0.0, "failed", output, kind
        self.extra = dict(diagnosis or {})


@dataclass
class Results:
    """A grading run's results."""

    assignment: str
    tests: list[CheckResult] = field(default_factory=list)
    output: str = ""
    extra: dict = field(default_factory=dict)

    @property
    def score(self) -> float:
        return round(sum(t.score for t in self.tests), 4)

    @property
    def max_score(self) -> float:
        return round(sum(t.max_score for t in self.tests), 4)

    def visible_summary(self, title: str) -> str:
        """The first line of the top-level ``output``, which students see at once: the points of the
        visible checks only, and how many points the other checks are worth (a constant), never
        how the other checks went, so nothing visible depends on a hidden check's outcome.
        (Gradescope itself hides the top-level score while any test is not yet visible.)"""
        shown = [t for t in self.tests if t.visibility == "visible"]
        later = round(sum(t.max_score for t in self.tests if t.visibility != "visible"), 4)
        line = (f"{title}: {round(sum(t.score for t in shown), 4):g} / {round(sum(t.max_score for t in shown), 4):g} "
                "points from the checks shown now.")
        if later:
            line += (f" Another {later:g} points come from checks that are shown when your instructor "
                     "publishes the grades.")
        return line

    def to_json(self) -> dict:
        tests = []
        for t in self.tests:
            entry = asdict(t)
            entry.pop("kind")
            extra = entry.pop("extra")
            if extra:
                entry["extra_data"] = extra
            entry["score"] = round(entry["score"], 4)
            tests.append(entry)
        return {
            "score": self.score,
            "output": self.output,
            "visibility": "visible",
            "stdout_visibility": "hidden",
            "tests": tests,
            "extra_data": {"assignment": self.assignment, "max_score": self.max_score,
                           "failure_kinds": {t.name: t.kind for t in self.tests if t.kind}, **self.extra},
        }

    def write(self, path: Path) -> None:
        """Write atomically (a temporary file renamed into place), so a reader never sees half a file."""
        write_atomic(Path(path), json.dumps(self.to_json(), indent=2) + "\n")


def grader_failure(assignment: str, message: str, staff_detail: str) -> Results:
    """The results of a run where the grader itself failed: a visible entry for the student,
    the details for staff only."""
    results = Results(assignment, output="The autograder failed; your instructor has been given the details.")
    results.tests.append(CheckResult(GRADER_ENTRY, 0.0, "visible", output=message, kind="grader error"))
    results.extra["grader_error"] = staff_detail[-20000:]
    return results
