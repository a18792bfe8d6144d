"""``dist/<assignment>/<assignment>-gradescope.zip``: what Gradescope's "Configure Autograder" takes.

Gradescope unpacks the zip into /autograder/source, runs ``setup.sh`` once when it builds the image,
then ``run_autograder`` once per submission (in a fresh container each time). The zip's root:

    setup.sh                     pip-only install (pinned) into a venv outside source/, bubblewrap
    run_autograder               hides source/ and the metadata, grades, writes results/results.json
    autograder/                  the kit's grader (without dist/)
    assignments/<name>/          manifest.toml, public/ and hidden/ checks (no handout)
    solutions/<files>            the reference solutions of this assignment only
    requirements/                grader.txt and constraints.txt (the pins)
"""

from __future__ import annotations

from pathlib import Path

from .. import manifest as manifests
from ..paths import KIT_ROOT
from .archive import Entries

SCRIPTS = Path(__file__).with_name("gradescope")


def script(name: str, assignment: str) -> str:
    """``setup.sh`` or ``run_autograder`` with the assignment's name filled in."""
    return (SCRIPTS / name).read_text(encoding="utf-8").replace("@ASSIGNMENT@", assignment)


def gradescope_entries(manifest: manifests.Manifest) -> Entries:
    entries = Entries()
    for name in ("setup.sh", "run_autograder"):
        entries.add_text(name, script(name, manifest.name), executable=True)
    entries.add_tree("autograder", KIT_ROOT / "autograder", skip=("__pycache__",))
    root = f"assignments/{manifest.name}"
    entries.add_file(f"{root}/manifest.toml", manifest.root / "manifest.toml")
    for folder in manifest.check_dirs:
        entries.add_tree(f"{root}/{folder.relative_to(manifest.root).as_posix()}", folder)
    for path in manifest.data:
        entries.add_file(f"{root}/{path.relative_to(manifest.root).as_posix()}", path)
    for file in manifest.files:
        entries.add_file(f"solutions/{manifest.name}/{file}", manifest.solutions / file)
    for file, source in manifest.provided.items():
        entries.add_file(f"solutions/{manifest.provided_from}/{file}", source)
    for name in ("grader.txt", "constraints.txt"):
        entries.add_file(f"requirements/{name}", KIT_ROOT / "requirements" / name)
    return entries


def write_gradescope_zip(manifest: manifests.Manifest, out_dir: Path) -> Path:
    """Write ``out_dir/<name>-gradescope.zip``."""
    return gradescope_entries(manifest).write_zip(out_dir / f"{manifest.name}-gradescope.zip")
