"""Sealed twins of the worked examples: credit that needs a computed answer.

A worked example's inputs and expected outputs ship with the public checks, so a table of them
could pass it without computing anything. Each worked example therefore has a *sealed twin*: the
same example with every array argument it builds perturbed (float arrays scaled entry by entry by a
factor in [0.95, 1.05], integer arrays shifted by -2 to 2, drawn from ``seed`` and the array's
position among the example's arguments), and of the reference's outputs only a fingerprint ships:
the SHA-256 of the outputs rounded to four significant digits of each output's largest entry. A
worked example, and every property gated on it, earns credit only when the twin's fingerprint
matches as well.

The rounding cannot turn an honest answer into a wrong one: the build picks the first seed for
which every reference output sits at least ``MARGIN`` of a rounding step (2e-6 to 2e-5 of the
output's largest entry) away from a rounding boundary, and honest implementations differ from the
reference by less than ``tolerances.VALUE_RTOL`` (1e-7) of it, at least 20 times less.

Arguments that are results of earlier calls in the same example (a cache, fitted coefficients) are
passed on as returned, never perturbed, so chained examples stay consistent.
"""

from __future__ import annotations

import hashlib
import math

import numpy as np

from .compare import CheckFailure

FACTOR = 0.05  # float arrays: each entry times a factor in [1 - FACTOR, 1 + FACTOR]
SHIFT = 2  # integer arrays: each entry plus an integer in [-SHIFT, SHIFT]
DIGITS = 4  # significant digits (of each output's largest entry) kept by the fingerprint
MARGIN = 0.02  # reference outputs stay this far (in rounding steps) from a rounding boundary
MAX_SEED = 200  # seeds tried by the build before it gives up on an example

SEALS = "@seals"  # the key of read_expected's table holding example name -> its sealed twin
SEAL_KEY = "@seal."  # npz keys "<example>/@seal.seed", ".fingerprint", ".step.<output>"


def sealed_entries(example: str, sealed: dict) -> dict[str, np.ndarray]:
    """npz entries of one example's sealed twin (see ``checklib/sealed.py``)."""
    entries = {f"{example}/{SEAL_KEY}seed": np.asarray(sealed["seed"], dtype=np.int64),
               f"{example}/{SEAL_KEY}fingerprint": np.asarray(sealed["fingerprint"])}
    for output, step in sealed["steps"].items():
        entries[f"{example}/{SEAL_KEY}step.{output}"] = np.asarray(step, dtype=np.float64)
    return entries


class SealError(Exception):
    """The build could not seal a worked example (said why)."""


def _remember(value, returned: set[int], keep: list) -> None:
    """Record the ids of ``value`` and of every container and array inside it (kept alive in
    ``keep`` so that no id is reused for a new object)."""
    keep.append(value)
    returned.add(id(value))
    if isinstance(value, (tuple, list)):
        for v in value:
            _remember(v, returned, keep)
    elif isinstance(value, dict):
        for v in value.values():
            _remember(v, returned, keep)


class Twin:
    """``impl`` (a submission or the reference) seen through the twin's perturbation: ``call`` and
    ``call_many`` perturb the arguments an example built, never what an earlier call returned."""

    def __init__(self, impl, seed: int):
        self._impl, self.seed = impl, seed
        self._returned: set[int] = set()
        self._keep: list = []
        self._arrays = 0  # arrays perturbed so far

    def _perturbed(self, value):
        """``value`` with every array the example built perturbed; the n-th such array of the
        example gets the n-th draw of ``seed`` (the same for the reference and the student)."""
        if isinstance(value, np.ndarray) and id(value) not in self._returned and value.dtype.kind in "fiu":
            rng = np.random.default_rng([self.seed, self._arrays])
            self._arrays += 1
            if value.dtype.kind == "f":
                return value * (1.0 + FACTOR * rng.uniform(-1.0, 1.0, value.shape))
            return value + rng.integers(-SHIFT, SHIFT + 1, value.shape).astype(value.dtype)
        if isinstance(value, (tuple, list)) and id(value) not in self._returned:
            items = [self._perturbed(v) for v in value]
            return items if isinstance(value, list) else tuple(items)
        if isinstance(value, dict) and id(value) not in self._returned:
            return {k: self._perturbed(v) for k, v in value.items()}
        return value

    def call(self, name: str, *args, **kwargs):
        args = tuple(self._perturbed(a) for a in args)
        kwargs = {k: self._perturbed(v) for k, v in kwargs.items()}
        value = self._impl.call(name, *args, **kwargs)
        _remember(value, self._returned, self._keep)
        return value

    def __getattr__(self, name):
        return getattr(self._impl, name)


def _as_floats(function: str, output: str, value) -> np.ndarray:
    try:
        array = np.asarray(value, dtype=np.float64)
    except (TypeError, ValueError):
        raise CheckFailure(f"{function}: output {output} of the sealed check is not numeric "
                           f"(got {type(value).__name__})") from None
    return array


def steps_of(outputs: dict) -> dict[str, float]:
    """Output name -> its rounding step (the reference's): 10^(DIGITS - 1) steps in the largest entry."""
    steps = {}
    for name, value in outputs.items():
        top = float(np.max(np.abs(_as_floats("reference", name, value)), initial=0.0))
        steps[name] = 10.0 ** (math.floor(math.log10(top)) - (DIGITS - 1)) if top > 0 else 1.0
    return steps


def well_inside(outputs: dict, steps: dict[str, float]) -> bool:
    """Every output finite and at least MARGIN of a step away from a rounding boundary."""
    for name, value in outputs.items():
        scaled = _as_floats("reference", name, value) / steps[name]
        if not np.all(np.isfinite(scaled)) or np.any(np.abs(scaled - np.rint(scaled)) > 0.5 - MARGIN):
            return False
    return True


def fingerprint(function: str, outputs: dict, steps: dict[str, float]) -> str:
    """SHA-256 (hex) of the outputs' names, shapes and values rounded to their steps."""
    h = hashlib.sha256()
    for name in sorted(steps):
        if name not in outputs:
            return "missing output " + name
        array = _as_floats(function, name, outputs[name])
        with np.errstate(all="ignore"):
            scaled = array / steps[name]
        if not np.all(np.isfinite(scaled)) or np.any(np.abs(scaled) > 2.0 ** 62):
            return "not finite"
        h.update(f"{name}:{array.shape}:".encode() + np.rint(scaled).astype(np.int64).tobytes())
    return h.hexdigest()


def twin_outputs(example, impl, seed: int) -> dict:
    """``example``'s sealed twin run on ``impl``: ``example.twin(impl, seed)`` where the example
    defines one (its inputs are sizes and a seed, nothing to perturb), else the example through
    ``Twin(impl, seed)``."""
    custom = getattr(example, "twin", None)
    return custom(impl, seed) if custom is not None else example(Twin(impl, seed))


def seal(example, reference) -> dict:
    """The sealed twin of ``example`` run on the reference: {"seed", "steps", "fingerprint"}.

    Raises SealError when the twin's outputs equal the worked example's (nothing to seal) or no
    seed up to MAX_SEED keeps them away from rounding boundaries.
    """
    plain = example(reference)
    for seed in range(1, MAX_SEED + 1):
        outputs = twin_outputs(example, reference, seed)
        if seed == 1 and outputs.keys() == plain.keys() and all(
                np.array_equal(np.asarray(outputs[k]), np.asarray(v)) for k, v in plain.items()):
            raise SealError(f"{example.__name__}: the perturbed inputs give the worked example's own outputs")
        steps = steps_of(outputs)
        if well_inside(outputs, steps):
            return {"seed": seed, "steps": steps, "fingerprint": fingerprint(example.function, outputs, steps)}
    raise SealError(f"{example.__name__}: no seed up to {MAX_SEED} keeps the outputs off rounding boundaries")


def assert_sealed(student, sealed: dict, example) -> None:
    """The student's outputs on the sealed twin of ``example`` match its fingerprint."""
    outputs = twin_outputs(example, student, sealed["seed"])
    if fingerprint(example.function, outputs, sealed["steps"]) == sealed["fingerprint"]:
        return
    raise CheckFailure(
        f"{example.function}: right on worked example {example.__name__}, but not on its sealed twin: the "
        f"same example with every array argument perturbed (floats scaled by up to {FACTOR:.0%} per entry, "
        f"integers shifted by up to {SHIFT}; seed {sealed['seed']}). Only a fingerprint of the twin's answer "
        "ships, so these points need an answer your code computes: a result that is right only for the "
        "worked example's numbers (a hard-coded value, a special case) fails here. To reproduce: "
        "autograder.checklib.sealed.Twin(impl, seed) perturbs the inputs exactly as the check does.")
