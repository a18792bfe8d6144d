"""The bundled example class: ``assignments/<assignment>/class/<student>/`` (or ``<student>.zip``).

Generated, deterministically, from what the kit already has, so the demo, the tests and the bench
grade a class that looks like an LMS export:

- ``correct``: the reference solutions (markers removed);
- one student per example submission of ``assignments/<assignment>/submissions/`` (a realistic bug
  or a correct alternative each; ``class.toml``'s ``selection`` picks them where grading all would make
  the demo slow);
- ``template``: the student template handed in unchanged; ``missing-file``: one file handed in
  under the wrong name;
- hostile submissions: an infinite loop in one function, ``os._exit`` at import, a memory bomb;
- ``near-copy-of-<student>``: another student's code with its local variables renamed and its
  comments removed, for the similarity report to find.

Submissions come in the shapes students hand them in: a folder, a folder with the files inside one
sub-folder, a zip with the files at its top, a zip with one folder (and macOS junk) inside.
``assignments/<assignment>/class.md`` says which student is which; ``class.toml`` configures it. ``python -m autograder classgen``
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
try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10: the same parser, as a package (requirements/)
    import tomli as tomllib
import zipfile
from dataclasses import dataclass
from pathlib import Path

from .. import manifest as manifests

MARKERS = ("# BEGIN SOLUTION", "# END SOLUTION")
ZIP_DATE = (2024, 9, 1, 12, 0, 0)
FIRST_ID = 1001
SELECTION_SIZE = 14  # when a selected example is missing, others (in name order) fill its place
CONFIG_KEYS = {"selection", "near_copy_of", "missing_file", "missing_as", "hostile"}


class ClassConfigError(ValueError):
    """An assignment's ``class.toml`` is missing or malformed."""


@dataclass(frozen=True)
class ClassConfig:
    """``assignments/<name>/class.toml``: what the generated class holds besides the reference,
    the template and the example submissions.

    Attributes:
        selection: the example submissions in the class (None: all of ``submissions/``).
        near_copy_of: the example whose code a near-copy student copies (similarity report).
        missing_file, missing_as: a correct submission hands in ``missing_file`` as ``missing_as``.
        hostile: slug -> (where, code, what): ``where`` a function (the code runs first thing in it)
            or a file name (the code runs at import).
    """

    selection: tuple[str, ...] | None
    near_copy_of: str
    missing_file: str
    missing_as: str
    hostile: dict[str, tuple[str, str, str]]


def class_config(manifest: manifests.Manifest) -> ClassConfig:
    """Read and check ``class.toml`` next to the manifest."""
    path = manifest.root / "class.toml"
    if not path.is_file():
        raise ClassConfigError(f"{path} is missing: it says what the bundled class of {manifest.name} holds "
                               "(see README, Adding an assignment)")
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    unknown = set(data) - CONFIG_KEYS
    if unknown:
        raise ClassConfigError(f"{path}: unknown keys {sorted(unknown)}; known: {sorted(CONFIG_KEYS)}")
    try:
        hostile = {slug: (str(h["where"]), str(h["code"]), str(h["what"])) for slug, h in data.get("hostile", {}).items()}
        config = ClassConfig(tuple(data["selection"]) if "selection" in data else None, str(data.get("near_copy_of", "")),
                             str(data["missing_file"]), str(data["missing_as"]), hostile)
    except (KeyError, TypeError) as exc:
        raise ClassConfigError(f"{path}: missing or malformed entry {exc}") from None
    if config.missing_file not in manifest.files:
        raise ClassConfigError(f"{path}: missing_file = {config.missing_file!r} is not a student file "
                               f"({', '.join(manifest.files)})")
    for slug, (where, _, _) in hostile.items():
        if where not in manifest.files and where not in manifest.functions:
            raise ClassConfigError(f"{path}: [hostile.{slug}] where = {where!r} is neither a student file nor a function")
    return config


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


def _examples(manifest: manifests.Manifest, wanted: tuple[str, ...] | None) -> list[str]:
    folder = manifest.submissions
    names = sorted(p.name for p in folder.iterdir() if p.is_dir()) if folder.is_dir() else []
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
    config = class_config(manifest)
    files = list(manifest.files)
    reference = {f: (manifest.solutions / f).read_text(encoding="utf-8") for f in files}
    plain = {f: strip_markers(t) for f, t in reference.items()}
    entries: list[tuple[str, dict[str, str], str]] = [("correct", plain, "the reference solutions")]
    example_ids: dict[str, int] = {}
    for name in _examples(manifest, config.selection):
        example_ids[name] = len(entries)
        entries.append((name, _read(manifest.submissions / name, files), f"submissions/{name}"))
    entries.append(("template", _read(manifest.templates, files), "the student template, unchanged"))
    wrong, wrong_name = config.missing_file, config.missing_as
    entries.append(("missing-file", {(wrong_name if f == wrong else f): t for f, t in plain.items()},
                    f"correct, but {wrong} handed in as {wrong_name}"))
    by_function = manifest.functions
    for slug, (where, code, what) in config.hostile.items():
        subs = dict(reference)
        if where in subs:
            subs[where] = inject_at_import(subs[where], code)
        else:
            subs[by_function[where]] = inject(subs[by_function[where]], where, code)
        entries.append((slug, {f: strip_markers(t) for f, t in subs.items()}, f"the reference with {what}"))
    source = config.near_copy_of
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


def _key(assignment: str, students: list[Student]) -> str:
    """``class.md``: which student of the generated class is which."""
    shape_text = {"folder": "folder", "subfolder": "folder, files in one sub-folder", "zip": "zip",
                  "zip-folder": "zip, files in one folder, macOS junk"}
    lines = [f"# The bundled example class of `{assignment}`", "",
             "Generated into `class/` by `python -m autograder classgen` (autograder/devtools/classgen.py) from",
             "`class.toml`; do not edit by hand. `make demo` grades it; `make grade ASSIGNMENT=" + assignment + "` too.", "",
             "| student | handed in as | what it is |", "|---|---|---|"]
    lines += [f"| `{s.student}` | {shape_text[s.shape]} | {s.what} |" for s in students]
    return "\n".join(lines) + "\n"


def write_class(assignment: str, folder: Path | None = None) -> Path:
    """(Re)write the example class of ``assignment`` into ``folder`` (default: the assignment's
    ``class/``, with its key ``class.md`` next to it)."""
    manifest = manifests.load(assignment)
    default = manifest.class_folder
    folder = Path(folder) if folder is not None else default
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
    if folder == default:
        (manifest.root / "class.md").write_text(_key(assignment, students), encoding="utf-8")
    return folder


def _zip_contents(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as archive:
        return {i.filename: archive.read(i) for i in archive.infolist()}


def _tree_names(root: Path) -> list[str]:
    """Relative names under ``root``, without Python's bytecode caches (not part of a class)."""
    return sorted(p.relative_to(root).as_posix() for p in root.rglob("*")
                  if "__pycache__" not in p.relative_to(root).parts)


def _same_tree(a: Path, b: Path) -> bool:
    names_a, names_b = _tree_names(a), _tree_names(b)
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
            committed = manifests.load(name).class_folder
            if not committed.is_dir() or not _same_tree(fresh, committed):
                stale.append(name)
    return stale
