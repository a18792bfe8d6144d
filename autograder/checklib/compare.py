"""Comparisons that produce feedback a student can act on.

Every failure names the function and the output, and gives expected vs got: shapes, dtype, max
absolute and relative error at the worst entry, and the arrays themselves when they are small.
"""

from __future__ import annotations

import numpy as np

from .tolerances import VALUE_ATOL, VALUE_RTOL

SMALL = 24  # arrays with at most this many entries are printed in full


class CheckFailure(AssertionError):
    """A check's verdict: the student's answer is wrong, and why.

    ``compared``: for a failed comparison of an output, ``(function, output, got, expected)`` (expected
    None when got has the wrong shape), for a diagnosis of the failure (``diagnosis.py``).
    ``diagnosis``: what a diagnosis found, machine-readable ({"output", "blocks", "steps", "hint"});
    the runner copies it into the check's results.json entry (``extra_data``). Empty when none ran.
    """

    compared: tuple | None = None
    diagnosis: dict = {}


def show(a) -> str:
    """A compact, readable form of a value for feedback."""
    if isinstance(a, np.ndarray):
        if a.size <= SMALL:
            return np.array2string(a, precision=6, suppress_small=False, separator=", ", max_line_width=100)
        return f"array of shape {a.shape} (too large to print)"
    return repr(a)[:200]


def describe_type(value) -> str:
    if isinstance(value, np.ndarray):
        return f"{type(value).__name__} of shape {value.shape} and dtype {value.dtype}"
    return type(value).__name__


def assert_array(function: str, name: str, got, shape: tuple[int, ...], dtype=np.float64) -> np.ndarray:
    """Check that ``got`` is a plain ndarray of the given shape and dtype; return it."""
    if type(got) is not np.ndarray:
        raise CheckFailure(f"{function}: '{name}' should be a numpy array of shape {shape}, got {describe_type(got)}")
    if got.shape != tuple(shape):
        failure = CheckFailure(f"{function}: '{name}' has the wrong shape: got {got.shape}, expected {tuple(shape)}")
        failure.compared = (function, name, got, None)
        raise failure
    if dtype is not None and got.dtype != dtype:
        raise CheckFailure(f"{function}: '{name}' has dtype {got.dtype}, expected {np.dtype(dtype)}")
    return got


def assert_close(
    function: str, name: str, got, expected, *, rtol: float = VALUE_RTOL, atol: float = VALUE_ATOL,
    dtype=np.float64, what: str = "expected",
) -> None:
    """Check ``got`` against ``expected`` entrywise: ``|got - expected| <= atol + rtol * |expected|``.

    Args:
        function: the student function being checked, e.g. "rnn_step_backward".
        name: the output's name, e.g. "dWh".
        got: the student's value.
        expected: the correct value (array or Python float).
        rtol, atol: tolerances (see tolerances.py).
        dtype: required dtype of ``got`` (None to accept any numeric dtype).
        what: how to call the expected value in feedback ("expected", "numerical gradient", ...).
    """
    if isinstance(expected, float):
        if not isinstance(got, (float, int, np.floating, np.integer)) or isinstance(got, bool):
            raise CheckFailure(f"{function}: '{name}' should be a float, got {describe_type(got)}")
        got_f = float(got)
        if not np.isfinite(expected):
            raise CheckFailure(_not_finite(function, name, what, expected))
        if not np.isfinite(got_f) or abs(got_f - expected) > atol + rtol * abs(expected):
            failure = CheckFailure(f"{function}: '{name}' is wrong: got {got_f!r}, {what} {expected!r}")
            failure.compared = (function, name, np.asarray(got_f), np.asarray(expected))
            raise failure
        return
    expected = np.asarray(expected)
    got = assert_array(function, name, got, expected.shape, dtype)
    if got.dtype.kind not in "biuf":
        raise CheckFailure(f"{function}: '{name}' has non-real dtype {got.dtype}")
    g = got.astype(np.float64)
    e = expected.astype(np.float64)
    if not np.all(np.isfinite(e)):  # never pass against inf or nan (e.g. a numerical gradient that overflowed)
        bad = tuple(int(i) for i in np.argwhere(~np.isfinite(e))[0])
        raise CheckFailure(_not_finite(function, name, what, float(e[bad]), list(bad)))
    if not np.all(np.isfinite(g)):
        bad = tuple(int(i) for i in np.argwhere(~np.isfinite(g))[0])
        raise CheckFailure(f"{function}: '{name}' contains {float(g[bad])} at index {list(bad)}; {what} {float(e[bad])!r}"
                           + _arrays(g, e, what))
    err = np.abs(g - e)
    allowed = atol + rtol * np.abs(e)
    if np.all(err <= allowed):
        return
    worst = tuple(int(i) for i in np.unravel_index(np.argmax(err - allowed), err.shape)) if err.ndim else ()
    # of the wrong entries whose expected value is not 0 (against 0 it means nothing: it printed 1.7e+307)
    judged = (err > allowed) & (e != 0)
    rel = err[judged] / np.maximum(np.abs(e[judged]), np.finfo(np.float64).tiny)
    rel = f", max rel error {float(rel.max()):.3g}" if rel.size else f""
    wrong = int(np.sum(err > allowed))
    failure = CheckFailure(
        f"{function}: '{name}' is wrong in {wrong} of {err.size} entries.\n"
        f"  worst at index {list(worst)}: got {float(g[worst])!r}, {what} {float(e[worst])!r}\n"
        f"  max abs error {err.max():.3g}{rel} "
        f"(allowed: |got - {what}| <= {atol:g} + {rtol:g} * |{what}|)" + _arrays(g, e, what)
    )
    failure.compared = (function, name, g, e)
    raise failure


def _not_finite(function: str, name: str, what: str, value: float, index: list | None = None) -> str:
    """The verdict when the value to compare with is not finite: nothing can pass against it."""
    where = f" at index {index}" if index is not None else ""
    cause = (" Your forward pass returns huge or non-finite values on this input, so its numerical gradient "
             "overflows." if what != "expected" else "")
    return (f"{function}: '{name}' cannot be checked: the {what} value is {value!r}{where}.{cause} "
            "A check never passes against a non-finite value.")


def _arrays(got: np.ndarray, expected: np.ndarray, what: str) -> str:
    if got.size > SMALL:
        return ""
    return f"\n  got:\n{_indent(show(got))}\n  {what}:\n{_indent(show(expected))}"


def _indent(text: str, by: str = "    ") -> str:
    return "\n".join(by + line for line in text.splitlines())


def assert_same(function: str, name: str, before, after) -> None:
    """``after`` (an argument after the call) equals ``before``, recursively through dicts and tuples."""
    changed = CheckFailure(f"{function}: modified its argument '{name}' in place; functions must not change "
                           "their inputs (work on copies, and return new dicts)")
    if isinstance(before, np.ndarray):
        if type(after) is not np.ndarray or after.shape != before.shape or not np.array_equal(after, before,
                                                                                                equal_nan=True):
            raise changed
    elif isinstance(before, dict):
        if not isinstance(after, dict) or set(after) != set(before):
            raise CheckFailure(f"{function}: added or removed entries of its argument '{name}' (a dict); functions "
                               "must not change their inputs (build and return a new dict)")
        for key, value in before.items():
            assert_same(function, f"{name}[{key!r}]", value, after[key])
    elif isinstance(before, (tuple, list)):
        if not isinstance(after, (tuple, list)) or len(after) != len(before):
            raise changed
        for i, (b, a) in enumerate(zip(before, after)):
            assert_same(function, f"{name}[{i}]", b, a)
    elif before != after and not (isinstance(before, float) and np.isnan(before)):
        raise changed


def assert_unchanged(function: str, before: dict, after: dict) -> None:
    """Check that every argument (name -> array, or a dict/tuple of them) is unchanged after the call."""
    for name, old in before.items():
        new = after.get(name)
        if isinstance(old, (dict, tuple, list)):
            assert_same(function, name, old, new)
        elif isinstance(old, np.ndarray):
            if type(new) is not np.ndarray or new.shape != old.shape or not np.array_equal(new, old, equal_nan=True):
                raise CheckFailure(f"{function}: modified its argument '{name}' in place; "
                                   "functions must not change their inputs (work on copies)")
