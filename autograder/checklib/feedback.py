"""Turn a failed check into feedback a student can act on.

Layered like PrairieLearn's: what went wrong (not implemented / your code raised / timed out /
wrong value), the output and expected vs got (from compare.py), and for public checks the minimal
failing input Hypothesis shrank to, as Python the student can paste next to their files to rerun the
failing calls (``pastable.py``). Hidden checks never show their inputs.
"""

from __future__ import annotations

import ast

from .compare import CheckFailure
from .errors import StudentCodeError

MAX_FEEDBACK = 6000


def failure_kind(exc: BaseException) -> str:
    """A short label for grouping failures in reports: 'wrong value', 'timeout', 'exception', ..."""
    if isinstance(exc, StudentCodeError):
        return exc.kind
    if isinstance(exc, CheckFailure):
        return "wrong value"
    if isinstance(exc, AssertionError):
        return "wrong value"
    return "exception"


def _pastes(text: str) -> bool:
    """Whether ``text`` is a snippet to paste (``pastable.snippet``: Python that starts with its imports)."""
    try:
        body = ast.parse(text).body
    except (SyntaxError, ValueError):
        return False
    return bool(body) and isinstance(body[0], (ast.Import, ast.ImportFrom))


def _minimal_example(exc: BaseException) -> str:
    notes = [n for n in getattr(exc, "__notes__", []) if isinstance(n, str)]
    example = [n for n in notes if n.startswith(("Falsifying", "Failing"))]
    if not example:
        return ""
    head, text = example[0].split(":", 1)
    text = text.strip()
    if text.startswith("run(") and text.endswith(")"):  # for_all's wrapper: show just the case
        text = text[len("run("):-1].strip().rstrip(",").removeprefix("case=")
    label = "Failing input (fixed case)" if "explicit" in head else "Minimal failing input (shrunk by Hypothesis)"
    if _pastes(text):
        label += f"; paste it into Python in your assignment folder to reproduce it"
    return f"{label}:\n{text}"


def describe(exc: BaseException, hidden: bool) -> str:
    """The feedback text for a check that failed with ``exc``: what went wrong (at most MAX_FEEDBACK
    characters) and, for a public check, the failing input in full (a case prints as Python to paste,
    every array whole: cutting it would leave code that does not run)."""
    if isinstance(exc, (CheckFailure, StudentCodeError)):
        text = str(exc.args[0]) if exc.args else str(exc)
    elif isinstance(exc, AssertionError):
        text = f"wrong answer: {exc}"
    else:
        text = f"the check could not use your answer: {type(exc).__name__}: {exc}"
    if len(text) > MAX_FEEDBACK:
        text = text[:MAX_FEEDBACK] + "\n... (feedback truncated)"
    if hidden:
        text += "\n(hidden check: its inputs are not shown; the public checks and the handout cover the same cases)"
    else:
        example = _minimal_example(exc)
        if example:
            text += "\n" + example
    return text
