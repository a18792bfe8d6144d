"""Where a wrong output is wrong, and what else it matches: the diagnosis of a failed comparison.

A value check says *that* an output is wrong (``compare.assert_close``); a diagnosis says *where*, in
the terms of the layer: which gate blocks of a gate-structured output (the H-wide blocks of the last
axis of dWx, dWh, db) and which time steps of a sequence output (h, dx) hold the wrong entries, with
what that pattern usually means. It compares the student's array with the expected one and nothing
else, so it needs no reference and may run in public checks too.

``hint_lines`` words a match with a known misconception (found by the grader, which alone holds the
variants of the reference it compares with) as a hint, never as a verdict.

``explain(failure, layout, hints)`` adds both to a ``CheckFailure``: lines appended to its message
(the first line stays as it is) and ``failure.diagnosis`` (machine-readable, for results.json).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .tolerances import VALUE_ATOL, VALUE_RTOL


@dataclass(frozen=True)
class Layout:
    """How an output's axes read.

    Attributes:
        blocks: names of the equal-width blocks of the last axis, in order (the gates of dWx, dWh, db:
            ``("i", "f", "g", "o")`` for an LSTM), or () when the last axis has no blocks.
        time_axis: the axis of time steps (1 for h (N, T, H) and dx (N, T, D)), or None.
        backward: the output of a backward pass (its time steps are computed last to first).
    """

    blocks: tuple[str, ...] = ()
    time_axis: int | None = None
    backward: bool = False


def wrong_entries(got: np.ndarray, expected: np.ndarray, rtol: float = VALUE_RTOL,
                  atol: float = VALUE_ATOL) -> np.ndarray:
    """Boolean mask of the entries where ``got`` fails ``|got - expected| <= atol + rtol * |expected|``
    (non-finite entries of got are wrong)."""
    with np.errstate(invalid="ignore", over="ignore"):
        return ~(np.abs(got - expected) <= atol + rtol * np.abs(expected))


def matches(got, value, rtol: float = VALUE_RTOL, atol: float = VALUE_ATOL) -> bool:
    """``got`` equals ``value`` within the value tolerance (same shape, every entry finite and close)."""
    if type(got) is not np.ndarray or not isinstance(value, np.ndarray) or got.shape != value.shape:
        return False
    if got.dtype.kind not in "biuf" or not np.all(np.isfinite(value)):
        return False
    return not np.any(wrong_entries(got.astype(np.float64), value.astype(np.float64), rtol, atol))


def distinct_match(got, value, expected) -> bool:
    """``got`` matches ``value`` (a variant's output) and tells it from ``expected``: got is at least
    1 / sqrt(VALUE_RTOL) (~3000) times closer to value than value is to expected, so a match that only
    the absolute tolerance makes (tiny values on a saturated input) is no match."""
    if not matches(got, value):
        return False
    if not isinstance(expected, np.ndarray) or expected.shape != value.shape:
        return True  # got has expected's wrong shape, and so has value: the shape alone tells them apart
    gap = np.max(np.abs(value - expected), initial=0.0)
    return bool(np.max(np.abs(got - value), initial=0.0) <= np.sqrt(VALUE_RTOL) * gap)


def same_as(got, inputs: dict) -> str | None:
    """What a wrong ``got`` trivially is: "zeros" when every entry is 0, else the name of an input
    (name -> array) it equals; None when neither. Such an output matches many variants by coincidence,
    so it gets this note instead of a hint."""
    if type(got) is not np.ndarray or got.dtype.kind not in "biuf":
        return None
    if got.size and not np.any(got):
        return "zeros"
    return next((name for name, value in inputs.items() if matches(got, value)), None)


def _columns(k: int) -> str:
    return f"{k}H:{k + 1}H".replace("0H:", "0:").replace(":1H", ":H").replace("1H:", "H:")


def _names(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def wrong_blocks(wrong: np.ndarray, blocks: tuple[str, ...]) -> list[int]:
    """Indices of the blocks of the last axis that hold a wrong entry."""
    width = wrong.shape[-1] // len(blocks)
    return [k for k in range(len(blocks)) if np.any(wrong[..., k * width:(k + 1) * width])]


def locate(wrong: np.ndarray, layout: Layout, expected: np.ndarray | None = None) -> tuple[dict, list[str]]:
    """Where the wrong entries (mask ``wrong``) are, by ``layout``: ({"blocks": [names], "steps": [t]},
    lines of feedback). Blocks and steps are given only when they tell something (some right, some wrong);
    a right block whose ``expected`` entries are all zero is not called right (it tells nothing)."""
    data: dict = {}
    lines: list[str] = []
    if layout.blocks and wrong.ndim and wrong.shape[-1] % len(layout.blocks) == 0 and np.any(wrong):
        bad = wrong_blocks(wrong, layout.blocks)
        good = [k for k in range(len(layout.blocks)) if k not in bad]
        data["blocks"] = [layout.blocks[k] for k in bad]
        if expected is not None and expected.shape == wrong.shape:
            zero = wrong_blocks(expected != 0, layout.blocks)  # blocks with a nonzero expected entry
            good = [k for k in good if k in zero]
        if len(bad) == len(layout.blocks):
            lines.append(f"Where: every gate block ({', '.join(layout.blocks)}) holds wrong entries.")
        else:
            right = (f"{_names([layout.blocks[k] for k in good])} {'are' if len(good) > 1 else 'is'} right" if good
                     else "the others are zero here")
            lines.append(
                f"Where: the wrong entries are all in the {_names([layout.blocks[k] for k in bad])} "
                f"block{'s' if len(bad) > 1 else ''} (columns {_names([_columns(k) for k in bad])}, in the gate "
                f"order {', '.join(layout.blocks)}); {right}.")
    if layout.time_axis is not None and wrong.ndim > layout.time_axis and wrong.shape[layout.time_axis] > 1:
        T = wrong.shape[layout.time_axis]
        axes = tuple(a for a in range(wrong.ndim) if a != layout.time_axis)
        steps = [int(t) for t in np.flatnonzero(np.any(wrong, axis=axes))]
        if steps:
            data["steps"] = steps
            lines.append("Where: " + _steps_text(steps, T, layout.backward))
    return data, lines


def _span(first: int, last: int) -> str:
    """'step 3' or 'steps 0 to 2'."""
    return f"step {first}" if first == last else f"steps {first} to {last}"


def _steps_text(steps: list[int], T: int, backward: bool) -> str:
    last = T - 1
    if len(steps) == T:
        if backward:
            return (f"wrong at every time step (0 to {last}), the last one included: the gradient of a single "
                    "step is off already, not only what is carried back between steps.")
        return f"wrong from step 0 on (every time step, 0 to {last}): the first step is already off."
    if backward and steps == list(range(steps[-1] + 1)):
        if steps[-1] == last - 1:
            return (f"only the last step (t = {last}) is right, {_span(0, last - 1)} wrong: the last step gets "
                    "nothing from later steps, so what is carried back between steps is missing or off.")
        return (f"right at {_span(steps[-1] + 1, last)}, wrong at {_span(0, steps[-1])}: what is carried back "
                "between steps is off.")
    if not backward and steps == list(range(steps[0], T)):
        return (f"right at {_span(0, steps[0] - 1)}, wrong from step {steps[0]} on: the recurrence (the state "
                "passed from one step to the next, starting from h0) is off.")
    return f"wrong at time steps {steps} of 0 to {last}, right at the others."


def hint_lines(output: str, says: list[str]) -> list[str]:
    """The feedback of a match with known misconceptions: what the reference gives when ``says[0]``
    (or any of the others)."""
    if not says:
        return []
    return [f"Hint: your {output} matches what the reference gives when {' (or when '.join(says)}"
            f"{')' * (len(says) - 1)}. This is a hint, not a verdict: look at that part of your code first."]


def explain(failure, layout: Layout | None, hints: list[tuple[str, str]] = (), same: str | None = None) -> None:
    """Add to ``failure`` (a ``CheckFailure`` with ``compared``) where its output is wrong (``layout``),
    what it trivially is (``same``: from ``same_as``) and the misconceptions it matches (``hints``: (id,
    what the reference did), best first): lines appended to its message and ``failure.diagnosis``."""
    compared = getattr(failure, "compared", None)
    if compared is None:
        return
    _, output, got, expected = compared
    data: dict = {}
    lines: list[str] = []
    if layout is not None and expected is not None and getattr(got, "shape", None) == expected.shape:
        data, lines = locate(wrong_entries(got, expected), layout, expected)
    if same:
        data["same_as"] = same
        zeros = f"Note: your {output} is all zeros." if got.size > 1 else f"Note: your {output} is 0."
        lines.append(zeros if same == "zeros" else f"Note: your {output} equals {same} (an input passed back unchanged).")
    if hints:
        data["hint"] = hints[0][0]
        if len(hints) > 1:
            data["hints"] = [h for h, _ in hints]
        lines += hint_lines(output, [says for _, says in hints])
    if not data and not lines:
        return
    failure.diagnosis = {"output": output, **data}
    if lines and failure.args:
        failure.args = (str(failure.args[0]) + "\n" + "\n".join("  " + line for line in lines),) + failure.args[1:]
