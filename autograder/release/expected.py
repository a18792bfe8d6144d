"""Build each assignment's ``public/expected.npz``: the reference's outputs on the worked examples,
and the seed, rounding steps and fingerprint of each example's sealed twin (``checklib/sealed.py``)."""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np

from .. import manifest as manifests
from ..checklib.examples import examples_of
from ..checklib.pytest_plugin import SCALAR
from ..checklib.sealed import SealError, seal, sealed_entries
from ..grading.grade import reference_submission
from ..loader import load_module


def expected_values(manifest: manifests.Manifest) -> dict[str, np.ndarray]:
    """npz key ("example/output", or "example/@seal..." for its sealed twin) -> value, for every
    worked example of the manifest's declared ``examples`` modules."""
    reference = reference_submission(manifest)
    for folder in reversed(manifest.check_dirs):  # examples import the modules next to them by name (as run_checks)
        if str(folder) not in sys.path:
            sys.path.insert(0, str(folder))
    table: dict[str, np.ndarray] = {}
    for path in manifest.examples:
        module = load_module(path, f"_examples_{manifest.name}_{path.stem}")
        for example in examples_of(module):
            for output, value in example(reference).items():
                if isinstance(value, float):
                    table[f"{example.__name__}/{output}{SCALAR}"] = np.asarray(value, dtype=np.float64)
                else:
                    table[f"{example.__name__}/{output}"] = np.asarray(value)
            try:
                sealed = seal(example, reference)
            except SealError as exc:
                raise SealError(f"{manifest.name}: {exc}") from None
            table.update(sealed_entries(example.__name__, sealed))
    return table




def expected_path(manifest: manifests.Manifest) -> Path:
    """Where the public checks find the expected values: ``expected.npz`` next to the first examples module."""
    return manifest.examples[0].parent / "expected.npz"


def write_all() -> list[Path]:
    """Write every assignment's expected.npz; returns the paths written."""
    written = []
    for m in manifests.load_all():
        table = expected_values(m)
        if not table:
            continue
        path = expected_path(m)
        np.savez(path, **table)
        written.append(path)
    return written
