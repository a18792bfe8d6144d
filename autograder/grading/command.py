"""The one way the kit starts a grading process: SPEC section 8's command line."""

from __future__ import annotations

import sys
from pathlib import Path


def grade_command(assignment: str, submission: Path, output: Path, options: dict | None = None) -> list[str]:
    """``python -m autograder grade --assignment A --submission S --output O`` (with this interpreter),
    plus the kit's test-only overrides in ``options`` (``isolation``, ``call_timeout_s``, ``max_examples``, ``budget_s``)."""
    options = options or {}
    cmd = [sys.executable, "-m", "autograder", "grade", "--assignment", assignment,
           "--submission", str(submission), "--output", str(output)]
    if options.get("isolation"):
        cmd += ["--isolation", options["isolation"]]
    if options.get("call_timeout_s") is not None:
        cmd += ["--call-timeout", str(options["call_timeout_s"])]
    if options.get("max_examples") is not None:
        cmd += ["--max-examples", str(options["max_examples"])]
    if options.get("budget_s") is not None:
        cmd += ["--budget", str(options["budget_s"])]
    return cmd
