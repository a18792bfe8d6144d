"""Points and names are declared next to each check: ``@check("rnn_step_forward", points=2)``.

A check is a pytest test. Its result is named ``"<function>: <title>"``, the title being the first
line of the test's docstring, formatted with the test's parameters (``{output}`` -> ``dWh``).
Checks in an assignment's ``hidden/`` folder must say ``hidden=True``; those in ``public/`` must not.
"""

from __future__ import annotations

from dataclasses import dataclass

ATTRIBUTE = "__autograder_check__"


@dataclass(frozen=True)
class CheckInfo:
    """A check's declaration: the function it checks, its points, and whether students have it."""

    function: str
    points: float
    hidden: bool = False

    def name(self, test, params: dict | None = None) -> str:
        doc = (test.__doc__ or test.__name__).strip().splitlines()[0].strip().rstrip(".")
        return f"{self.function_for(params)}: {_format(doc, params)}"

    def function_for(self, params: dict | None = None) -> str:
        """The checked function's name (``function`` may be a template like "{function}")."""
        return _format(self.function, params)


def _format(text: str, params: dict | None) -> str:
    try:
        return text.format(**(params or {}))
    except (KeyError, IndexError, ValueError):
        return text


def check(function: str, *, points: float, hidden: bool = False):
    """Declare a pytest test as a graded check of ``function`` worth ``points`` (per parameter set).

    ``function`` may name a test parameter, e.g. ``"{function}"`` for a test parametrized over functions.
    """
    if not isinstance(function, str) or not function:
        raise ValueError(f"check: function must be a non-empty string, got {function!r}")
    if not points > 0:
        raise ValueError(f"check: points must be positive, got {points!r}")

    def mark(test):
        setattr(test, ATTRIBUTE, CheckInfo(function, float(points), hidden))
        return test

    return mark


def info_of(test) -> CheckInfo | None:
    """The declaration on a test function (looking through Hypothesis' wrapper), or None."""
    for candidate in (test, getattr(test, "hypothesis", None) and getattr(test.hypothesis, "inner_test", None)):
        if candidate is not None and hasattr(candidate, ATTRIBUTE):
            return getattr(candidate, ATTRIBUTE)
    return None
