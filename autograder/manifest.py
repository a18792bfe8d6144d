"""An assignment's manifest (`assignments/<name>/manifest.toml`): what the assignment is, declared.

An assignment is one folder in each of the kit's places; the manifest names everything in them that
the kit uses, so nothing is found by a naming convention:

    assignments/<name>/manifest.toml   this file
    assignments/<name>/public/         checks, worked examples, strategies shipped to students
    assignments/<name>/hidden/         checks only the grader has
    assignments/<name>/handout/        README.md and notebook.py of the student handout
    assignments/<name>/data/           data files the handout (and outcome checks) use
    assignments/<name>/submissions/    example submissions and their expectations (mutation suite)
    assignments/<name>/class/          the bundled example class (generated from class.toml)
    solutions/<name>/                  the reference solutions (one file per student file)
    student_templates/<name>/          the templates generated from them
"""

from __future__ import annotations

try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10: the same parser, as a package (requirements/)
    import tomli as tomllib
from dataclasses import dataclass
from pathlib import Path

from .paths import ASSIGNMENTS, SOLUTIONS, TEMPLATES

VISIBILITIES = ("hidden", "after_due_date", "after_published", "visible")


class ManifestError(ValueError):
    """A manifest is missing or malformed (a kit error, not a student's)."""


@dataclass(frozen=True)
class Manifest:
    """What one assignment consists of.

    Attributes:
        name: the assignment's name, e.g. "recurrent".
        title: a one-line title for handouts and reports.
        root: the folder `assignments/<name>/`.
        files: student file name -> the functions it must define, e.g. {"rnn.py": ("rnn_step_forward", ...)}.
        public_checks: check files shipped to students (absolute paths).
        hidden_checks: check files only the grader has (absolute paths).
        examples: modules defining the worked examples (absolute paths; expected.npz is built from them).
        outcome_functions: functions graded on outcomes only (no worked example with exact values),
            e.g. a training loop.
        cache_functions: functions whose last return value is an opaque cache (kept in the worker,
            handed to the checks as a handle).
        provided: file name -> reference file shipped with the assignment and staged next to the
            student's files (not graded), e.g. {"rnn.py": solutions/recurrent/rnn.py}.
        provided_from: the assignment whose reference the provided files are ("" if none).
        data: data files of the handout and the outcome checks (absolute paths, under root).
        hidden_visibility: Gradescope visibility of hidden checks' results.
        accept_numbered_copies: grade a browser's copy ``rnn (1).py`` (or ``rnn-1.py``) as ``rnn.py`` when
            ``rnn.py`` is missing and the copy is the only candidate (``[submission]`` table).
        call_timeout_s: wall-clock limit of one call into student code.
        budget_s: wall-clock budget of all calls into student code in one grading; past it, the
            functions that used it up are not called again (their remaining checks fail as timed out).
        function_timeouts: function -> its own wall-clock limit per call, where it needs more than
            ``call_timeout_s`` (e.g. a training loop under a time budget).
        memory_mb: address-space limit of the sandboxed worker.
    """

    name: str
    title: str
    root: Path
    files: dict[str, tuple[str, ...]]
    public_checks: tuple[Path, ...]
    hidden_checks: tuple[Path, ...]
    examples: tuple[Path, ...]
    cache_functions: frozenset[str]
    outcome_functions: frozenset[str]
    provided: dict[str, Path]
    provided_from: str
    data: tuple[Path, ...]
    hidden_visibility: str
    accept_numbered_copies: bool
    call_timeout_s: float
    function_timeouts: dict[str, float]
    budget_s: float
    memory_mb: int

    @property
    def functions(self) -> dict[str, str]:
        """Function name -> the student file that defines it."""
        return {fn: file for file, fns in self.files.items() for fn in fns}

    @property
    def module_names(self) -> tuple[str, ...]:
        """Module names of the student files, e.g. ("rnn", "lstm", "gru")."""
        return tuple(Path(f).stem for f in self.files)

    @property
    def solutions(self) -> Path:
        """The reference solutions' folder, `solutions/<name>/`."""
        return SOLUTIONS / self.name

    @property
    def templates(self) -> Path:
        """The generated templates' folder, `student_templates/<name>/`."""
        return TEMPLATES / self.name

    @property
    def provided_dirs(self) -> list[Path]:
        """The folders of the provided files, for importing the reference next to them."""
        return sorted({p.parent for p in self.provided.values()})

    @property
    def submissions(self) -> Path:
        """Example submissions (mutation suite), `assignments/<name>/submissions/`."""
        return self.root / "submissions"

    @property
    def class_folder(self) -> Path:
        """The bundled example class, `assignments/<name>/class/`."""
        return self.root / "class"

    @property
    def check_dirs(self) -> tuple[Path, ...]:
        """Folders of the check files, public first (their modules import each other by name)."""
        dirs: list[Path] = []
        for path in (*self.public_checks, *self.hidden_checks):
            if path.parent not in dirs:
                dirs.append(path.parent)
        return tuple(dirs)

    def score_files(self) -> list[Path]:
        """Every file of this assignment that can change a score: manifest, checks and the modules
        next to them, worked examples, expected values, data, reference, provided files."""
        paths = {self.root / "manifest.toml", *self.examples, *self.data, *self.provided.values()}
        for folder in self.check_dirs:
            paths |= {p for p in folder.rglob("*") if p.is_file() and "__pycache__" not in p.parts}
        paths |= {self.solutions / f for f in self.files}
        return sorted(paths)


def available() -> list[str]:
    """Names of the assignments that have a manifest."""
    return sorted(p.parent.name for p in ASSIGNMENTS.glob("*/manifest.toml"))


def load(name: str, root: Path = ASSIGNMENTS) -> Manifest:
    """Read and validate `<root>/<name>/manifest.toml`."""
    path = root / name / "manifest.toml"
    if not path.is_file():
        raise ManifestError(f"unknown assignment {name!r}; known assignments: {', '.join(available()) or 'none'}")
    return load_file(path, name)


def _paths(base: Path, values, where: str) -> tuple[Path, ...]:
    if not isinstance(values, list) or not all(isinstance(v, str) for v in values):
        raise ManifestError(f"{where} must be a list of relative paths, got {values!r}")
    return tuple(base / v for v in values)


def load_file(path: Path, name: str | None = None) -> Manifest:
    """Read and validate one manifest file (paths in it are relative to its folder)."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise ManifestError(f"{path}: not valid TOML: {exc}") from exc
    base = path.parent
    try:
        files = {str(f): tuple(fns) for f, fns in data["files"].items()}
        checks = data["checks"]
        limits = data.get("limits", {})
        provided_table = data.get("provided", {})
        provided_from = str(provided_table.get("from", ""))
        provided = {str(f): SOLUTIONS / provided_from / str(f) for f in provided_table.get("files", [])}
        manifest = Manifest(
            name=str(data["name"]),
            title=str(data.get("title", data.get("name"))),
            root=base,
            files=files,
            public_checks=_paths(base, checks.get("public", []), f"{path}: [checks] public"),
            hidden_checks=_paths(base, checks.get("hidden", []), f"{path}: [checks] hidden"),
            examples=_paths(base, checks.get("examples", []), f"{path}: [checks] examples"),
            cache_functions=frozenset(str(f) for f in checks.get("cache_functions", [])),
            outcome_functions=frozenset(str(f) for f in checks.get("outcome_functions", [])),
            provided=provided,
            provided_from=provided_from,
            data=_paths(base, data.get("handout", {}).get("data", []), f"{path}: [handout] data"),
            hidden_visibility=str(checks.get("hidden_visibility", "after_published")),
            accept_numbered_copies=bool(data.get("submission", {}).get("accept_numbered_copies", False)),
            call_timeout_s=float(limits.get("call_timeout_s", 5.0)),
            function_timeouts={str(f): float(t) for f, t in limits.get("function_timeout_s", {}).items()},
            budget_s=float(limits.get("budget_s", 60.0)),
            memory_mb=int(limits.get("memory_mb", 1536)),
        )
    except (KeyError, TypeError, AttributeError) as exc:
        raise ManifestError(f"{path}: missing or malformed entry: {exc}") from exc
    if name is not None and manifest.name != name:
        raise ManifestError(f"{path}: name = {manifest.name!r} but the folder is {name!r}")
    if manifest.hidden_visibility not in VISIBILITIES:
        raise ManifestError(f"{path}: hidden_visibility must be one of {VISIBILITIES}, got {manifest.hidden_visibility!r}")
    for file in [*files, *provided]:
        if "/" in file or not file.endswith(".py"):
            raise ManifestError(f"{path}: student or provided file {file!r} must be a plain .py file name")
    clash = set(files) & set(provided)
    if clash:
        raise ManifestError(f"{path}: {sorted(clash)} are both student files and provided files")
    unknown = (manifest.cache_functions | manifest.outcome_functions | set(manifest.function_timeouts)) - set(manifest.functions)
    if unknown:
        raise ManifestError(f"{path}: cache_functions, outcome_functions or function_timeout_s name unknown functions {sorted(unknown)}")
    if provided and not provided_from:
        raise ManifestError(f"{path}: [provided] files need `from = \"<assignment>\"` (whose reference they are)")
    return manifest


def load_all() -> list[Manifest]:
    """Every assignment's manifest."""
    return [load(name) for name in available()]
