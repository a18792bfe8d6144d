"""The bundled example class: ``examples/class/<assignment>/<student>/`` (or ``<student>.zip``).

Generated, deterministically, from what the kit already has, so the demo, the tests and the bench
grade a class that looks like an LMS export:

- ``correct``: the reference solutions (markers removed);
- one student per example submission of ``examples/submissions/<assignment>/`` (a realistic bug or
  a correct alternative each; ``SELECTION`` picks them where grading all would make the demo slow);
- ``template``: the student template handed in unchanged; ``missing-file``: one file handed in
  under the wrong name;
- hostile submissions: an infinite loop in one function, ``os._exit`` at import, a memory bomb;
- ``near-copy-of-<student>``: another student's code with its local variables renamed and its
  comments removed, for the similarity report to find.

Submissions come in the shapes students hand them in: a folder, a folder with the files inside one
sub-folder, a zip with the files at its top, a zip with one folder (and macOS junk) inside.
``examples/class/README.md`` says which student is which. ``python -m autograder classgen``
rewrites the class; ``--check`` reports whether the committed class matches this generator.
"""

from __future__ import annotations

import ast
import filecmp
import io
import re
import shutil
import tempfile
import token
import tokenize
import zipfile
from dataclasses import dataclass
from pathlib import Path

from . import manifest as manifests
from .paths import EXAMPLES, SOLUTIONS, TEMPLATES

CLASS_ROOT = EXAMPLES / "class"
MARKERS = ("# BEGIN SOLUTION", "# END SOLUTION")
ZIP_DATE = (2024, 9, 1, 12, 0, 0)
FIRST_ID = 1001

# Example submissions in the class (None: all). A wrong recurrent backward pass takes about a minute
# to grade (Hypothesis explores it through the sandbox), so the recurrent class takes a sample:
# three correct alternatives and one or more bugs of each layer.
SELECTION: dict[str, list[str] | None] = {
    "sequences": None,
    "recurrent": [
        "alt-einsum", "alt-split-gate-matrices", "alt-recompute-forward",
        "rnn-tanh-derivative-not-squared", "rnn-bptt-dropped", "rnn-leaky-dprev-missing-alpha",
        "rnn-no-activation-check", "rnn-db-not-summed", "lstm-dprev-c-missing-f", "lstm-swapped-i-f-gates",
        "lstm-cell-grad-not-carried", "gru-z-swapped", "gru-dprev-h-missing-r-path", "stub-zeros",
    ],
}
SELECTION_SIZE = 14  # when a selected example is missing, others (in name order) fill its place

# The student whose code the near-copy copies (the correct alternative with the most code of its own).
NEAR_COPY_OF = {"sequences": "alt-loops", "recurrent": "alt-recompute-forward"}

# Hostile submissions: (where, code, what). A function name: the code runs first thing in that function;
# a file name: the code runs when the file is imported.
HOSTILE = {
    "sequences": {
        "hostile-infinite-loop": ("arma_forecast", "while True:  # waits for convergence, forever\n    pass",
                                  "an infinite loop in arma_forecast"),
        "hostile-exit-at-import": ("windowing.py", "import os\nos._exit(0)",
                                   "os._exit(0) when windowing.py is imported"),
        "hostile-memory-bomb": ("fit_ar", "hog = []\nwhile True:  # 'cache' every design matrix\n"
                                          "    hog.append(np.ones(1 << 24))", "a memory bomb in fit_ar"),
    },
    "recurrent": {
        "hostile-infinite-loop": ("gru_step_backward", "while True:  # waits for convergence, forever\n    pass",
                                  "an infinite loop in gru_step_backward"),
        "hostile-exit-at-import": ("lstm.py", "import os\nos._exit(0)", "os._exit(0) when lstm.py is imported"),
        "hostile-memory-bomb": ("rnn_forward", "hog = []\nwhile True:  # 'cache' every step\n"
                                               "    hog.append(np.ones(1 << 24))", "a memory bomb in rnn_forward"),
    },
}
# (file handed in under a wrong name, the wrong name)
MISSING = {"sequences": ("arma.py", "arma_final.py"), "recurrent": ("gru.py", "gru_final.py")}

# Local names the near-copy renames (others get a suffix).
SYNONYMS = {
    "X": "inputs", "Y": "targets", "s": "start", "N": "count", "T": "length", "H": "hidden", "D": "dim",
    "h": "states", "t": "step", "a": "pre", "da": "dpre", "dx": "grad_x", "dh0": "grad_h0", "dWx": "grad_Wx",
    "dWh": "grad_Wh", "db": "grad_b", "cache": "saved", "yhat": "pred", "eps": "resid", "c": "const",
    "steps_out": "outputs", "lags": "history", "coef": "weights", "i": "k", "j": "m",
}


@dataclass
class Student:
    """One generated submission: ``files`` (name -> text), how it is handed in, and what it is."""

    student: str
    files: dict[str, str]
    shape: str  # "folder", "subfolder", "zip", "zip-folder"
    what: str


def strip_markers(text: str) -> str:
    """The reference as a student would hand it in: without the solution markers."""
    return "".join(line for line in text.splitlines(keepends=True) if line.strip() not in MARKERS)


def inject(text: str, function: str, code: str) -> str:
    """``text`` with ``code`` inserted first thing in the body of ``function`` (at its solution marker)."""
    lines = text.splitlines(keepends=True)
    start = next(i for i, line in enumerate(lines) if re.match(rf"def {function}\(", line))
    at = next(i for i in range(start, len(lines)) if lines[i].strip() == MARKERS[0])
    indent = lines[at][: len(lines[at]) - len(lines[at].lstrip())]
    block = "".join(indent + line + "\n" for line in code.splitlines())
    return "".join(lines[: at + 1]) + block + "".join(lines[at + 1:])


def inject_at_import(text: str, code: str) -> str:
    """``text`` with ``code`` after its imports."""
    lines = text.splitlines(keepends=True)
    last_import = max(i for i, line in enumerate(lines) if line.startswith(("import ", "from ")))
    return "".join(lines[: last_import + 1]) + code + "\n" + "".join(lines[last_import + 1:])


def _local_names(func: ast.FunctionDef) -> set[str]:
    """Names ``func`` (nested functions included) assigns that are safe to rename across its lines:
    not a parameter (of it or of a nested function or lambda), not a nested function's name, not
    used inside an f-string (one token, left alone), not private (``_``)."""
    fixed = set()
    for node in ast.walk(func):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)):
            args = node.args
            fixed |= {a.arg for a in [*args.posonlyargs, *args.args, *args.kwonlyargs]}
            fixed |= {a.arg for a in (args.vararg, args.kwarg) if a is not None}
            if not isinstance(node, ast.Lambda):
                fixed.add(node.name)
        elif isinstance(node, ast.JoinedStr):
            fixed |= {n.id for n in ast.walk(node) if isinstance(n, ast.Name)}
        elif isinstance(node, (ast.Global, ast.Nonlocal)):
            fixed |= set(node.names)
    stored = {n.id for n in ast.walk(func) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store)}
    return {n for n in stored - fixed if not n.startswith("_")}


def rename_locals(text: str) -> str:
    """``text`` with each function's local variables renamed and comments removed: a near-copy."""
    tree = ast.parse(text)
    taken = {n.id for n in ast.walk(tree) if isinstance(n, ast.Name)} | {
        a.arg for a in ast.walk(tree) if isinstance(a, ast.arg)}
    scopes = []
    outer = [n for n in ast.walk(tree) if isinstance(n, ast.FunctionDef)
             and not any(isinstance(p, ast.FunctionDef) and p is not n and p.lineno <= n.lineno <= p.end_lineno
                         for p in ast.walk(tree))]
    for func in outer:  # top-level functions (and methods); nested ones share their lines' renaming
        mapping = {}
        for name in sorted(_local_names(func)):
            new = SYNONYMS.get(name, f"{name}_val")
            while new in taken:
                new += "2"
            mapping[name] = new
        scopes.append((func.lineno, func.end_lineno, mapping))
    toks = list(tokenize.generate_tokens(io.StringIO(text).readline))
    edits: dict[int, list[tuple[int, int, str]]] = {}
    depth = 0
    for i, tok in enumerate(toks):
        if tok.type == token.OP and tok.string in "([{":
            depth += 1
        elif tok.type == token.OP and tok.string in ")]}":
            depth -= 1
        row, col = tok.start
        if tok.type == token.COMMENT:
            edits.setdefault(row, []).append((col, tok.end[1], ""))
            continue
        if tok.type != token.NAME or (i and toks[i - 1].string == "."):
            continue
        if depth and i + 1 < len(toks) and toks[i + 1].string == "=" and toks[i - 1].string in "(,":
            continue  # a keyword argument
        mapping = next((m for lo, hi, m in scopes if lo <= row <= hi), {})
        if tok.string in mapping:
            edits.setdefault(row, []).append((col, tok.end[1], mapping[tok.string]))
    out = []
    for row, line in enumerate(text.splitlines(keepends=True), start=1):
        comment_only = line.lstrip().startswith("#")
        for start, end, new in sorted(edits.get(row, []), reverse=True):
            line = line[:start] + new + line[end:]
        if not comment_only:
            out.append(line.rstrip() + "\n")
    result = "".join(out)
    ast.parse(result)  # still valid Python
    return result


def _examples(assignment: str) -> list[str]:
    folder = EXAMPLES / "submissions" / assignment
    names = sorted(p.name for p in folder.iterdir() if p.is_dir()) if folder.is_dir() else []
    wanted = SELECTION.get(assignment)
    if wanted is None:
        return names
    chosen = [n for n in wanted if n in names]
    chosen += [n for n in names if n not in chosen][: max(0, SELECTION_SIZE - len(chosen))]
    return chosen


def _read(folder: Path, files) -> dict[str, str]:
    return {f: (folder / f).read_text(encoding="utf-8") for f in files if (folder / f).is_file()}


def class_students(assignment: str) -> list[Student]:
    """The example class of ``assignment``, in a fixed order with fixed ids."""
    manifest = manifests.load(assignment)
    files = list(manifest.files)
    reference = {f: (SOLUTIONS / f).read_text(encoding="utf-8") for f in files}
    plain = {f: strip_markers(t) for f, t in reference.items()}
    entries: list[tuple[str, dict[str, str], str]] = [("correct", plain, "the reference solutions")]
    example_ids: dict[str, int] = {}
    for name in _examples(assignment):
        example_ids[name] = len(entries)
        entries.append((name, _read(EXAMPLES / "submissions" / assignment / name, files),
                        f"examples/submissions/{assignment}/{name}"))
    entries.append(("template", _read(TEMPLATES, files), "the student template, unchanged"))
    wrong, wrong_name = MISSING[assignment]
    entries.append(("missing-file", {(wrong_name if f == wrong else f): t for f, t in plain.items()},
                    f"correct, but {wrong} handed in as {wrong_name}"))
    by_function = manifest.functions
    for slug, (where, code, what) in HOSTILE[assignment].items():
        subs = dict(reference)
        if where in subs:
            subs[where] = inject_at_import(subs[where], code)
        else:
            subs[by_function[where]] = inject(subs[by_function[where]], where, code)
        entries.append((slug, {f: strip_markers(t) for f, t in subs.items()}, f"the reference with {what}"))
    source = NEAR_COPY_OF.get(assignment)
    students = [Student(f"s{FIRST_ID + i}-{slug}", f, "", what) for i, (slug, f, what) in enumerate(entries)]
    if source in example_ids:
        original = students[example_ids[source]]
        copy = {f: rename_locals(t) for f, t in original.files.items()}
        students.append(Student(f"s{FIRST_ID + len(students)}-near-copy-of-{original.student[:5]}", copy, "",
                                f"{original.student}'s code with local variables renamed and comments removed"))
    shapes = ("folder", "zip", "folder", "zip-folder", "subfolder")
    for i, s in enumerate(students):
        s.shape = shapes[i % len(shapes)]
    return students


def _zip(path: Path, members: dict[str, str]) -> None:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in sorted(members.items()):
            info = zipfile.ZipInfo(name, ZIP_DATE)
            info.external_attr = 0o644 << 16
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, text)


def write_student(folder: Path, s: Student, assignment: str) -> Path:
    """Write one submission into ``folder`` in its shape; returns its path."""
    if s.shape == "zip":
        path = folder / f"{s.student}.zip"
        _zip(path, s.files)
        return path
    if s.shape == "zip-folder":
        path = folder / f"{s.student}.zip"
        members = {f"{assignment}/{f}": t for f, t in s.files.items()}
        members.update({f"__MACOSX/{assignment}/._{f}": "" for f in s.files})
        members[f"{assignment}/.DS_Store"] = ""
        _zip(path, members)
        return path
    path = folder / s.student
    inner = path / "submission" if s.shape == "subfolder" else path
    inner.mkdir(parents=True)
    for name, text in s.files.items():
        (inner / name).write_text(text, encoding="utf-8")
    return path


def _readme(classes: dict[str, list[Student]]) -> str:
    lines = ["# The bundled example class", "",
             "Generated by `python -m autograder classgen` (autograder/classgen.py); do not edit by hand.",
             "`make demo` grades it; `make grade ASSIGNMENT=name` grades `examples/class/<name>/`.", ""]
    for assignment, students in classes.items():
        lines += [f"## {assignment}", "", "| student | handed in as | what it is |", "|---|---|---|"]
        shape_text = {"folder": "folder", "subfolder": "folder, files in one sub-folder", "zip": "zip",
                      "zip-folder": "zip, files in one folder, macOS junk"}
        lines += [f"| `{s.student}` | {shape_text[s.shape]} | {s.what} |" for s in students]
        lines.append("")
    return "\n".join(lines)


def write_class(assignment: str, folder: Path | None = None) -> Path:
    """(Re)write the example class of ``assignment`` into ``folder`` (default examples/class/<name>/)."""
    folder = Path(folder) if folder is not None else CLASS_ROOT / assignment
    students = class_students(assignment)
    tmp = Path(tempfile.mkdtemp(prefix=f".{assignment}-", dir=folder.parent if folder.parent.exists() else None))
    try:
        for s in students:
            write_student(tmp, s, assignment)
        if folder.exists():
            shutil.rmtree(folder)
        folder.parent.mkdir(parents=True, exist_ok=True)
        shutil.move(str(tmp), folder)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    if folder.parent == CLASS_ROOT:
        readme = {name: class_students(name) for name in manifests.available()}
        (CLASS_ROOT / "README.md").write_text(_readme(readme), encoding="utf-8")
    return folder


def _zip_contents(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as archive:
        return {i.filename: archive.read(i) for i in archive.infolist()}


def _same_tree(a: Path, b: Path) -> bool:
    names_a = sorted(p.relative_to(a).as_posix() for p in a.rglob("*"))
    names_b = sorted(p.relative_to(b).as_posix() for p in b.rglob("*"))
    if names_a != names_b:
        return False
    for rel in names_a:
        pa, pb = a / rel, b / rel
        if pa.is_file():
            same = _zip_contents(pa) == _zip_contents(pb) if pa.suffix == ".zip" else filecmp.cmp(pa, pb, shallow=False)
            if not same:
                return False
    return True


def stale_classes(names: list[str]) -> list[str]:
    """The assignments whose committed class differs from what the generator writes now."""
    stale = []
    with tempfile.TemporaryDirectory() as tmp:
        for name in names:
            fresh = write_class(name, Path(tmp) / name)
            if not (CLASS_ROOT / name).is_dir() or not _same_tree(fresh, CLASS_ROOT / name):
                stale.append(name)
    return stale
