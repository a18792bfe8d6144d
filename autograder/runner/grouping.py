"""Root cause first: one full message per bug, the checks it also fails listed under it in one line.

A bug fails many checks of its function (a wrong tanh' fails the worked examples, the gradient
checks of every output and regime, the hidden comparisons). Per function, the first failed check of
each kind of failure (wrong value, exception, not implemented, timeout, ...) and diagnosis hint
(``checklib/diagnosis.py``: a failure hinted at another misconception is another cause) keeps its
full feedback, the *leader*; every later failure of that function, kind and hint becomes one line,
its own first line (which output, how many entries), its hint if it has one, and where the full
message is; its diagnosis stays in its ``extra_data``. A check withheld by its gate is
one line already (``require_examples``). Scores are untouched: only ``output`` texts change.

A visible check is never grouped under a hidden one (what students see before grades are published
must not depend on hidden checks); a hidden check may point to a visible one.
"""

from __future__ import annotations

from .results import CheckResult, Results

#: Failure kinds that are not the student's (grader problems, checks not run): never grouped.
NOT_GROUPED = ("", "not run", "grader error")
#: Feedback of a check that earns credit only once something else is right (checklib's gates:
#: ``require_examples`` and the gradient checks' "forward depends on every input"): one line already,
#: never a leader.
WITHHELD_MARKERS = ("earns credit only once", "earns no credit")
#: How a one-line entry points to its leader.
POINTER = "same cause as '{leader}', shown there in full"


def function_of(check: str) -> str:
    """The function a check belongs to: its name up to the first ``:``."""
    return check.split(":", 1)[0].strip()


def is_withheld_text(output: str) -> bool:
    """Whether a failed check's feedback says it was withheld by its gate rather than wrong itself."""
    return any(marker in output for marker in WITHHELD_MARKERS)


def first_line(text: str) -> str:
    """The first non-blank line of a feedback text."""
    return next((line for line in text.splitlines() if line.strip()), "").rstrip()


def group_failures(results: Results) -> None:
    """Make every failure that follows its function's leader of the same kind and hint one line, in place;
    each such entry records its leader in ``extra["same_cause_as"]``."""
    leaders: dict[tuple, CheckResult] = {}
    for test in results.tests:
        if test.status == "passed" or test.kind in NOT_GROUPED or is_withheld_text(test.output):
            continue
        hidden = test.visibility != "visible"
        key = (function_of(test.name), test.kind, test.extra.get("hint"))  # a hint names a cause of its own
        leader = leaders.get(key + (False,)) or (leaders.get(key + (True,)) if hidden else None)
        if leader is None:
            leaders[key + (hidden,)] = test
            continue
        hints = [line for line in test.output.splitlines() if line.strip().startswith("Hint: ")]
        test.output = "\n".join([first_line(test.output), *hints, f"({POINTER.format(leader=leader.name)})"])
        test.extra["same_cause_as"] = leader.name
