"""The handout of an assignment, from ``assignments/<name>/handout/``:

- ``README.md``: the task per function (written by hand), followed by the generated sections of
  ``student_readme.md`` (how to check your work, points, how to submit), filled in per assignment.
- ``notebook.py``: the walkthrough notebook's source (see notebooks.py), becoming ``<name>.ipynb``.
"""

from __future__ import annotations

from pathlib import Path

from .. import manifest as manifests
from . import notebooks
from .selfcheck import SelfCheck

COMMON = Path(__file__).with_name("student_readme.md")


class HandoutError(ValueError):
    """An assignment's handout sources are missing or malformed."""


def handout_dir(manifest: manifests.Manifest) -> Path:
    folder = manifest.root / "handout"
    for name in ("README.md", "notebook.py"):
        if not (folder / name).is_file():
            raise HandoutError(f"{manifest.name}: {folder / name} is missing (the handout's sources)")
    return folder


def notebook_name(manifest: manifests.Manifest) -> str:
    return f"{manifest.name}.ipynb"


def notebook_text(manifest: manifests.Manifest) -> str:
    """The handout notebook as .ipynb JSON (no outputs)."""
    try:
        return notebooks.notebook_text(handout_dir(manifest) / "notebook.py")
    except notebooks.NotebookSourceError as exc:
        raise HandoutError(str(exc)) from None


def _points_table(manifest: manifests.Manifest, selfcheck: SelfCheck) -> str:
    public, hidden = selfcheck.public_points(), selfcheck.hidden_points()
    rows = ["| file | function | public checks | hidden checks |", "|---|---|---:|---:|"]
    for file, functions in manifest.files.items():
        for f in functions:
            rows.append(f"| `{file}` | `{f}` | {public.get(f, 0):g} | {hidden.get(f, 0):g} |")
    total_public, total_hidden = sum(public.values()), sum(hidden.values())
    rows.append(f"| | **total** | **{total_public:g}** | **{total_hidden:g}** |")
    return "\n".join(rows)


def _commands(first_file: str, example: str) -> str:
    """The "Checking your work" command block, comments aligned."""
    rows = [
        ("python -m autograder check", "every public check, then what to fix"),
        (f"python -m autograder check --function {example}", "the checks of one function"),
        ("pytest", "the same checks with pytest (-x stops at the first failure)"),
        (f"pytest --function {example}", "one function"),
        (f"otter check {first_file} -q {example}", "otter's verdict on one function"),
        (f"otter check {first_file}", "otter's verdict on every function"),
    ]
    width = max(len(command) for command, _ in rows) + 2
    return "\n".join(f"{command:<{width}}# {comment}" for command, comment in rows)


def readme(manifest: manifests.Manifest, selfcheck: SelfCheck) -> str:
    """The student README: the hand-written task, then the generated common sections."""
    task = (handout_dir(manifest) / "README.md").read_text(encoding="utf-8").rstrip() + "\n\n"
    files = list(manifest.files)
    example = next(iter(manifest.functions))
    common = COMMON.read_text(encoding="utf-8").format(
        name=manifest.name,
        notebook=notebook_name(manifest),
        files=", ".join(f"`{f}`" for f in files),
        example=example,
        commands=_commands(files[0], example),
        points_table=_points_table(manifest, selfcheck),
        timeout=f"{manifest.call_timeout_s:g}",
        memory=manifest.memory_mb,
    )
    return task + common
