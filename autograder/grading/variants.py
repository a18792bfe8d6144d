"""Variants of the reference solutions: the reference with a few lines replaced, each a known
misconception (grader only: a variant computes a student function, so nothing here ships).

An assignment's hidden checks keep their catalogue (``assignments/<a>/hidden/variants_<a>.py``, a
``CATALOGUE`` of ``Variant``) and compare a wrong output with the variants' outputs on the failing
input (``autograder.checklib.diagnosis`` words a match as a hint). A variant is built from the
reference's source on first use, as a module of its own that is never put in ``sys.modules``, and
kept for the process; a patch that does not apply exactly once (the reference was edited) makes
``build`` return None, and the assignment's tests say which.
"""

from __future__ import annotations

import types
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Variant:
    """A misconception: ``patches`` ((old, new) texts, each old found exactly once) turn the reference's
    ``file`` into it; ``says`` completes "the reference gives ... when <says>"."""

    id: str
    file: str
    says: str
    patches: tuple[tuple[str, str], ...]


class VariantModule:
    """A built variant with the ``call`` of a submission."""

    def __init__(self, module: types.ModuleType):
        self.module = module

    def call(self, name: str, *args, **kwargs):
        return getattr(self.module, name)(*args, **kwargs)


_BUILT: dict[tuple[str, str], VariantModule | None] = {}


def patched_source(variant: Variant, folder: Path) -> str | None:
    """The source of ``folder / variant.file`` with the variant's patches, or None when one does not
    apply exactly once."""
    source = (Path(folder) / variant.file).read_text(encoding="utf-8")
    for old, new in variant.patches:
        if source.count(old) != 1:
            return None
        source = source.replace(old, new)
    return source


def build(variant: Variant, folder: Path) -> VariantModule | None:
    """The variant of the reference in ``folder`` as a module (built once per process), or None when
    its patches no longer apply."""
    key = (str(folder), variant.id)
    if key not in _BUILT:
        source = patched_source(variant, folder)
        built = None
        if source is not None:
            module = types.ModuleType("_variant_" + variant.id.replace("-", "_"))
            exec(compile(source, f"<variant {variant.id}>", "exec"), module.__dict__)
            built = VariantModule(module)
        _BUILT[key] = built
    return _BUILT[key]
