"""Failing inputs as Python a student can paste (issue 12, item 4).

A public check that fails shows the input it failed on (``feedback.describe``): the ``repr`` of the
case or call the check drew. The assignments' case classes build that repr with ``snippet``: a
comment with the sizes and regime, the imports, one assignment per argument (every array in full,
every float as its ``repr``, so pasting gives the input back bit for bit) and the calls of the
student's functions, e.g.::

    # rnn_step, tanh, alpha=0.0: N=2, D=3, H=2, |pre-activations| <= 1.2
    import numpy as np
    from rnn import rnn_step_forward, rnn_step_backward
    x = np.array([
        [0.5, -0.25, 1.0],
        [0.0, 0.0, 0.0],
    ])
    ...
    next_h, cache = rnn_step_forward(x, prev_h, Wx, Wh, b, activation='tanh', alpha=0.0)
    dx, dprev_h, dWx, dWh, db = rnn_step_backward(dnext_h, cache)

Nothing here evaluates a student function: it prints values and the text of calls.

Which student file defines a function comes from the assignment's ``manifest.toml``, next to the
``public/`` (or ``hidden/``) folder of the module that asks (the kit, the student folder and the
Gradescope zip all have that layout).

Derandomized Hypothesis mixes the numbers and strings written in the source of every imported local
module into its draws, and every assignment's strategies import this module: so its text lives in
f-strings (which Hypothesis does not read) and its only numbers are below 100 (which it skips).
"""

from __future__ import annotations

import functools
import math
from pathlib import Path

import numpy as np

#: Lines are wrapped to stay within this many characters where a value allows it.
WIDTH = 96
#: Indentation of one level.
INDENT = 4


# ---------------------------------------------------------------- values as source


def number(value) -> str:
    """A Python or numpy number as source that gives it back exactly (numpy scalars keep their type;
    nan and the infinities are spelled through numpy)."""
    if isinstance(value, np.generic) and not isinstance(value, np.bool_):
        return f"np.{type(value).__name__}({number(value.item())})"
    if isinstance(value, (bool, np.bool_)):
        return repr(bool(value))
    if isinstance(value, int):
        return repr(value)
    value = float(value)
    if math.isnan(value):
        return f"np.nan"
    if math.isinf(value):
        return f"np.inf" if value > 0 else f"-np.inf"
    return repr(value)


def _dtype(a: np.ndarray) -> str:
    """The ``dtype=`` argument that rebuilds ``a``'s dtype (none for float64, numpy's default)."""
    if a.dtype == np.float64:
        return f""
    if a.dtype.kind == f"b":
        return f", dtype=bool"
    if a.dtype.kind in f"iuf":
        return f", dtype=np.{a.dtype.name}"
    return f", dtype=object"


def _entries(a: np.ndarray) -> list[str]:
    if a.dtype.kind in f"biuf":
        return [number(v) for v in a.tolist()]
    return [repr(v) for v in a.tolist()]


def _chunks(items: list[str], room: int) -> list[str]:
    """``items`` joined by ", " into pieces of at most ``room`` characters (at least one item each)."""
    pieces, piece = [], None
    for item in items:
        if piece is not None and len(piece) + len(item) + 3 <= room:
            piece += f", {item}"
        else:
            if piece is not None:
                pieces.append(piece)
            piece = item
    return pieces + ([piece] if piece is not None else [])


def _wrap(items: list[str], column: int) -> list[str]:
    """``[a, b, ...]`` starting at ``column``, wrapped before WIDTH; continuation lines aligned after
    the bracket (each line but the last ends with a comma)."""
    pieces = _chunks(items, WIDTH - column - 2)
    lines = [f"[{pieces[0]}"] + [f"{' ' * (column + 1)}{p}" for p in pieces[1:]]
    return [f"{line}," for line in lines[:-1]] + [f"{lines[-1]}]"]


def _nested(a: np.ndarray, column: int) -> list[str]:
    """The nested list of ``a`` (ndim >= 1) starting at ``column``, numpy's layout: one innermost row
    per line group, each level aligned one column after its bracket."""
    if a.ndim == 1:
        return _wrap(_entries(a), column)
    lines: list[str] = []
    for k, sub in enumerate(a):
        block = _nested(sub, column + 1)
        block[0] = (f"[" if k == 0 else f"{' ' * (column + 1)}") + block[0]
        if k < len(a) - 1:
            block[-1] += f","
        lines += block
    lines[-1] += f"]"
    return lines


def _one_row(a: np.ndarray) -> bool:
    return a.ndim <= 1 or all(n == 1 for n in a.shape[:-1])


def array(a: np.ndarray, indent: int = 0, column: int = 0) -> str:
    """``a`` in full as ``np.array(...)`` source: exact entries (see ``number``), its shape and dtype.
    A single row stays on one line when it fits (``column``: where it starts); otherwise
    ``np.array([`` is followed by one line group per entry of the first axis, indented by
    ``indent + INDENT``, and ``])`` on a line of its own."""
    dtype = _dtype(a)
    if a.size == 0:
        return f"np.zeros({a.shape!r}{dtype})"
    if a.ndim == 0:
        return f"np.array({_entries(a.reshape(1))[0]}{dtype})"
    if _one_row(a):
        flat = f"np.array({f'[' * a.ndim}{', '.join(_entries(a.reshape(-1)))}{f']' * a.ndim}{dtype})"
        if column + len(flat) <= WIDTH:
            return flat
    inner = indent + INDENT
    if a.ndim == 1:
        lines = [f"{' ' * inner}{p}," for p in _chunks(_entries(a), WIDTH - inner)]
    else:
        lines = []
        for sub in a:
            block = _nested(sub, inner)
            block[0] = f"{' ' * inner}{block[0]}"
            block[-1] += f","
            lines += block
    return f"np.array([\n" + f"\n".join(lines) + f"\n{' ' * indent}]{dtype})"


def source(value, indent: int = 0, column: int = 0) -> str:
    """``value`` as Python source that rebuilds it exactly: arrays in full (``array``), numbers exact
    (``number``), dicts, lists and tuples of those (one entry per line when they hold arrays or do not
    fit), and the ``repr`` of anything else (strings, None)."""
    if isinstance(value, np.ndarray):
        return array(value, indent, column)
    if isinstance(value, (bool, int, float, np.generic)):
        return number(value)
    if isinstance(value, (dict, list, tuple)):
        if isinstance(value, dict):
            opening, closing = f"{{", f"}}"
            keys = [f"{source(k)}: " for k in value]
            items = list(value.values())
        else:
            opening, closing = (f"[", f"]") if isinstance(value, list) else (f"(", f")")
            keys, items = [f""] * len(value), list(value)
        flat = [f"{k}{source(v)}" for k, v in zip(keys, items)]
        one_line = f"{opening}{', '.join(flat)}{f',' if isinstance(value, tuple) and len(value) == 1 else f''}{closing}"
        if f"\n" not in one_line and column + len(one_line) <= WIDTH and not _holds_blocks(items):
            return one_line
        inner = indent + INDENT
        lines = [f"{' ' * inner}{k}{source(v, inner, inner + len(k))}," for k, v in zip(keys, items)]
        return f"{opening}\n" + f"\n".join(lines) + f"\n{' ' * indent}{closing}"
    return repr(value)


def _holds_blocks(items) -> bool:
    """Whether a container holds an array of more than one row or a container of arrays (shown one per line)."""
    for v in items:
        if isinstance(v, np.ndarray) and not _one_row(v):
            return True
        if isinstance(v, (dict, list, tuple)) and any(isinstance(w, (np.ndarray, dict, list, tuple))
                                                      for w in (v.values() if isinstance(v, dict) else v)):
            return True
    return False


def shapes(values: dict) -> str:
    """A short account of named values for a comment: ``x (2, 3), W (3, 2), eps=1e-05``."""
    parts = []
    for name, v in values.items():
        if isinstance(v, np.ndarray):
            parts.append(f"{name} {v.shape}" + (f" {v.dtype}" if v.dtype != np.float64 else f""))
        elif isinstance(v, (bool, int, float, str, np.generic)) or v is None:
            parts.append(f"{name}={v!r}")
    return f", ".join(parts)


# ---------------------------------------------------------------- the snippet


@functools.lru_cache(maxsize=None)
def _student_files(folder: str) -> dict:
    """Function name -> student file, from the manifest in ``folder`` or its parent ({} without one)."""
    for candidate in (Path(folder) / f"manifest.toml", Path(folder).parent / f"manifest.toml"):
        if candidate.is_file():
            try:
                from autograder.manifest import load_file
                return dict(load_file(candidate).functions)
            except Exception:
                return {}
    return {}


def imports(functions, near: str) -> list[str]:
    """``from <module> import ...`` lines for ``functions`` (student functions, in the order given),
    their modules from the manifest near the file ``near`` (a check module's ``__file__``)."""
    try:
        files = _student_files(str(Path(near).resolve().parent))
    except Exception:
        files = {}
    by_module: dict[str, list[str]] = {}
    unknown = []
    for f in dict.fromkeys(functions):
        if f in files:
            by_module.setdefault(Path(files[f]).stem, []).append(f)
        else:
            unknown.append(f)
    lines = [f"from {module} import {', '.join(names)}" for module, names in by_module.items()]
    if unknown:
        lines.append(f"# import {', '.join(unknown)} from your file that defines them")
    return lines


def call(outputs, function: str, args, kwargs=None, taken=()) -> str:
    """``<outputs> = <function>(<args>, key=<value>, ...)``: ``args`` are the names of the arguments
    (assigned before), keyword values are written out (``source``); an output named like one of the
    ``taken`` names (an input) becomes ``new_<name>``, so the input stays to compare with."""
    outs = [f"new_{name}" if name in taken else name for name in outputs]
    keywords = [f"{k}={source(v)}" for k, v in (kwargs or {}).items()]
    return f"{', '.join(outs)} = {function}({', '.join([*args, *keywords])})"


def snippet(comment: str, values: dict, code, *, functions, near: str) -> str:
    """Python that rebuilds ``values`` (name -> value, in order) and runs the lines of ``code``:

        # <comment, on one line>
        import numpy as np
        from <module> import <functions>
        <name> = <source(value)>
        ...
        <code>
    """
    lines = [f"# {' '.join(str(comment).split())}", f"import numpy as np", *imports(functions, near)]
    lines += [f"{name} = {source(value, 0, len(name) + 3)}" for name, value in values.items()]
    lines += list(code)
    return f"\n".join(lines)
