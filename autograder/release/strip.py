"""Turn reference solutions into student templates.

Line by line, like nbgrader's ClearSolutions: every region between `# BEGIN SOLUTION` and
`# END SOLUTION` becomes `raise NotImplementedError("<function>: not implemented yet")` at the
region's indentation; everything outside the regions (signature, docstring, provided helpers, the
`return` line) is kept verbatim. Fails loudly on a missing END, a nested BEGIN, an END without a
BEGIN, a region outside a function, and a required function with no region or with two.
"""

from __future__ import annotations

import ast
from pathlib import Path

from .. import manifest as manifests
from ..paths import TEMPLATES

BEGIN = "# BEGIN SOLUTION"
END = "# END SOLUTION"


class StripError(ValueError):
    """A solution file's markers are malformed."""


def _function_spans(source: str, filename: str) -> list[tuple[int, int, str]]:
    """(first line, last line, name) of every function in ``source``, 1-based, innermost last."""
    try:
        tree = ast.parse(source, filename=filename)
    except SyntaxError as exc:
        raise StripError(f"{filename}:{exc.lineno}: not valid Python: {exc.msg}") from None
    spans = [
        (node.lineno, node.end_lineno or node.lineno, node.name)
        for node in ast.walk(tree)
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))
    ]
    return sorted(spans)


def _enclosing_function(spans: list[tuple[int, int, str]], line: int) -> str | None:
    inside = [(start, name) for start, end, name in spans if start <= line <= end]
    return max(inside)[1] if inside else None


def strip_source(source: str, filename: str = "<solution>", required: tuple[str, ...] = ()) -> str:
    """The template of one solution file.

    Args:
        source: the solution file's text.
        filename: its name, for error messages.
        required: functions that must each hold exactly one solution region.

    Returns:
        The template's text.
    """
    spans = _function_spans(source, filename)
    out: list[str] = []
    regions: dict[str, int] = {}
    open_at: int | None = None
    for number, line in enumerate(source.splitlines(keepends=True), start=1):
        marker = line.strip()
        if marker == BEGIN:
            if open_at is not None:
                raise StripError(f"{filename}:{number}: nested {BEGIN!r} (the region opened at line {open_at} has no END)")
            function = _enclosing_function(spans, number)
            if function is None:
                raise StripError(f"{filename}:{number}: {BEGIN!r} outside any function")
            regions[function] = regions.get(function, 0) + 1
            indent = line[: len(line) - len(line.lstrip())]
            out.append(f'{indent}raise NotImplementedError("{function}: not implemented yet")\n')
            open_at = number
        elif marker == END:
            if open_at is None:
                raise StripError(f"{filename}:{number}: {END!r} without a matching {BEGIN!r}")
            open_at = None
        elif open_at is None:
            out.append(line)
    if open_at is not None:
        raise StripError(f"{filename}:{open_at}: {BEGIN!r} has no matching {END!r}")
    for function in required:
        count = regions.get(function, 0)
        if count != 1:
            raise StripError(f"{filename}: function {function!r} must hold exactly one solution region, found {count}")
    return "".join(out)


def expected_templates() -> dict[str, str]:
    """``<assignment>/<file>`` -> template text, for every student file of every assignment."""
    templates = {}
    for m in manifests.load_all():
        for file, functions in m.files.items():
            source = (m.solutions / file).read_text(encoding="utf-8")
            templates[f"{m.name}/{file}"] = strip_source(source, f"solutions/{m.name}/{file}", functions)
    return templates


def write_templates(target: Path = TEMPLATES) -> list[Path]:
    """Regenerate ``target`` (default `student_templates/`; one folder per assignment) from `solutions/`; returns the files written."""
    written = []
    for file, text in expected_templates().items():
        path = target / file
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        written.append(path)
    return written


def stale_templates(target: Path = TEMPLATES) -> list[str]:
    """Student files whose committed template differs from what the stripper produces."""
    stale = []
    for file, text in expected_templates().items():
        path = target / file
        if not path.is_file() or path.read_text(encoding="utf-8") != text:
            stale.append(file)
    return stale
