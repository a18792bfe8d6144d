"""``dist/<assignment>/<assignment>-student.zip``: what a student downloads.

    <assignment>/
        rnn.py ...               the templates (student_templates/), to complete
        README.md                the handout: the task per function, how to check, how to submit
        <assignment>.ipynb       the walkthrough notebook, with otter check cells
        data/*.csv               real series the notebook uses (sequences)
        manifest.toml            the student files and the public checks (nothing hidden)
        public/                  the public checks, worked examples, expected.npz
        tests/<function>.py      otter's test files (each runs that function's public checks)
        autograder/              the part of the kit that runs checks locally (modules.py)
        conftest.py, pytest.ini  make plain `pytest` run the public checks
        requirements.txt         what the student side needs (requirements/student.txt: ranges)
        requirements-otter.txt   otter-grader, installed with --no-deps (requirements/student-otter.txt)

Never solutions/, hidden/ or the reference: tests/release/test_dist.py scans the zip for them.
"""

from __future__ import annotations

import json
from pathlib import Path

from .. import manifest as manifests
from ..paths import KIT_ROOT
from .archive import Entries
from .handout import notebook_name, notebook_text, readme
from .modules import student_package_files
from .otter_tests import test_files
from .selfcheck import SelfCheck

CONFTEST = '''"""pytest set-up of this folder: `pytest` here runs the public checks on your files (README.md)."""

pytest_plugins = ["autograder.checklib.pytest_plugin", "autograder.student.pytest_plugin"]
'''

PYTEST_INI = """# `pytest` in this folder runs the public checks in public/ on your files (see README.md).
[pytest]
testpaths = public
python_files = test_*.py
addopts = -p no:cacheprovider
"""


def student_manifest(manifest: manifests.Manifest) -> str:
    """The manifest a student needs: the files to hand in and the public checks, nothing hidden."""
    lines = [
        f"# The `{manifest.name}` assignment, student copy: the files you hand in and the public checks.",
        "# Read by `python -m autograder check`, `pytest` and otter's checks in this folder.",
        f"name = {json.dumps(manifest.name)}",
        f"title = {json.dumps(manifest.title)}",
        "",
        "[files]",
        *(f"{json.dumps(file)} = {json.dumps(list(fns))}" for file, fns in manifest.files.items()),
        "",
        "[checks]",
        f"public = {json.dumps([p.relative_to(manifest.root).as_posix() for p in manifest.public_checks])}",
        "",
        "# The grader's time limits, applied by the local checks too.",
        "[limits]",
        f"call_timeout_s = {manifest.call_timeout_s!r}",
    ]
    if manifest.function_timeouts:
        lines.append("function_timeout_s = { " + ", ".join(f"{f} = {t!r}" for f, t in manifest.function_timeouts.items())
                     + " }")
    return "\n".join(lines) + "\n"


#: The one install command of the student folder (README.md's first section says where to run it).
INSTALL_COMMAND = "pip install -r requirements.txt && pip install --no-deps -r requirements-otter.txt"


def _requirement_lines(name: str) -> list[str]:
    """The requirement lines of ``requirements/<name>`` (with their trailing comments, without the
    comment lines, which speak of the kit's files)."""
    text = (KIT_ROOT / "requirements" / name).read_text(encoding="utf-8")
    return [line.rstrip() for line in text.splitlines() if line.strip() and not line.startswith("#")]


def requirements_txt() -> str:
    """The folder's ``requirements.txt``: what the checks, otter's check path and the notebook import."""
    header = ("# What the checks, otter's checks and the notebook need, on Python 3.10 to 3.13. Install with\n"
              f"#     {INSTALL_COMMAND}\n"
              "# (README.md: Setting up). Ranges: packages already installed (Colab's numpy ...) are kept.\n")
    return header + "\n".join(_requirement_lines("student.txt")) + "\n"


def otter_requirements_txt() -> str:
    """The folder's ``requirements-otter.txt``: otter-grader, installed without its dependencies."""
    header = ("# otter-grader, for the notebook's check cells and `otter check`. Install it after requirements.txt,\n"
              "# without its dependencies: pip install --no-deps -r requirements-otter.txt\n"
              "# (what otter's checks import is in requirements.txt; the rest of otter's dependencies, a\n"
              "# PDF/browser stack of several hundred MB, is for exporting and grading, not for checking).\n")
    return header + "\n".join(_requirement_lines("student-otter.txt")) + "\n"


def student_entries(manifest: manifests.Manifest, selfcheck: SelfCheck) -> Entries:
    """Every file of the student folder (archive path -> content)."""
    entries = Entries()
    for file in manifest.files:
        entries.add_file(file, manifest.templates / file)
    for file, source in manifest.provided.items():
        entries.add_file(file, source)
    for folder in sorted({p.parent for p in manifest.public_checks}):
        entries.add_tree(folder.relative_to(manifest.root).as_posix(), folder)
    for path, source in student_package_files().items():
        entries.add_file(path, source)
    notebook = notebook_text(manifest)
    entries.add_text(notebook_name(manifest), notebook)
    for path in manifest.data:
        entries.add_file(path.relative_to(manifest.root).as_posix(), path)
    for path, text in test_files(list(manifest.functions), selfcheck.public_points()).items():
        entries.add_text(path, text)
    entries.add_text("README.md", readme(manifest, selfcheck))
    entries.add_text("manifest.toml", student_manifest(manifest))
    entries.add_text("conftest.py", CONFTEST)
    entries.add_text("pytest.ini", PYTEST_INI)
    entries.add_text("requirements.txt", requirements_txt())
    entries.add_text("requirements-otter.txt", otter_requirements_txt())
    return entries


def write_student_zip(manifest: manifests.Manifest, selfcheck: SelfCheck, out_dir: Path) -> Path:
    """Write ``out_dir/<name>-student.zip`` (one top folder ``<name>/``)."""
    return student_entries(manifest, selfcheck).write_zip(out_dir / f"{manifest.name}-student.zip", manifest.name)
