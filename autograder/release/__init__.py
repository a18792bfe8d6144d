"""``make dist``: build ``dist/<assignment>/`` for every assignment (the release builder), in five steps:

1. ``selfcheck.check_sources``: templates and expected.npz match solutions/; handout sources parse.
2. ``leaks.check``: nothing the student zip would ship computes a student function (no solution in
   disguise: a semantic and a static check, see leaks.py; else refuse, naming function and module).
3. ``selfcheck.verify``: the real grader gives the reference 100 % and the templates 0 (else refuse).
4. ``student_zip``: ``<name>-student.zip`` (templates, public checks, handout, notebook, otter tests).
5. ``gradescope_zip``: ``<name>-gradescope.zip`` (setup.sh, run_autograder, the kit's grader).

A refused assignment gets no zips (stale ones from an earlier build are removed).
"""

from __future__ import annotations

from pathlib import Path

from .. import manifest as manifests
from ..paths import DIST
from . import leaks
from .gradescope_zip import write_gradescope_zip
from .handout import HandoutError, notebook_text, readme
from .selfcheck import DistError, check_sources, verify
from .student_zip import write_student_zip

__all__ = ["DistError", "build", "build_all"]


def build(name: str, out_dir: Path = DIST, log=print) -> list[Path]:
    """Build ``out_dir/<name>/``; returns the zips written. Raises DistError (nothing written)."""
    manifest = manifests.load(name)
    target = Path(out_dir) / name
    for stale in target.glob("*.zip"):
        stale.unlink()
    check_sources(manifest)
    try:
        notebook_text(manifest)
    except HandoutError as exc:
        raise DistError(str(exc)) from None
    log(f"{name}: looking for solutions in disguise in what the student zip would ship ...")
    try:
        leaks.check(manifest)  # DistError naming each leaking function and its module
    except (HandoutError, ValueError) as exc:
        raise DistError(f"{name}: {exc}") from None
    log(f"{name}: grading the reference and the templates with the real grader ...")
    selfcheck = verify(manifest, target / "selfcheck")
    log(f"{name}: reference {selfcheck.reference['score']:g} / {selfcheck.reference['extra_data']['max_score']:g}, "
        f"templates {selfcheck.templates['score']:g}")
    if manifest.provided:
        log(f"{name}: NOTE: the student zip contains the `{manifest.provided_from}` reference "
            f"({', '.join(manifest.provided)}) as provided files: publish it only after `{manifest.provided_from}` closes")
    try:
        readme(manifest, selfcheck)
        written = [write_student_zip(manifest, selfcheck, target), write_gradescope_zip(manifest, target)]
    except (HandoutError, ValueError, OSError) as exc:
        for path in target.glob("*.zip"):
            path.unlink()
        raise DistError(f"{name}: {exc}") from exc
    return written


def build_all(out_dir: Path = DIST, log=print) -> list[Path]:
    """Build every assignment's distribution into ``out_dir``; returns the zips written.

    Raises DistError listing every assignment that was refused (after trying them all).
    """
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    written, errors = [], []
    for name in manifests.available():
        try:
            written += build(name, out_dir, log)
        except DistError as exc:
            errors.append(str(exc))
    if errors:
        raise DistError("\n".join(errors))
    return written
