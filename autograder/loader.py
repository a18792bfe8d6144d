"""Import a Python file as a module under a name of our choosing (no sys.path changes)."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

from .paths import SOLUTIONS


def load_module(path: Path, name: str) -> ModuleType:
    """Import the file ``path`` as a fresh module called ``name`` (replacing any earlier one)."""
    spec = importlib.util.spec_from_file_location(name, path)
    if spec is None or spec.loader is None:
        raise ImportError(f"load_module: cannot import {path}")
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    try:
        spec.loader.exec_module(module)
    except BaseException:
        sys.modules.pop(name, None)
        raise
    return module


def load_reference(assignment: str, stem: str) -> ModuleType:
    """The reference solution ``solutions/<assignment>/<stem>.py``, imported as ``_reference_<stem>``."""
    name = f"_reference_{stem}"
    if name in sys.modules:
        return sys.modules[name]
    return load_module(SOLUTIONS / assignment / f"{stem}.py", name)
