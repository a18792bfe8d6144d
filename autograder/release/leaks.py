"""No solution in disguise: nothing a student receives computes a student function of its own assignment.

The student zip ships Python besides the templates: the public checks and the modules they import
(strategies, examples, check helpers), the part of ``autograder/`` that runs them, the notebook's code,
otter's test files. None of it may compute what a student is asked to write (a strategy that runs the
whole forward recurrence to size its cases is a forward pass a student can copy). Two checks, over
every Python source of the student zip except the templates and the manifest's provided files (the
reference of another assignment, shipped on purpose):

- **semantic** (``semantic_leaks``): every worked example is run on the reference through a recorder,
  which keeps each call (function, arguments, result). Every function defined in a shipped module is
  then called with those inputs: positionally as the reference was called, by parameter name where its
  parameters are named like the reference's, and on the worked examples' own objects (a module
  function taking one of them, their methods and properties). While it runs, every frame of shipped
  code is watched as it returns: its return value and its local variables must hold none of the
  recorded outputs (every ndarray of a recorded result, compared with ``np.allclose`` on equal
  shapes; arrays that are constant or equal to one of the call's inputs are not evidence). Watching
  the frames, not only the returned value, is what catches a forward pass hidden in a helper that
  returns something else (the pre-activations it computed along the way). A function that raises or
  runs past ``TIME_LIMIT_S`` is skipped; while the candidates run, starting processes, exiting and
  changing the working folder are refused, and output is discarded.
- **static** (``static_leaks``): no loop (``for``, ``while``, a comprehension) applies tanh or a sigmoid
  (``np.tanh``, ``tanh``, ``sigmoid``, ``_sigmoid``, ``expit``, ``1 / (1 + exp(-...))``) to an expression
  holding a matrix product (``@``, ``np.dot``, ``np.matmul``, ``.dot``, ``einsum``) with a recurrent
  weight (``Wh``, ``W_h``, ``Whh``, ``weight_hh``, ...), directly, through a variable assigned in that
  loop, or by calling a function of the same file that does so: the shape of a recurrence.

``make dist`` runs both before building and refuses (``DistError`` naming the function and the module);
``tests/release/test_no_solution_in_disguise.py`` runs them on every assignment.
"""

from __future__ import annotations

import ast
import contextlib
import copy
import dataclasses
import importlib
import inspect
import io
import json
import os
import re
import signal
import subprocess
import sys
import threading
import types
import warnings
from pathlib import Path

import numpy as np

from .. import manifest as manifests
from ..checklib.local import time_limit
from ..paths import KIT_ROOT
from .selfcheck import DistError, SelfCheck

#: A candidate call that runs longer than this is stopped and skipped.
TIME_LIMIT_S = 1.0
#: Recorded outputs and candidate values are "the same" under np.allclose with these tolerances.
RTOL, ATOL = 1e-5, 1e-8

SQUASH = re.compile(r"tanh|sigmoid|expit|logistic", re.IGNORECASE)
EXP = ("exp",)
PRODUCTS = ("dot", "matmul", "einsum", "tensordot", "inner", "multi_dot")
#: Names of a recurrent (hidden-to-hidden) weight: Wh, W_h, Whh, W_hh, Wh_g, weight_hh_l0, ...
RECURRENT_WEIGHT = re.compile(r"^(w_?hh?|weight_hh)(_\w*|\d*)$", re.IGNORECASE)
LOOPS = (ast.For, ast.AsyncFor, ast.While, ast.ListComp, ast.SetComp, ast.GeneratorExp, ast.DictComp)


@dataclasses.dataclass(frozen=True)
class Leak:
    """One finding: ``kind`` "semantic" or "static", the shipped ``module`` (its path in the student
    zip), the ``function`` (qualified name) and what was found."""

    kind: str
    module: str
    function: str
    detail: str

    def __str__(self) -> str:
        return f"{self.module}: {self.function}: {self.detail}"


@dataclasses.dataclass(frozen=True)
class Shipped:
    """A Python source of the student zip: its ``path`` in the zip, its ``text``, the kit file it is a
    copy of (``source``, None for generated text) and its ``kind``: "module" (next to the public
    checks), "package" (``autograder/``), "notebook" (the handout notebook's code cells) or "generated"."""

    path: str
    text: str
    source: Path | None
    kind: str


# ---------------------------------------------------------------------------------------------- what ships


def placeholder_selfcheck(manifest: manifests.Manifest) -> SelfCheck:
    """A stand-in for the grader's self-check (1 public point per function), so the student zip's
    entries can be listed without grading; only numbers in the README and otter's files differ."""
    tests = [{"name": f"{f}: placeholder", "visibility": "visible", "max_score": 1.0} for f in manifest.functions]
    return SelfCheck({"tests": tests}, {"tests": []})


def notebook_code(ipynb_text: str) -> str:
    """The code cells of a notebook as one Python source (IPython magics and shell lines commented out)."""
    cells = json.loads(ipynb_text).get("cells", [])
    lines = []
    for cell in cells:
        if cell.get("cell_type") != "code":
            continue
        source = cell.get("source", "")
        source = "".join(source) if isinstance(source, list) else source
        for line in source.splitlines():
            lines.append("# " + line if line.lstrip().startswith(("%", "!")) else line)
        lines.append("")
    return "\n".join(lines)


def shipped_sources(manifest: manifests.Manifest, entries=None) -> list[Shipped]:
    """Every Python source of the assignment's student zip, templates and provided files excepted.

    ``entries`` are the zip's entries (``student_zip.student_entries``); by default they are listed
    with a placeholder self-check."""
    if entries is None:
        from .student_zip import student_entries  # (student_zip imports the handout builders)

        entries = student_entries(manifest, placeholder_selfcheck(manifest))
    excepted = set(manifest.files) | set(manifest.provided)
    public = {p.parent.relative_to(manifest.root).as_posix(): p.parent for p in manifest.public_checks}
    found = []
    for path, data in sorted(entries.items()):
        if path in excepted:
            continue
        if path.endswith(".ipynb"):
            found.append(Shipped(path, notebook_code(data.decode("utf-8")), None, "notebook"))
        elif path.endswith(".py"):
            folder, _, rest = path.partition("/")
            if folder == "autograder":
                source, kind = KIT_ROOT / path, "package"
            elif folder in public:
                source, kind = public[folder] / rest, "module"
            else:
                source, kind = None, "generated"
            if source is not None and (not source.is_file() or source.read_bytes() != data):
                source = None  # not a copy of a kit file after all: scanned as text only
            found.append(Shipped(path, data.decode("utf-8"), source, kind))
    return found


# ---------------------------------------------------------------------------------------------- static


def _name_of(func: ast.AST) -> str:
    if isinstance(func, ast.Name):
        return func.id
    if isinstance(func, ast.Attribute):
        return func.attr
    return ""


def _mentions_recurrent_weight(node: ast.AST) -> bool:
    for sub in ast.walk(node):
        if isinstance(sub, ast.Name) and RECURRENT_WEIGHT.match(sub.id):
            return True
        if isinstance(sub, ast.Attribute) and RECURRENT_WEIGHT.match(sub.attr):
            return True
        if isinstance(sub, ast.Constant) and isinstance(sub.value, str) and RECURRENT_WEIGHT.match(sub.value):
            return True
    return False


def _has_recurrent_product(node: ast.AST) -> bool:
    """Whether ``node`` holds a matrix product one of whose factors mentions a recurrent weight."""
    for sub in ast.walk(node):
        if isinstance(sub, ast.BinOp) and isinstance(sub.op, ast.MatMult):
            if _mentions_recurrent_weight(sub.left) or _mentions_recurrent_weight(sub.right):
                return True
        elif isinstance(sub, ast.Call) and _name_of(sub.func) in PRODUCTS:
            parts = list(sub.args) + [k.value for k in sub.keywords]
            if isinstance(sub.func, ast.Attribute):
                parts.append(sub.func.value)  # h.dot(Wh), Wh.dot(...), np.dot(...)
            if any(_mentions_recurrent_weight(p) for p in parts):
                return True
    return False


def _names(node: ast.AST) -> set[str]:
    return {sub.id for sub in ast.walk(node) if isinstance(sub, ast.Name)}


def _assigned(target: ast.AST) -> set[str]:
    """Names a target binds or updates (``h``, ``h, c``, ``out[t]`` -> out, ``self.h`` -> self)."""
    if isinstance(target, ast.Name):
        return {target.id}
    if isinstance(target, (ast.Tuple, ast.List)):
        return set().union(*(_assigned(e) for e in target.elts)) if target.elts else set()
    if isinstance(target, ast.Starred):
        return _assigned(target.value)
    if isinstance(target, (ast.Subscript, ast.Attribute)):
        return _assigned(target.value)
    return set()


def _assignments(body: list[ast.AST]) -> list[tuple[set[str], ast.AST]]:
    found = []
    for node in body:
        for sub in ast.walk(node):
            if isinstance(sub, ast.Assign):
                found.append((set().union(*(_assigned(t) for t in sub.targets)), sub.value))
            elif isinstance(sub, (ast.AugAssign, ast.AnnAssign)) and sub.value is not None:
                found.append((_assigned(sub.target), sub.value))
            elif isinstance(sub, ast.NamedExpr):
                found.append((_assigned(sub.target), sub.value))
    return found


def _tainted(body: list[ast.AST], seed: set[str] = frozenset()) -> set[str]:
    """Names assigned in ``body`` from a recurrent product or from another such name (a fixpoint)."""
    assignments = _assignments(body)
    tainted = set(seed)
    changed = True
    while changed:
        changed = False
        for targets, value in assignments:
            if targets - tainted and (_has_recurrent_product(value) or _names(value) & tainted):
                tainted |= targets
                changed = True
    return tainted


def _exp_names(body: list[ast.AST]) -> set[str]:
    return {n for targets, value in _assignments(body) for n in targets
            if any(isinstance(s, ast.Call) and _name_of(s.func) in EXP for s in ast.walk(value))}


def _squashes(body: list[ast.AST], exp_names: set[str]):
    """(node, what, squashed expressions) for every tanh or sigmoid applied in ``body``."""
    for node in body:
        for sub in ast.walk(node):
            if isinstance(sub, ast.Call) and SQUASH.search(_name_of(sub.func) or ""):
                yield sub, _name_of(sub.func), list(sub.args) + [k.value for k in sub.keywords]
            elif isinstance(sub, ast.BinOp) and isinstance(sub.op, ast.Div):
                denominator = sub.right
                adds = [s for s in ast.walk(denominator) if isinstance(s, ast.BinOp) and isinstance(s.op, ast.Add)]
                if any(any(isinstance(s, ast.Call) and _name_of(s.func) in EXP for s in ast.walk(a))
                       or _names(a) & exp_names for a in adds):
                    yield sub, "1 / (1 + exp(...))", [sub]


def _loop_body(loop: ast.AST) -> list[ast.AST]:
    if isinstance(loop, (ast.For, ast.AsyncFor, ast.While)):
        return [*loop.body, *loop.orelse]
    if isinstance(loop, ast.DictComp):
        return [loop.key, loop.value, *[i for g in loop.generators for i in g.ifs]]
    return [loop.elt, *[i for g in loop.generators for i in g.ifs]]


def _functions(tree: ast.AST):
    """(qualified name, node) of every function in ``tree``, and ("<module>", tree)."""
    yield "<module>", tree

    def walk(node, prefix):
        for child in ast.iter_child_nodes(node):
            if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef)):
                name = f"{prefix}{child.name}"
                yield name, child
                yield from walk(child, name + ".")
            elif isinstance(child, ast.ClassDef):
                yield from walk(child, f"{prefix}{child.name}.")
            else:
                yield from walk(child, prefix)

    yield from walk(tree, "")


def _walk_own(node: ast.AST):
    """``ast.walk`` without entering the functions and classes nested in ``node``."""
    todo = [node]
    while todo:
        current = todo.pop()
        yield current
        for child in ast.iter_child_nodes(current):
            if not isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda)):
                todo.append(child)


def _applies_squash_to_product(body: list[ast.AST], seed: set[str] = frozenset()) -> tuple[ast.AST, str] | None:
    tainted = _tainted(body, seed)
    exp_names = _exp_names(body)
    for node, what, args in _squashes(body, exp_names):
        if any(_has_recurrent_product(a) or _names(a) & tainted for a in args):
            return node, what
    return None


def static_leaks_in(text: str, path: str) -> list[Leak]:
    """The static check on one Python source (``path`` names it in the findings)."""
    try:
        tree = ast.parse(text, filename=path)
    except SyntaxError as exc:
        return [Leak("static", path, "<module>", f"cannot be parsed ({exc.msg}, line {exc.lineno}), so it cannot "
                     "be checked")]
    functions = list(_functions(tree))
    loops = []  # (function's qualified name, loop)
    for name, function in functions:
        for child in ast.iter_child_nodes(function):
            if not isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda)):
                loops += [(name, s) for s in _walk_own(child) if isinstance(s, LOOPS)]
    leaks, recurrences = [], set()
    for name, loop in loops:
        found = _applies_squash_to_product(_loop_body(loop))
        if found is not None:
            squash, what = found
            recurrences.add(name)
            leaks.append(Leak("static", path, name, (
                f"the loop at line {loop.lineno} applies {what} (line {squash.lineno}) to a product with a "
                "recurrent weight: that is a forward recurrence")))
    # one step of a recurrence in a function of this file, called from a loop: the same recurrence
    steps = {name.rsplit(".", 1)[-1] for name, node in functions
             if name != "<module>" and name not in recurrences and _applies_squash_to_product(node.body)}
    for name, loop in loops:
        if name in recurrences:
            continue
        body = _loop_body(loop)
        called = sorted({_name_of(s.func) for b in body for s in ast.walk(b)
                         if isinstance(s, ast.Call) and _name_of(s.func) in steps})
        if called:
            leaks.append(Leak("static", path, name, (
                f"the loop at line {loop.lineno} calls {', '.join(called)}, which applies tanh or a sigmoid to a "
                "product with a recurrent weight: that is a forward recurrence")))
    unique = {(leak.module, leak.function, leak.detail): leak for leak in leaks}
    return list(unique.values())


def static_leaks(manifest: manifests.Manifest, sources: list[Shipped] | None = None) -> list[Leak]:
    """The static check on every shipped source of ``manifest``'s student zip."""
    leaks = []
    for shipped in sources if sources is not None else shipped_sources(manifest):
        leaks += static_leaks_in(shipped.text, shipped.path)
    return leaks


# ---------------------------------------------------------------------------------------------- semantic


@dataclasses.dataclass
class Recorded:
    """One call the worked examples made into the reference."""

    function: str
    args: tuple
    kwargs: dict
    result: object
    example: str


class _Recorder:
    """Stands for the reference while the worked examples run; keeps every call."""

    def __init__(self, inner):
        self._inner = inner
        self.calls: list[Recorded] = []
        self.example = ""

    def call(self, name, *args, **kwargs):
        before = copy.deepcopy((args, kwargs))
        result = self._inner.call(name, *args, **kwargs)
        self.calls.append(Recorded(name, before[0], before[1], copy.deepcopy(result), self.example))
        return result

    def watch(self, name, *args, **kwargs):
        args, kwargs = copy.deepcopy(args), copy.deepcopy(kwargs)
        return self.call(name, *args, **kwargs), args, kwargs

    def call_many(self, name, calls):
        out = []
        for args in calls:
            try:
                out.append(self.call(name, *args))
            except Exception as exc:  # as LocalSubmission.call_many
                out.append(exc)
        return out

    def reset(self):
        pass

    def __getattr__(self, name):
        if name.startswith("_"):
            raise AttributeError(name)
        return lambda *args, **kwargs: self.call(name, *args, **kwargs)


def _arrays_in(value, depth: int = 3, seen=None) -> list[np.ndarray]:
    """The numeric ndarrays in ``value`` (through tuples, lists, dicts and objects' attributes)."""
    seen = set() if seen is None else seen
    if id(value) in seen:
        return []
    seen.add(id(value))
    if isinstance(value, np.ndarray):
        return [value] if value.dtype.kind in "biuf" else []
    if depth <= 0:
        return []
    if isinstance(value, (tuple, list)):
        items = value
    elif isinstance(value, dict):
        items = list(value.values())
    elif dataclasses.is_dataclass(value) and not isinstance(value, type):
        items = [getattr(value, f.name, None) for f in dataclasses.fields(value)]
    elif hasattr(value, "__dict__") and not isinstance(value, (type, types.ModuleType, types.FunctionType)):
        items = list(vars(value).values())
    else:
        return []
    return [a for item in items for a in _arrays_in(item, depth - 1, seen)]


def _top_arrays(result) -> list[tuple[str, np.ndarray]]:
    """The ndarray outputs of a recorded result: the result itself, or the ndarrays it holds directly."""
    if isinstance(result, np.ndarray):
        return [("output", result)]
    if isinstance(result, (tuple, list)):
        return [(f"output {i}", v) for i, v in enumerate(result) if isinstance(v, np.ndarray)]
    if isinstance(result, dict):
        return [(f"output {k!r}", v) for k, v in result.items() if isinstance(v, np.ndarray)]
    return []


def _distinct(calls: list[Recorded]) -> list[Recorded]:
    """The recorded calls without repeats (a backward's example runs the forward's example again)."""
    out, seen = [], set()
    for call in calls:
        try:
            key = (call.function, repr([(a.shape, a.tobytes()) if isinstance(a, np.ndarray) else repr(a)
                                        for a in (*call.args, *call.kwargs.items())]))
        except Exception:  # noqa: BLE001
            key = (call.function, id(call))
        if key not in seen:
            seen.add(key)
            out.append(call)
    return out


def _same(a: np.ndarray, b: np.ndarray) -> bool:
    if a.shape != b.shape:
        return False
    try:
        return bool(np.allclose(a, b, rtol=RTOL, atol=ATOL))
    except (TypeError, ValueError):
        return False


@dataclasses.dataclass
class _Target:
    array: np.ndarray
    function: str
    output: str
    example: str

    def __post_init__(self):
        self.first = float(self.array.flat[0])  # a quick first test before np.allclose

    def near(self, array: np.ndarray) -> bool:
        try:
            first = float(array.flat[0])
        except (TypeError, ValueError, OverflowError):
            return False
        return abs(first - self.first) <= ATOL + RTOL * abs(self.first) and _same(array, self.array)

    def describe(self) -> str:
        return f"{self.function}'s {self.output} on worked example {self.example}"


def _targets(calls: list[Recorded]) -> list[_Target]:
    """Every recorded output that is evidence: not constant, not one of its call's own inputs."""
    out = []
    for call in calls:
        inputs = _arrays_in((call.args, call.kwargs))
        for label, array in _top_arrays(call.result):
            if array.dtype.kind not in "biuf" or array.size == 0:
                continue
            flat = array.ravel()
            if np.all(flat == flat[0]):
                continue
            if any(_same(array, a) for a in inputs):
                continue
            out.append(_Target(np.array(array, dtype=np.float64), call.function, label, call.example))
    return out


class _Refused(Exception):
    pass


def _refuse(*args, **kwargs):
    raise _Refused("not while looking for leaks")


_WRITE_FLAGS = os.O_WRONLY | os.O_RDWR | os.O_CREAT | os.O_APPEND | os.O_TRUNC


def _read_only_open(original):
    def opener(file, mode="r", *args, **kwargs):
        if any(c in str(mode) for c in "wax+"):
            raise _Refused("not while looking for leaks")
        return original(file, mode, *args, **kwargs)
    return opener


def _read_only_os_open(original):
    def opener(path, flags, *args, **kwargs):
        if flags & _WRITE_FLAGS:
            raise _Refused("not while looking for leaks")
        return original(path, flags, *args, **kwargs)
    return opener


@contextlib.contextmanager
def _contained():
    """What a candidate may not do while it runs (start processes, exit, write, move or delete files,
    change folder), and what is put back afterwards (import path, environment, signal handlers,
    Hypothesis' profile, warnings, numpy's error state, output)."""
    from hypothesis import settings as hypothesis_settings

    import builtins
    import shutil

    refused = [(subprocess.Popen, "_execute_child"), (os, "system"), (os, "fork"), (os, "_exit"), (os, "chdir"),
               (os, "kill"), (os, "killpg"), (os, "execv"), (os, "execve"), (os, "execvp"), (os, "posix_spawn"),
               (os, "remove"), (os, "unlink"), (os, "rmdir"), (os, "rename"), (os, "replace"), (os, "mkdir"),
               (os, "makedirs"), (os, "symlink"), (os, "link"), (os, "truncate"), (os, "chmod"), (os, "utime"),
               (shutil, "rmtree"), (shutil, "move"), (shutil, "copyfile"), (shutil, "copytree")]
    saved = [(owner, name, getattr(owner, name)) for owner, name in refused if hasattr(owner, name)]
    replaced = [(builtins, "open", _read_only_open(builtins.open)), (io, "open", _read_only_open(io.open)),
                (os, "open", _read_only_os_open(os.open))]
    saved += [(owner, name, getattr(owner, name)) for owner, name, _ in replaced]
    path, environ, cwd = list(sys.path), dict(os.environ), os.getcwd()
    profile = getattr(hypothesis_settings, "_current_profile", None)
    handlers = {s: signal.getsignal(s) for s in (signal.SIGINT, signal.SIGTERM)}
    for owner, name, _ in saved[:len(saved) - len(replaced)]:
        setattr(owner, name, _refuse)
    for owner, name, value in replaced:
        setattr(owner, name, value)
    try:
        with warnings.catch_warnings(), np.errstate(), contextlib.redirect_stdout(io.StringIO()), \
                contextlib.redirect_stderr(io.StringIO()):
            warnings.simplefilter("ignore")
            yield
    finally:
        for owner, name, value in saved:
            setattr(owner, name, value)
        sys.path[:] = path
        os.environ.clear()
        os.environ.update(environ)
        if os.getcwd() != cwd:
            os.chdir(cwd)
        for s, h in handlers.items():
            if signal.getsignal(s) is not h and threading.current_thread() is threading.main_thread():
                signal.signal(s, h)
        if profile is not None and getattr(hypothesis_settings, "_current_profile", None) != profile:
            hypothesis_settings.load_profile(profile)


class _Watch:
    """A trace function: every frame of a shipped file is looked at when it returns."""

    def __init__(self, files: dict[str, str], targets: list[_Target]):
        self.files = files  # real file name -> path in the zip
        self.by_shape: dict[tuple, list[_Target]] = {}
        for t in targets:
            self.by_shape.setdefault(t.array.shape, []).append(t)
        self.inputs: list[np.ndarray] = []
        self.candidate = ""
        self.found: dict[tuple, Leak] = {}

    def __call__(self, frame, event, arg):
        if event == "call" and frame.f_code.co_filename in self.files:
            frame.f_trace_lines = False
            return self._local
        return None

    def _local(self, frame, event, arg):
        if event == "return":
            try:
                values = list(frame.f_locals.items())
                values.append(("(returned)", arg))
                for name, value in values:
                    for array in _arrays_in(value, depth=1):
                        self._compare(frame, name, array)
            except Exception:  # noqa: BLE001 (an odd local, e.g. a proxy: nothing to compare; keep tracing)
                pass
        return self._local

    def _compare(self, frame, name: str, array: np.ndarray) -> None:
        for target in self.by_shape.get(array.shape, ()):
            if target.near(array) and not any(_same(target.array, a) for a in self.inputs):
                module = self.files[frame.f_code.co_filename]
                function = getattr(frame.f_code, "co_qualname", frame.f_code.co_name)
                key = (module, function, target.function, target.output)
                if key not in self.found:
                    what = "returns" if name == "(returned)" else f"holds in '{name}'"
                    self.found[key] = Leak("semantic", module, function, (
                        f"{what} {target.describe()} (found calling {self.candidate}): it computes a student function"))


def _load_public(sources: list[Shipped], folders: list[Path]) -> dict[str, types.ModuleType]:
    """The shipped modules next to the public checks, freshly imported under their own names."""
    names = [s.source.stem for s in sources if s.kind == "module" and s.source is not None]
    for name in names:
        sys.modules.pop(name, None)
    for folder in reversed(folders):
        sys.path.insert(0, str(folder))
    modules = {}
    for shipped in sources:
        if shipped.kind == "module" and shipped.source is not None:
            try:
                modules[shipped.path] = importlib.import_module(shipped.source.stem)
            except BaseException:  # noqa: BLE001 (a module that cannot be imported computes nothing here)
                continue
    return modules


def _load_package(sources: list[Shipped]) -> dict[str, types.ModuleType]:
    modules = {}
    for shipped in sources:
        if shipped.kind != "package" or shipped.source is None or shipped.source.name == "__main__.py":
            continue  # (__main__ runs the command line when imported)
        dotted = shipped.path.removesuffix(".py").removesuffix("/__init__").replace("/", ".")
        try:
            modules[shipped.path] = importlib.import_module(dotted)
        except BaseException:  # noqa: BLE001
            continue
    return modules


def _notebook_namespace(shipped: Shipped) -> tuple[str, dict]:
    """The notebook's imports, functions and classes (wherever a cell defines them, e.g. inside
    ``with demo():``), executed without the cells' other statements; returns (file name, namespace)."""
    filename = f"<{shipped.path}>"
    try:
        tree = ast.parse(shipped.text, filename=filename)
    except SyntaxError:
        return filename, {}
    namespace: dict = {"__name__": "__notebook__"}
    definitions = []

    def collect(statements):
        for node in statements:
            if isinstance(node, (ast.Import, ast.ImportFrom, ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                definitions.append(node)
            elif isinstance(node, (ast.With, ast.If, ast.Try, ast.For, ast.While)):
                for field in ("body", "orelse", "finalbody"):
                    collect(getattr(node, field, []) or [])
                for handler in getattr(node, "handlers", []) or []:
                    collect(handler.body)

    collect(tree.body)
    for node in definitions:
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            modules = [a.name for a in node.names] if isinstance(node, ast.Import) else [node.module or ""]
            if node.__class__ is ast.ImportFrom and node.level or any(m.split(".")[0] not in sys.modules
                                                                      for m in modules):
                continue  # only what is loaded already: importing (a template, otter) may run anything
        code = compile(ast.Module(body=[node], type_ignores=[]), filename, "exec")
        try:
            with time_limit(TIME_LIMIT_S):
                exec(code, namespace)  # noqa: S102 (the kit's own notebook, definitions only)
        except BaseException:  # noqa: BLE001 (an import of a template or of a missing package)
            continue
    return filename, namespace


def _defined_in(obj, filenames: set[str]) -> bool:
    code = getattr(obj, "__code__", None)
    return code is not None and code.co_filename in filenames


def _candidates(namespace: dict, filenames: set[str], label: str):
    """(name, callable) for every function defined in a shipped file, found in ``namespace``: module
    functions, static and class methods (instance methods are called on objects, see below)."""
    for name, obj in list(namespace.items()):
        if inspect.isfunction(obj) and _defined_in(obj, filenames):
            yield f"{label}.{name}", obj
        elif inspect.isclass(obj) and any(_defined_in(v, filenames) for v in _class_functions(obj)):
            for attr, value in vars(obj).items():
                if isinstance(value, staticmethod) and _defined_in(value.__func__, filenames):
                    yield f"{label}.{name}.{attr}", value.__func__
                elif isinstance(value, classmethod) and _defined_in(value.__func__, filenames):
                    yield f"{label}.{name}.{attr}", getattr(obj, attr)


def _class_functions(cls) -> list:
    out = []
    for value in vars(cls).values():
        if isinstance(value, (staticmethod, classmethod)):
            out.append(value.__func__)
        elif isinstance(value, property):
            out += [f for f in (value.fget,) if f is not None]
        elif inspect.isfunction(value):
            out.append(value)
    return out


_MUTATORS = {"__init__", "__new__", "__setattr__", "__delattr__", "__del__", "__init_subclass__", "__post_init__",
             "__setitem__", "__delitem__", "__enter__", "__exit__", "__set_name__", "__setstate__"}


def _objects(modules: list[types.ModuleType], filenames: set[str]) -> list[object]:
    """Objects of shipped classes that the worked examples' modules hold (e.g. the examples' cases),
    directly or in a dict, list or tuple."""
    found, seen = [], set()

    def visit(value, depth):
        if id(value) in seen:
            return
        seen.add(id(value))
        if isinstance(value, dict) and depth:
            for v in list(value.values()):
                visit(v, depth - 1)
        elif isinstance(value, (list, tuple)) and depth:
            for v in value:
                visit(v, depth - 1)
        elif not isinstance(value, (type, types.ModuleType, types.FunctionType)) \
                and any(_defined_in(f, filenames) for c in type(value).__mro__ for f in _class_functions(c)):
            found.append(value)

    for module in modules:
        for name, value in vars(module).items():
            if not name.startswith("__"):
                visit(value, 2)
    return found


def _methods(obj, filenames: set[str]):
    """(name, zero-argument callable) for every method and property of ``obj``'s shipped classes."""
    done = set()
    for cls in type(obj).__mro__:
        for attr, value in vars(cls).items():
            if attr in done or attr in _MUTATORS:
                continue
            if isinstance(value, property) and value.fget is not None and _defined_in(value.fget, filenames):
                done.add(attr)
                yield attr, (lambda o, a=attr: getattr(o, a)), value.fget
            elif inspect.isfunction(value) and _defined_in(value, filenames):
                done.add(attr)
                yield attr, (lambda o, a=attr: getattr(o, a)()), value


def _required(fn) -> tuple[list[str], bool]:
    """Names of ``fn``'s required parameters, and whether all of them can be passed by name."""
    try:
        parameters = inspect.signature(fn).parameters.values()
    except (TypeError, ValueError):
        return [], False
    required = [p for p in parameters if p.default is p.empty
                and p.kind not in (p.VAR_POSITIONAL, p.VAR_KEYWORD)]
    return [p.name for p in required], all(p.kind is not p.POSITIONAL_ONLY for p in required)


def _binds(fn, args, kwargs) -> bool:
    try:
        inspect.signature(fn).bind(*args, **kwargs)
        return True
    except (TypeError, ValueError):
        return False


def _named_arguments(reference, call: Recorded) -> dict:
    """The recorded call's arguments by the reference function's parameter names."""
    try:
        fn = reference._function(call.function)
        bound = inspect.signature(fn).bind(*call.args, **call.kwargs)
        bound.apply_defaults()
        return dict(bound.arguments)
    except Exception:  # noqa: BLE001
        return {}


def _run(watch: _Watch, label: str, fn, args=(), kwargs=None) -> None:
    args, kwargs = copy.deepcopy((tuple(args), dict(kwargs or {})))
    watch.candidate = label
    watch.inputs = _arrays_in((args, kwargs))
    previous = sys.gettrace()
    try:
        with time_limit(TIME_LIMIT_S):
            sys.settrace(watch)
            try:
                fn(*args, **kwargs)
            finally:
                sys.settrace(previous)
    except BaseException:  # noqa: BLE001 (a candidate that raises, exits or runs too long is skipped)
        pass


def semantic_leaks(manifest: manifests.Manifest, sources: list[Shipped] | None = None) -> list[Leak]:
    """The semantic check on every shipped source of ``manifest``'s student zip (see the module's
    docstring)."""
    from ..checklib.examples import examples_of
    from ..grading.grade import reference_submission
    from ..loader import load_module

    sources = sources if sources is not None else shipped_sources(manifest)
    public_folders = sorted({p.parent for p in manifest.public_checks})
    module_names = [s.source.stem for s in sources if s.kind == "module" and s.source is not None]
    saved_modules = {name: sys.modules.get(name) for name in module_names}
    saved_path = list(sys.path)
    try:
        public = _load_public(sources, public_folders)
        # 1. the worked examples, run on the reference through the recorder
        reference = reference_submission(manifest)
        recorder = _Recorder(reference)
        example_modules = []
        by_source = {s.source: public[s.path] for s in sources if s.path in public}
        for path in manifest.examples:
            module = by_source.get(path) or load_module(path, f"_leaks_{manifest.name}_{path.stem}")
            example_modules.append(module)
            for example in examples_of(module):
                recorder.example = example.__name__
                example(recorder)
        calls = _distinct(recorder.calls)
        targets = _targets(calls)
        if not targets:
            return []
        # 2. every shipped function, called on those inputs, watched
        files: dict[str, str] = {}
        namespaces: list[tuple[str, dict]] = []
        for s in sources:
            if s.kind == "module" and s.path in public:
                files[public[s.path].__file__] = s.path
                namespaces.append((s.path, vars(public[s.path])))
        for path, module in _load_package(sources).items():
            files[module.__file__] = path
            namespaces.append((path, vars(module)))
        for s in sources:
            if s.kind == "notebook":
                filename, namespace = _notebook_namespace(s)
                files[filename] = s.path
                namespaces.append((s.path, namespace))
        filenames = set(files)
        watch = _Watch(files, targets)
        named = [(call, _named_arguments(reference, call)) for call in calls]
        objects = _objects(example_modules, filenames)
        with _contained():
            for label, namespace in namespaces:
                for name, fn in _candidates(namespace, filenames, label):
                    required, by_name = _required(fn)
                    for call, names in named:
                        if _binds(fn, call.args, call.kwargs):
                            _run(watch, f"{name}(<inputs of {call.function}>)", fn, call.args, call.kwargs)
                        if by_name and required and set(required) <= set(names):
                            params = inspect.signature(fn).parameters
                            _run(watch, f"{name}(<inputs of {call.function}, by name>)", fn,
                                 kwargs={p: names[p] for p in params if p in names})
                    if len(required) == 1:
                        for obj in objects:
                            if _binds(fn, (obj,), {}):
                                _run(watch, f"{name}(<{type(obj).__name__} of the worked examples>)", fn, (obj,))
            for obj in objects:
                kind = type(obj).__name__
                for attr, call_it, fn in _methods(obj, filenames):
                    _run(watch, f"{kind}.{attr} of a worked example", call_it, (obj,))
                    method = getattr(obj, attr, None) if inspect.isfunction(fn) else None
                    if callable(method):
                        for call, _ in named:
                            if _binds(method, call.args, call.kwargs):
                                _run(watch, f"{kind}.{attr}(<inputs of {call.function}>)",
                                     lambda _o, *a, _m=attr, **k: getattr(_o, _m)(*a, **k), (obj, *call.args),
                                     call.kwargs)
        return list(watch.found.values())
    finally:
        sys.path[:] = saved_path
        for name, module in saved_modules.items():
            if module is None:
                sys.modules.pop(name, None)
            else:
                sys.modules[name] = module


# ---------------------------------------------------------------------------------------------- the gate


def find_leaks(manifest: manifests.Manifest, entries=None) -> list[Leak]:
    """Both checks on ``manifest``'s student zip (``entries``, or as ``student_entries`` lists it)."""
    sources = shipped_sources(manifest, entries)
    return static_leaks(manifest, sources) + semantic_leaks(manifest, sources)


def check(manifest: manifests.Manifest, entries=None) -> None:
    """Raise DistError naming every function, and its module, that would ship a solution in disguise."""
    leaks = find_leaks(manifest, entries)
    if leaks:
        raise DistError(f"{manifest.name}: refusing to build: the student zip would ship code that computes a student "
                        "function (a solution in disguise; move it to the grader's side, hidden/):\n  "
                        + "\n  ".join(str(leak) for leak in leaks))
