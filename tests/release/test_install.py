"""Installing the student side where students work, and the grader on the image's Python (issue 10).

The student zip of one assignment (sequences: its checks are cheap) is built once. Then, for each
interpreter below that this machine has (pyenv's; a test is skipped where its interpreter is absent),
in a fresh virtual environment:

- the install command of the zip's README ("Setting up", its first code block; in the Colab case the
  Colab cell's pip line) is run as written, with the venv's ``pip`` first on ``PATH``;
- in the unzipped folder, on the templates: ``python -m autograder check`` and ``pytest`` exit 1 and
  say what is not implemented, ``otter check`` reports the failed checks; with the reference solutions
  copied in: both exit 0 with every public check passed, and otter (``otter.Notebook(...).check`` and
  ``otter check``) passes every function;
- ``pip download`` of the same requirements into an empty folder: at most 100 MB.

The Colab case (Python 3.12, Colab's interpreter) first installs packages as Colab ships them (older
numpy, pandas, matplotlib, IPython 7 ...): the install must keep every one of them (Colab would
otherwise ask for a runtime restart), and the notebook must run top to bottom on the reference.

The grader: the Gradescope zip's own ``setup.sh`` with ``python3`` being Python 3.10 (Ubuntu 22.04's)
and no apt-get, then its ``run_autograder`` on the reference: full marks, as the build's self-check
gave. The worker runs at the ``process`` isolation level there: pyenv's interpreters live under
/root, which the sandbox's unprivileged uid cannot reach (the sandbox itself is tested by the rest of
the suite, on the kit's interpreter).

Downloads go through one pip cache in pytest's base temporary folder, shared by every venv; sizes
and times go to ``install.log`` there. Every venv is built one after the other (pytest runs these
tests in order).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import time
import zipfile
from pathlib import Path

import pytest

from autograder import manifest as manifests
from autograder.paths import KIT_ROOT, SOLUTIONS
from autograder.release import build
from autograder.release.student_zip import INSTALL_COMMAND

NAME = "sequences"
#: The interpreters tried: pyenv's builds (PYENV_ROOT, default ~/.pyenv), else pythonX.Y on PATH.
VERSIONS = ("3.10", "3.12", "3.13")
MAX_DOWNLOAD_MB = 100
#: Packages as Colab ships them (Python 3.12): the student install must leave each one as it is.
COLAB = {
    "numpy": "2.0.2",
    "pandas": "2.2.2",
    "matplotlib": "3.10.0",
    "ipython": "7.34.0",
    "ipykernel": "6.17.1",
    "ipywidgets": "7.7.1",
    "pytest": "8.4.2",
}
INSTALL_TIMEOUT_S = 1800
CHECK_TIMEOUT_S = 900

OTTER_SCRIPT = """
import json, sys
import otter
grader = otter.Notebook(tests_dir="tests")
print(json.dumps({f: grader.check(f).passed_all for f in sys.argv[1:]}))
"""

NOTEBOOK_SCRIPT = """
import sys
import nbformat
from nbclient import NotebookClient
nb = nbformat.read(sys.argv[1], as_version=4)
NotebookClient(nb, timeout=300, kernel_name="python3", resources={"metadata": {"path": "."}}).execute()
failed = [c.source.strip() for c in nb.cells if c.cell_type == "code" and c.source.strip().startswith("grader.check(")
          and not "".join(o.get("data", {}).get("text/plain", "") for o in c.outputs).split(" results: ")[-1]
          .startswith("All test cases passed!")]
print("failed check cells:", failed)
sys.exit(1 if failed else 0)
"""


# ---------------------------------------------------------------- helpers


def interpreter(version: str) -> Path | None:
    """A working Python ``version`` with the venv module, or None."""
    pyenv = Path(os.environ.get("PYENV_ROOT", Path.home() / ".pyenv")) / "versions"
    candidates = sorted(pyenv.glob(f"{version}.*/bin/python{version}"), reverse=True)
    which = shutil.which(f"python{version}")
    candidates += [Path(which)] if which else []
    for path in candidates:
        try:
            proc = subprocess.run([str(path), "-c", "import sys, venv, ensurepip; print('%d.%d' % sys.version_info[:2])"],
                                  capture_output=True, text=True, timeout=60)
        except (OSError, subprocess.TimeoutExpired):
            continue
        if proc.returncode == 0 and proc.stdout.strip() == version:
            return path
    return None


def run(cmd, cwd: Path, env: dict, timeout: float = CHECK_TIMEOUT_S, shell: bool = False) -> subprocess.CompletedProcess:
    return subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout, shell=shell,
                          executable="/bin/bash" if shell else None)


def ok(proc: subprocess.CompletedProcess) -> subprocess.CompletedProcess:
    assert proc.returncode == 0, f"{proc.args} exited {proc.returncode}:\n{proc.stdout[-3000:]}\n{proc.stderr[-3000:]}"
    return proc


def venv_env(venv: Path, cache: Path) -> dict:
    """The environment of a shell in ``venv`` (activated), with the shared pip cache."""
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV")}
    env.update(PATH=f"{venv / 'bin'}{os.pathsep}{env.get('PATH', '')}", VIRTUAL_ENV=str(venv),
               PIP_CACHE_DIR=str(cache), PIP_DISABLE_PIP_VERSION_CHECK="1", PIP_NO_INPUT="1")
    return env


def make_venv(python: Path, venv: Path, cache: Path) -> dict:
    ok(run([str(python), "-m", "venv", str(venv)], cwd=venv.parent, env=venv_env(venv, cache), timeout=600))
    return venv_env(venv, cache)


def installed(env: dict, cwd: Path) -> dict[str, str]:
    proc = ok(run(["python", "-m", "pip", "list", "--format=json"], cwd=cwd, env=env))
    return {p["name"].lower().replace("_", "-"): p["version"] for p in json.loads(proc.stdout)}


def megabytes(folder: Path) -> float:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file() and not p.is_symlink()) / 1e6


def readme_setup(readme: str) -> str:
    """The README's "Setting up" section."""
    found = re.search(r"^## Setting up\n(.*?)(?=^## )", readme, re.S | re.M)
    assert found, "the student README has no '## Setting up' section"
    return found[1]


def install_command(readme: str) -> str:
    """The one install command: the first code block of "Setting up"."""
    block = re.search(r"```\n(.*?)```", readme_setup(readme), re.S)
    assert block, "'Setting up' shows no command"
    lines = [line for line in block[1].strip().splitlines() if line.strip()]
    assert len(lines) == 1, f"'Setting up' should start with one command, not {lines}"
    return lines[0].strip()


def colab_command(readme: str) -> str:
    """The pip line of the README's Colab cell (``!`` dropped: a Colab cell runs it in a shell)."""
    for block in re.findall(r"```\n(.*?)```", readme_setup(readme), re.S):
        if "%cd" in block:
            lines = [line.strip() for line in block.splitlines() if line.strip().startswith("!pip")]
            assert len(lines) == 1, block
            return lines[0][1:]
    raise AssertionError("the README has no Colab cell (a block with %cd)")


def log_line(tmp_path_factory, text: str) -> None:
    with open(tmp_path_factory.getbasetemp() / "install.log", "a", encoding="utf-8") as f:
        f.write(text + "\n")
    print(text)


# ---------------------------------------------------------------- fixtures


@pytest.fixture(scope="module")
def dist(tmp_path_factory) -> Path:
    """``dist/sequences/``: both zips and the self-check's results (the real grader's)."""
    out = tmp_path_factory.mktemp("install-dist")
    build(NAME, out, log=lambda *_: None)
    return out / NAME


@pytest.fixture(scope="module")
def pip_cache(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("pip-cache")


def unpack(dist: Path, into: Path) -> Path:
    with zipfile.ZipFile(dist / f"{NAME}-student.zip") as zf:
        zf.extractall(into)
    return into / NAME


def download_mb(env: dict, folder: Path, into: Path) -> tuple[float, int]:
    """What a fresh install of the folder's requirements downloads: (MB, number of files)."""
    into.mkdir()
    ok(run(["python", "-m", "pip", "download", "-q", "-d", str(into), "-r", "requirements.txt"],
           cwd=folder, env=env, timeout=INSTALL_TIMEOUT_S))
    ok(run(["python", "-m", "pip", "download", "-q", "--no-deps", "-d", str(into), "-r", "requirements-otter.txt"],
           cwd=folder, env=env, timeout=INSTALL_TIMEOUT_S))
    return megabytes(into), len(list(into.iterdir()))


def check_student_folder(folder: Path, env: dict) -> None:
    """The local checks in ``folder``: on the templates, then with the reference copied in."""
    manifest = manifests.load(NAME)
    functions = list(manifest.functions)

    # The templates: nothing is implemented yet; every way of checking says so and fails.
    proc = run(["python", "-m", "autograder", "check"], cwd=folder, env=env)
    assert proc.returncode == 1, proc.stdout[-2000:] + proc.stderr[-2000:]
    assert "not implemented" in proc.stdout.lower(), proc.stdout[-2000:]
    proc = run(["python", "-m", "pytest", "-q"], cwd=folder, env=env)
    assert proc.returncode == 1 and " failed" in proc.stdout, proc.stdout[-2000:] + proc.stderr[-2000:]
    first = functions[0]
    proc = run(["otter", "check", manifest.functions[first], "-q", first], cwd=folder, env=env)
    assert f"{first} results:" in proc.stdout and "public checks failed" in proc.stdout, proc.stdout[-2000:] + proc.stderr[-2000:]

    # The reference: every public check passes, with each tool.
    for file in manifest.files:
        shutil.copyfile(SOLUTIONS / NAME / file, folder / file)
    report = ok(run(["python", "-m", "autograder", "check"], cwd=folder, env=env)).stdout
    total = re.search(r"Total: (\S+) / (\S+)", report)
    assert total and total[1] == total[2] and float(total[2]) > 0, report[-2000:]
    ok(run(["python", "-m", "pytest", "-q"], cwd=folder, env=env))
    verdicts = ok(run(["python", "-c", OTTER_SCRIPT, *functions], cwd=folder, env=env)).stdout
    assert json.loads(verdicts.strip().splitlines()[-1]) == {f: True for f in functions}
    out = ok(run(["otter", "check", manifest.functions[first]], cwd=folder, env=env)).stdout  # every function's test
    assert "All tests passed!" in out, out[-2000:]


# ---------------------------------------------------------------- the student side


def student_venv(version: str, colab: bool, dist: Path, pip_cache: Path, tmp: Path, tmp_path_factory) -> tuple[Path, dict]:
    """A fresh venv of Python ``version`` with the student side installed by the README's command, and
    the unzipped student folder: (folder, environment). ``colab``: Colab's packages come first."""
    python = interpreter(version)
    if python is None:
        pytest.skip(f"no Python {version} with the venv module here")
    folder = unpack(dist, tmp)
    readme = (folder / "README.md").read_text(encoding="utf-8")
    env = make_venv(python, tmp / "venv", pip_cache)
    if colab:  # the packages Colab already has, as it has them
        ok(run(["python", "-m", "pip", "install", "-q", *(f"{p}=={v}" for p, v in COLAB.items())],
               cwd=folder, env=env, timeout=INSTALL_TIMEOUT_S))
        command = colab_command(readme)
    else:
        command = install_command(readme)
    start = time.monotonic()
    ok(run(command, cwd=folder, env=env, timeout=INSTALL_TIMEOUT_S, shell=True))
    seconds = time.monotonic() - start
    versions = installed(env, folder)
    assert versions.get("otter-grader") == "7.0.0"
    assert "playwright" not in versions and "sphinx" not in versions, "otter's export/docs dependencies came along"
    if colab:
        changed = {p: (v, versions.get(p)) for p, v in COLAB.items() if versions.get(p) != v}
        assert not changed, f"the install replaced packages Colab already has (a runtime restart): {changed}"
    mb, files = download_mb(env, folder, tmp / "download")
    site = next((tmp / "venv" / "lib").glob("python3*/site-packages"))
    log_line(tmp_path_factory, f"student {version}{' colab' if colab else ''}: {python}: fresh download {mb:.1f} MB "
                               f"({files} files), venv site-packages {megabytes(site):.0f} MB, install {seconds:.0f} s")
    assert mb <= MAX_DOWNLOAD_MB, f"the student install downloads {mb:.1f} MB (at most {MAX_DOWNLOAD_MB})"
    return folder, env


#: The whole matrix (3.13 and Colab's 3.12 besides 3.10) takes about ten minutes of fresh venvs and
#: downloads: `make test-install` (KIT_INSTALL_MATRIX=all) runs it; `make test` (CI) runs Python 3.10,
#: the oldest supported, for the student side and the Gradescope scripts.
FULL_MATRIX = os.environ.get("KIT_INSTALL_MATRIX", "") == "all"
full_matrix_only = pytest.mark.skipif(not FULL_MATRIX, reason="the full install matrix: make test-install")


@pytest.mark.slow
@pytest.mark.parametrize("version", ["3.10", pytest.param("3.13", marks=full_matrix_only)])
def test_student_install_and_local_checks(dist, pip_cache, tmp_path, tmp_path_factory, version):
    folder, env = student_venv(version, False, dist, pip_cache, tmp_path, tmp_path_factory)
    check_student_folder(folder, env)


@pytest.fixture(scope="module")
def colab(dist, pip_cache, tmp_path_factory) -> tuple[Path, dict]:
    """Python 3.12 (Colab's) with Colab's packages, then the README's Colab cell: (folder, environment)."""
    return student_venv("3.12", True, dist, pip_cache, tmp_path_factory.mktemp("colab"), tmp_path_factory)


@pytest.mark.slow
@full_matrix_only
def test_student_install_in_colab_keeps_its_packages_and_checks_run(colab):
    check_student_folder(*colab)  # the reference is copied in from here on


@pytest.mark.slow
@full_matrix_only
def test_notebook_runs_in_colab(colab):
    """Colab's IPython 7.34 on Python 3.12: the notebook runs top to bottom and every check cell passes."""
    folder, env = colab
    for file in manifests.load(NAME).files:
        shutil.copyfile(SOLUTIONS / NAME / file, folder / file)
    proc = run(["python", "-c", NOTEBOOK_SCRIPT, f"{NAME}.ipynb"], cwd=folder, env=env)
    errors = re.findall(r"\b([A-Z]\w*Error: .*)$", re.sub(r"\x1b\[[0-9;]*m", "", proc.stdout + proc.stderr), re.M)
    assert proc.returncode == 0, f"the notebook fails in Colab: {errors[-1:] or proc.stdout[-2000:] + proc.stderr[-2000:]}"


@pytest.mark.slow
def test_student_readme_starts_with_the_install_commands(dist, tmp_path):
    folder = unpack(dist, tmp_path)
    readme = (folder / "README.md").read_text(encoding="utf-8")
    generated = readme[readme.index("\n## Setting up"):]
    assert re.findall(r"^## .*", generated, re.M)[0] == "## Setting up", "the install section comes first"
    assert install_command(readme) == INSTALL_COMMAND  # the command requirements.txt's header names too
    assert "pip install jupyterlab" in readme_setup(readme), "a Jupyter front end for a student without one"
    assert (folder / "requirements.txt").is_file() and (folder / "requirements-otter.txt").is_file()
    requirements = (folder / "requirements.txt").read_text(encoding="utf-8")
    assert not re.search(r"^numpy\s*==", requirements, re.M), "numpy must be a range (Colab keeps its own)"
    assert "otter-grader" not in requirements and "webpdf" not in requirements


# ---------------------------------------------------------------- the grader


@pytest.mark.slow
def test_gradescope_setup_and_grading_on_python_3_10(dist, pip_cache, tmp_path, tmp_path_factory):
    python = interpreter("3.10")
    if python is None:
        pytest.skip("no Python 3.10 with the venv module here")
    root = tmp_path / "autograder"
    with zipfile.ZipFile(dist / f"{NAME}-gradescope.zip") as zf:
        zf.extractall(root / "source")
    (root / "submission").mkdir()
    for file in manifests.load(NAME).files:
        shutil.copyfile(SOLUTIONS / NAME / file, root / "submission" / file)
    (root / "submission_metadata.json").write_text(json.dumps({"users": [{"email": "student@example.edu"}]}))
    # The image: python3 is Python 3.10; no apt-get (setup.sh skips it), the few tools the scripts use.
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    (bin_dir / "python3").symlink_to(python)
    for tool in ("chmod", "mkdir", "rm", "cat"):
        (bin_dir / tool).symlink_to(shutil.which(tool))
    env = {"PATH": str(bin_dir), "HOME": str(tmp_path), "LANG": "C.UTF-8", "PIP_CACHE_DIR": str(pip_cache),
           "PIP_DISABLE_PIP_VERSION_CHECK": "1", "PIP_NO_INPUT": "1", "AUTOGRADER_ROOT": str(root),
           "AUTOGRADER_VENV": str(tmp_path / "venv"),
           **{k: v for k, v in os.environ.items() if k.startswith("PIP_") and k != "PIP_CACHE_DIR"}}
    script = (root / "source" / "setup.sh").read_text(encoding="utf-8")
    assert "python3.11" not in script, "setup.sh needs no other Python than the image's"
    start = time.monotonic()
    # setup.sh grades the reference once (keeping its draws): at the "process" level, as run_autograder
    # below, since the sandbox's uid cannot reach a venv inside pytest's private temporary folders.
    setup = ok(run(["/bin/bash", str(root / "source" / "setup.sh")], cwd=root,
                   env={**env, "AUTOGRADER_ISOLATION": "process"}, timeout=INSTALL_TIMEOUT_S))
    assert "WARNING" not in setup.stderr, setup.stderr
    seconds = time.monotonic() - start
    assert "Python 3.10" in setup.stdout, setup.stdout
    versions = installed({**env, "PATH": f"{tmp_path / 'venv' / 'bin'}{os.pathsep}{env['PATH']}"}, root)
    extras = set(versions) - {"numpy", "pytest", "hypothesis", "tomli", "exceptiongroup", "typing-extensions", "iniconfig",
                              "packaging", "pluggy", "pygments", "sortedcontainers", "pip", "setuptools"}
    assert not extras, f"the grader's venv holds more than grading runs: {sorted(extras)}"
    assert list((root / "source" / ".cache" / "draws").glob(f"{NAME}-*.pickle")), "setup.sh keeps the reference's draws"

    ok(run(["/bin/bash", str(root / "source" / "run_autograder")], cwd=root,
           env={**env, "AUTOGRADER_ISOLATION": "process"}, timeout=CHECK_TIMEOUT_S))
    results = json.loads((root / "results" / "results.json").read_text(encoding="utf-8"))
    selfcheck = json.loads((dist / "selfcheck" / "reference-results.json").read_text(encoding="utf-8"))
    assert results["extra_data"]["max_score"] == selfcheck["extra_data"]["max_score"] > 0
    assert results["score"] == results["extra_data"]["max_score"], [t["name"] for t in results["tests"]
                                                                     if t["score"] < t["max_score"]]

    venv_env_ = venv_env(tmp_path / "venv", pip_cache)
    into = tmp_path / "download"
    into.mkdir()
    ok(run(["python", "-m", "pip", "download", "-q", "-d", str(into), "-r", str(KIT_ROOT / "requirements" / "grader.txt"),
            "-c", str(KIT_ROOT / "requirements" / "constraints.txt")], cwd=root, env=venv_env_, timeout=INSTALL_TIMEOUT_S))
    log_line(tmp_path_factory, f"grader 3.10: {python}: download {megabytes(into):.1f} MB, venv "
                               f"{megabytes(tmp_path / 'venv'):.0f} MB, setup.sh {seconds:.0f} s; "
                               f"reference {results['score']:g} / {results['extra_data']['max_score']:g}")
