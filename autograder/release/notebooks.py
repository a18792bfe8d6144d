"""Build a handout notebook from its Python source (``assignments/<name>/handout/notebook.py``).

The source is a plain Python file in the "percent" cell format that editors (VS Code, PyCharm,
Spyder, jupytext) understand: ``# %%`` starts a code cell, ``# %% [markdown]`` a markdown cell
whose lines are comments (``# `` is removed). In code cells, IPython magics are written commented
(``# %autoreload 2``) so the source stays valid Python. Keeping the source as .py keeps diffs readable; the
.ipynb is generated, without outputs, for the student zip.
"""

from __future__ import annotations

import re
from pathlib import Path

import nbformat

CELL = re.compile(r"^# %%(?P<rest>.*)$")
MAGIC = re.compile(r"^# (?P<magic>%[A-Za-z].*)$")  # "# %autoreload 2" in a code cell is the magic
KERNEL = {"name": "python3", "display_name": "Python 3", "language": "python"}


class NotebookSourceError(ValueError):
    """The notebook source is malformed."""


def parse_cells(source: str, filename: str = "<notebook>") -> list[tuple[str, str]]:
    """(kind, text) per cell, kind "code" or "markdown"; text before the first marker is dropped
    (a module docstring for people reading the .py)."""
    cells: list[tuple[str, list[str]]] = []
    for number, line in enumerate(source.splitlines(), start=1):
        marker = CELL.match(line)
        if marker:
            rest = marker["rest"].strip()
            if rest not in ("", "[markdown]"):
                raise NotebookSourceError(f"{filename}:{number}: unknown cell marker {line!r}")
            cells.append(("markdown" if rest else "code", []))
        elif cells:
            kind, lines = cells[-1]
            if kind == "markdown" and line.strip():
                if not line.startswith("#"):
                    raise NotebookSourceError(f"{filename}:{number}: markdown lines must be comments: {line!r}")
                line = line[2:] if line.startswith("# ") else line[1:]
            elif kind == "markdown":
                line = ""
            elif MAGIC.match(line):
                line = MAGIC.match(line)["magic"]
            lines.append(line)
    out = [(kind, "\n".join(lines).strip("\n")) for kind, lines in cells]
    if not out:
        raise NotebookSourceError(f"{filename}: no cells (start each cell with '# %%')")
    return [(kind, text) for kind, text in out if text.strip()]


def build_notebook(source_path: Path) -> nbformat.NotebookNode:
    """The notebook (nbformat v4, no outputs) of one source file."""
    cells = []
    for kind, text in parse_cells(source_path.read_text(encoding="utf-8"), str(source_path)):
        make = nbformat.v4.new_markdown_cell if kind == "markdown" else nbformat.v4.new_code_cell
        cells.append(make(text))
    nb = nbformat.v4.new_notebook(cells=cells)
    nb.metadata["kernelspec"] = KERNEL
    nb.metadata["language_info"] = {"name": "python"}
    for i, cell in enumerate(nb.cells):  # stable ids: the same source gives the same notebook
        cell.id = f"cell-{i:03d}"
    nbformat.validate(nb)
    return nb


def notebook_text(source_path: Path) -> str:
    return nbformat.writes(build_notebook(source_path)) + "\n"
