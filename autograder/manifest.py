"""An assignment's manifest (`assignments/<name>/manifest.toml`): student files, checks, limits."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path

from .paths import ASSIGNMENTS

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
        hidden_visibility: Gradescope visibility of hidden checks' results.
        call_timeout_s: wall-clock limit of one call into student code.
        memory_mb: address-space limit of the sandboxed worker.
    """

    name: str
    title: str
    root: Path
    files: dict[str, tuple[str, ...]]
    public_checks: tuple[Path, ...]
    hidden_checks: tuple[Path, ...]
    hidden_visibility: str
    call_timeout_s: float
    memory_mb: int

    @property
    def functions(self) -> dict[str, str]:
        """Function name -> the student file that defines it."""
        return {fn: file for file, fns in self.files.items() for fn in fns}

    @property
    def module_names(self) -> tuple[str, ...]:
        """Module names of the student files, e.g. ("rnn", "lstm", "gru")."""
        return tuple(Path(f).stem for f in self.files)


def available() -> list[str]:
    """Names of the assignments that have a manifest."""
    return sorted(p.parent.name for p in ASSIGNMENTS.glob("*/manifest.toml"))


def load(name: str, root: Path = ASSIGNMENTS) -> Manifest:
    """Read and validate `<root>/<name>/manifest.toml`."""
    path = root / name / "manifest.toml"
    if not path.is_file():
        raise ManifestError(f"unknown assignment {name!r}; known assignments: {', '.join(available()) or 'none'}")
    return load_file(path, name)


def load_file(path: Path, name: str | None = None) -> Manifest:
    """Read and validate one manifest file (check paths are relative to its folder)."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise ManifestError(f"{path}: not valid TOML: {exc}") from exc
    try:
        files = {str(f): tuple(fns) for f, fns in data["files"].items()}
        checks = data["checks"]
        limits = data.get("limits", {})
        manifest = Manifest(
            name=str(data["name"]),
            title=str(data.get("title", data.get("name"))),
            root=path.parent,
            files=files,
            public_checks=tuple(path.parent / p for p in checks.get("public", [])),
            hidden_checks=tuple(path.parent / p for p in checks.get("hidden", [])),
            hidden_visibility=str(checks.get("hidden_visibility", "after_published")),
            call_timeout_s=float(limits.get("call_timeout_s", 5.0)),
            memory_mb=int(limits.get("memory_mb", 1536)),
        )
    except (KeyError, TypeError, AttributeError) as exc:
        raise ManifestError(f"{path}: missing or malformed entry: {exc}") from exc
    if name is not None and manifest.name != name:
        raise ManifestError(f"{path}: name = {manifest.name!r} but the folder is {name!r}")
    if manifest.hidden_visibility not in VISIBILITIES:
        raise ManifestError(f"{path}: hidden_visibility must be one of {VISIBILITIES}, got {manifest.hidden_visibility!r}")
    for file in files:
        if "/" in file or not file.endswith(".py"):
            raise ManifestError(f"{path}: student file {file!r} must be a plain .py file name")
    return manifest


def load_all() -> list[Manifest]:
    """Every assignment's manifest."""
    return [load(name) for name in available()]
