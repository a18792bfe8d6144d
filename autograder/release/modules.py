"""Which modules of the ``autograder`` package a student's folder needs.

Students run ``python -m autograder check`` (cli -> runner: collector, report, results;
checklib.local), ``pytest`` (checklib's pytest plugin, student.pytest_plugin) and otter's checks
(student.otter_bridge). The student copy holds those modules, every module they import at module
level (found from the source with ``ast``, so it follows the imports as they change) and the whole
of ``checklib`` (what check files import). Never: grading/ (sandbox, worker, staging), classroom/,
release/, devtools/.
"""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1]
ROOTS = ("__init__", "__main__", "cli", "runner.collector", "runner.report", "runner.results",
         "student.pytest_plugin", "student.otter_bridge", "student.notebook", "checklib.local")
NEVER = ("grading", "classroom", "release", "devtools")


def _module_file(name: str) -> Path:
    base = PACKAGE.joinpath(*name.split("."))
    return base / "__init__.py" if base.is_dir() else base.with_suffix(".py")


def _top_level_imports(name: str) -> set[str]:
    """Package-relative modules that module ``name`` imports at module level (not inside functions)."""
    path = _module_file(name)
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    package = name.split(".")[:-1] if path.name != "__init__.py" else name.split(".")
    found = set()
    for node in tree.body:
        if isinstance(node, ast.ImportFrom) and node.level:
            base = package[: len(package) - (node.level - 1)]
            target = ".".join(base + (node.module.split(".") if node.module else []))
            candidates = [target] if node.module else []
            candidates += [f"{target}.{a.name}" if target else a.name for a in node.names]
            found |= {c for c in candidates if c and _module_file(c).is_file()}
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            absolute = [a.name for a in node.names] if isinstance(node, ast.Import) else [node.module or ""]
            found |= {m.removeprefix("autograder.") for m in absolute
                      if m.startswith("autograder.") and _module_file(m.removeprefix("autograder.")).is_file()}
    return found


def student_modules() -> list[str]:
    """Dotted names (relative to ``autograder``) of the modules the student copy holds."""
    todo = list(ROOTS) + [f"checklib.{p.relative_to(PACKAGE / 'checklib').with_suffix('').as_posix().replace('/', '.')}"
                          .removesuffix(".__init__") for p in sorted((PACKAGE / "checklib").rglob("*.py"))]
    seen: set[str] = set()
    while todo:
        name = todo.pop()
        if name in seen:
            continue
        if name.split(".")[0] in NEVER:
            raise RuntimeError(f"the student copy would need autograder.{name}, which must stay with the grader")
        seen.add(name)
        todo.extend(_top_level_imports(name))
    for name in list(seen):  # every package on the way needs its __init__
        parts = name.split(".")
        seen |= {".".join(parts[:i]) for i in range(1, len(parts)) if (PACKAGE.joinpath(*parts[:i]) / "__init__.py").is_file()}
    return sorted(seen)


def student_package_files() -> dict[str, Path]:
    """Archive path (``autograder/...``) -> source file, for the student copy of the package."""
    files = {}
    for name in student_modules():
        path = _module_file(name)
        files[f"autograder/{path.relative_to(PACKAGE).as_posix()}"] = path
    return files
