"""Sealed twins of the worked examples (autograder/checklib/sealed.py)."""

from __future__ import annotations

import numpy as np
import pytest

from autograder import manifest as manifests
from autograder.checklib import sealed
from autograder.checklib.compare import CheckFailure
from autograder.checklib.examples import assert_example, worked_example
from autograder.checklib.pytest_plugin import read_expected
from autograder.release.expected import expected_path


class Impl:
    """A submission of one function ``f(x, y) -> (x @ y + offset, cache)`` that records its arguments."""

    def __init__(self, offset=0.0, table=None):
        self.offset, self.table, self.seen = offset, table, []

    def call(self, name, *args, **kwargs):
        self.seen.append((name, args, kwargs))
        if name == "f":
            x, y = args
            if self.table is not None:  # a lookup table: right on the worked input only
                return (self.table if np.array_equal(x, X) else np.zeros((2, 2))), "cache"
            return x @ y + self.offset, "cache"
        if name == "g":
            out, = args
            return out * 2.0
        raise AssertionError(name)


X = np.array([[1.0, 2.0], [3.0, 4.0]])
Y = np.array([[0.5, -1.0], [2.0, 0.25]])


@worked_example("f")
def f_example(impl):
    out, _ = impl.call("f", X.copy(), Y.copy())
    return {"out": out}


@worked_example("g")
def chained_example(impl):
    out, _ = impl.call("f", X.copy(), Y.copy())
    return {"twice": impl.call("g", out)}


def test_twin_perturbs_the_arrays_an_example_builds_and_nothing_else():
    impl = Impl()
    chained_example(sealed.Twin(impl, seed=3))
    (_, (x, y), _), (_, (out,), _) = impl.seen
    assert not np.array_equal(x, X) and not np.array_equal(y, Y)
    assert np.all(np.abs(x / X - 1) <= sealed.FACTOR) and np.all(np.sign(x) == np.sign(X))
    assert np.array_equal(out, x @ y), "a result of an earlier call is passed on as returned"


def test_twin_is_the_same_for_every_implementation_and_differs_between_seeds():
    a, b, c = Impl(), Impl(offset=1.0), Impl()
    f_example(sealed.Twin(a, seed=5))
    f_example(sealed.Twin(b, seed=5))
    f_example(sealed.Twin(c, seed=6))
    assert all(np.array_equal(p, q) for p, q in zip(a.seen[0][1], b.seen[0][1]))
    assert not np.array_equal(a.seen[0][1][0], c.seen[0][1][0])


def test_integer_arrays_are_shifted_and_keep_their_dtype():
    impl = Impl()
    twin = sealed.Twin(impl, seed=1)
    series = np.arange(20, dtype=np.int64)
    twin._perturbed(series)
    shifted = twin._perturbed(series)
    assert shifted.dtype == np.int64 and not np.array_equal(shifted, series)
    assert np.abs(shifted - series).max() <= sealed.SHIFT


def test_fingerwantignores_roundoff_and_sees_real_errors():
    outputs = {"out": np.array([[1.234567, -0.5], [3.0, 1e-9]]), "s": 2.5}
    steps = sealed.steps_of(outputs)
    assert steps == {"out": 1e-3, "s": 1e-3}
    want = sealed.fingerprint("f", outputs, steps)
    noisy = {"out": outputs["out"] * (1 + 1e-9), "s": 2.5 + 1e-12}
    assert sealed.fingerprint("f", noisy, steps) == want
    wrong = {"out": outputs["out"] + np.array([[0, 0], [0.01, 0]]), "s": 2.5}
    assert sealed.fingerprint("f", wrong, steps) != want
    assert sealed.fingerprint("f", {"out": outputs["out"].T, "s": 2.5}, steps) != want  # shape and layout
    assert sealed.fingerprint("f", {"out": outputs["out"]}, steps).startswith("missing")
    assert sealed.fingerprint("f", {"out": outputs["out"] * np.inf, "s": 2.5}, steps) == "not finite"


def test_seal_keeps_the_reference_off_rounding_boundaries():
    found = sealed.seal(f_example, Impl())
    outputs = f_example(sealed.Twin(Impl(), found["seed"]))
    assert sealed.well_inside(outputs, found["steps"])
    for seed in range(1, found["seed"]):
        assert not sealed.well_inside(f_example(sealed.Twin(Impl(), seed)), found["steps"])


def test_seal_refuses_an_example_whose_twin_gives_the_same_answer():
    @worked_example("f")
    def constant(impl):
        return {"n": 3.0}

    with pytest.raises(sealed.SealError, match="own outputs"):
        sealed.seal(constant, Impl())


def test_a_lookup_table_passes_the_worked_example_and_fails_its_twin():
    reference = Impl()
    expected = {"f_example": f_example(reference), sealed.SEALS: {"f_example": sealed.seal(f_example, reference)}}
    assert_example(Impl(offset=1e-12), expected, f_example)  # an honest answer (roundoff apart) passes
    lookup = Impl(table=X @ Y)
    assert np.array_equal(f_example(lookup)["out"], expected["f_example"]["out"])
    with pytest.raises(CheckFailure, match="sealed twin"):
        assert_example(lookup, expected, f_example)


@pytest.mark.parametrize("name", manifests.available())
def test_every_worked_example_ships_a_seal(name):
    manifest = manifests.load(name)
    table = read_expected(expected_path(manifest))
    examples = {key for key in table if key != sealed.SEALS}
    assert examples and examples == set(table[sealed.SEALS])
    for entry in table[sealed.SEALS].values():
        assert entry["seed"] >= 1 and len(entry["fingerprint"]) == 64 and entry["steps"]
