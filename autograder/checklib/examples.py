"""Worked examples: fixed inputs whose expected outputs ship with the public checks.

An example is a function ``example(impl) -> {output name: value}`` that calls functions on
``impl`` (a submission or the reference). The kit runs every example on the reference and stores
the outputs in ``expected.npz`` next to the checks, so a student's public checks compare against
real values without the reference code. Each example also has a sealed twin (``sealed.py``): the
same example on perturbed inputs, of whose answer only a fingerprint ships.
"""

from __future__ import annotations

import weakref
from types import ModuleType
from typing import Callable

from .compare import CheckFailure, assert_close
from .sealed import SEALS, assert_sealed

Example = Callable[[object], dict]


def worked_example(function: str):
    """Mark ``example`` as a worked example of the student function ``function``."""

    def mark(example: Example) -> Example:
        example.function = function
        return example

    return mark


def examples_of(module: ModuleType, function: str | None = None) -> list[Example]:
    """The worked examples defined in ``module`` (of one ``function`` if given), in file order."""
    found = [v for v in vars(module).values() if callable(v) and hasattr(v, "function")]
    return [e for e in found if function is None or e.function == function]


def assert_example(student, expected: dict, example: Example) -> None:
    """The student's outputs on ``example`` equal the stored expected outputs, and their outputs on
    its sealed twin match the twin's fingerprint (``sealed.py``: the credit needs a computed answer)."""
    want = expected.get(example.__name__)
    sealed = expected.get(SEALS, {}).get(example.__name__)
    if want is None or sealed is None:
        raise KeyError(f"no expected values for worked example {example.__name__!r}: rebuild expected.npz")
    got = example(student)
    for name, value in want.items():
        assert_close(example.function, name, got.get(name), value, what="expected")
    assert_sealed(student, sealed, example)


#: submission -> {ids of a gate's objects: the objects (kept alive, so their ids stay theirs)} of the gates
#: it passed (``passed_before``/``note_passed``): gates many checks open with (the worked examples a
#: property check waits for, the recurrent gradient checks' gate) are judged once per submission once
#: passed; a failing gate is judged again each time, so its text is what it always was.
_PASSED: "weakref.WeakKeyDictionary[object, dict]" = weakref.WeakKeyDictionary()


def kept_for(table: "weakref.WeakKeyDictionary[object, dict]", student) -> dict:
    """What ``table`` keeps for ``student`` in this process (for a submission that cannot be weakly
    referenced, a fresh dict each time: nothing is kept, everything is judged again)."""
    try:
        return table.setdefault(student, {})
    except TypeError:
        return {}


def passed_before(student, *gate) -> bool:
    """Whether ``student`` passed the gate identified by the objects ``gate`` in this process."""
    return tuple(map(id, gate)) in kept_for(_PASSED, student)


def note_passed(student, *gate) -> None:
    """Remember that ``student`` passed the gate identified by the objects ``gate``."""
    kept_for(_PASSED, student)[tuple(map(id, gate))] = gate


def require_examples(student, expected: dict, examples: list[Example]) -> None:
    """Gate of property checks: credit only when the function's worked examples are right (SPEC 8:
    shapes, dtypes and unchanged inputs earn nothing for values that are wrong)."""
    for example in examples:
        if passed_before(student, expected, example):
            continue
        try:
            assert_example(student, expected, example)
        except CheckFailure as exc:
            raise CheckFailure(f"{example.function}: this property earns credit only once the worked example "
                               f"{example.__name__} is right; fix that first (its own check shows what is "
                               "wrong)") from exc
        note_passed(student, expected, example)
