"""Build each assignment's ``public/expected.npz``: the reference's outputs on the worked examples."""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np

from . import manifest as manifests
from .checklib.examples import examples_of
from .checklib.local import LocalSubmission
from .checklib.pytest_plugin import SCALAR
from .loader import load_module
from .paths import SOLUTIONS


def expected_values(manifest: manifests.Manifest) -> dict[str, np.ndarray]:
    """npz key ("example/output") -> value, for every worked example in the manifest's public folder."""
    reference = LocalSubmission(SOLUTIONS, manifest.functions, prefix="_reference_")
    table: dict[str, np.ndarray] = {}
    folders = sorted({p.parent for p in manifest.public_checks})
    for folder in folders:
        for path in sorted(folder.glob("examples_*.py")):
            module = load_module(path, f"_examples_{manifest.name}_{path.stem}")
            for example in examples_of(module):
                for output, value in example(reference).items():
                    if isinstance(value, float):
                        table[f"{example.__name__}/{output}{SCALAR}"] = np.asarray(value, dtype=np.float64)
                    else:
                        table[f"{example.__name__}/{output}"] = np.asarray(value)
    return table




def write_all() -> list[Path]:
    """Write every assignment's expected.npz; returns the paths written."""
    written = []
    for m in manifests.load_all():
        table = expected_values(m)
        if not table:
            continue
        path = sorted({p.parent for p in m.public_checks})[0] / "expected.npz"
        np.savez(path, **table)
        written.append(path)
    return written
