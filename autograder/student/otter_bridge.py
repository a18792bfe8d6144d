"""What otter's check cells call: one function's public checks, run by pytest in a fresh process.

The student's ``tests/<function>.py`` (otter's OK format) holds one doctest::

    >>> from autograder.student.otter_bridge import public_checks
    >>> public_checks("rnn_step_backward")
    rnn_step_backward: all public checks passed

``public_checks`` runs ``python -m pytest --function rnn_step_backward`` in the assignment folder,
so otter's verdict is the verdict of the same public checks the grader runs, on the files as saved
on disk (not on whatever the notebook's kernel imported earlier), and a hanging function cannot
hang the notebook: it is stopped after ``timeout_s``.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from pathlib import Path

TIMEOUT_S = 300.0


def assignment_folder(start: Path | None = None) -> Path:
    """The folder holding ``manifest.toml``: ``start`` (default: the working directory) or the
    folder this ``autograder`` package was unzipped into."""
    for folder in (Path(start or Path.cwd()).resolve(), Path(__file__).resolve().parents[2]):
        if (folder / "manifest.toml").is_file():
            return folder
    raise FileNotFoundError("no manifest.toml here: open the notebook (or run otter) from your assignment folder")


def run_public_checks(function: str, folder: Path | None = None, timeout_s: float = TIMEOUT_S) -> dict:
    """Run ``function``'s public checks; returns the results (Gradescope's JSON format, ``tests``
    listing one entry per check) or ``{"error": text}`` when the checks could not run."""
    folder = assignment_folder(folder)
    with tempfile.TemporaryDirectory(prefix="otter-check-") as tmp:
        out = Path(tmp) / "results.json"
        cmd = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "--no-header",
               "--function", function, "--results", str(out)]
        try:
            proc = subprocess.run(cmd, cwd=folder, capture_output=True, text=True, timeout=timeout_s)
        except subprocess.TimeoutExpired:
            return {"error": f"the checks of {function} did not finish within {timeout_s:g} s "
                             "(an infinite loop in your code?)"}
        if not out.is_file():
            return {"error": f"the checks of {function} could not run:\n{(proc.stdout + proc.stderr)[-4000:]}"}
        return json.loads(out.read_text(encoding="utf-8"))


def summary(function: str, results: dict) -> str:
    """One line when every check passed; otherwise each failed check with its feedback."""
    if "error" in results:
        return results["error"]
    tests = results.get("tests", [])
    failed = [t for t in tests if t["score"] < t["max_score"]]
    if tests and not failed:
        return f"{function}: all public checks passed"
    if not tests:
        return f"{function}: no public checks were found for this function"
    lines = [f"{function}: {len(failed)} of {len(tests)} public checks failed"]
    for t in failed:
        lines += ["", f"--- {t['name']}", t["output"]]
    return "\n".join(lines)


def public_checks(function: str, folder: Path | None = None) -> None:
    """Print the verdict of ``function``'s public checks (what otter's doctest compares)."""
    print(summary(function, run_public_checks(function, folder)))
