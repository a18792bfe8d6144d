"""The distributions (autograder/release/): what students receive and what Gradescope runs.

The distributions are built once per session (with the build's own self-check: the real grader on
the reference and the templates). Then, for every assignment:

- the student zip holds no solution line and nothing of the hidden checks;
- in the unzipped student folder, `pytest`, `python -m autograder check` and otter's checks give the
  verdicts the grader's public checks give, on the reference and on a buggy copy of it;
- the notebook runs top to bottom on the reference in under a minute;
- the Gradescope zip, unpacked into a temporary /autograder, writes the results.json that the local
  grading command writes.

The buggy copy fails fast on purpose: in recurrent, an unfinished backward (NotImplementedError) and a
misspelled function; in forecasting, a misspelled function; wrong values only in sequences, whose
checks are cheap. A wrong value in a recurrent function makes Hypothesis shrink failing inputs through
the sandbox, which takes minutes.
"""

from __future__ import annotations

import ast
import json
import os
import re
import resource
import shutil
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

from autograder import manifest as manifests
from autograder.release import DistError, build, build_all
from autograder.release import selfcheck as selfcheck_module
from autograder.paths import KIT_ROOT, SOLUTIONS, TEMPLATES
from helpers import run_grade

PY = sys.executable
NAMES = manifests.available()
#: file -> (reference text, buggy text); every function of every other file stays the reference's.
BUGS = {
    "lstm.py": ("    x, prev_h, prev_c, Wx, Wh, i, f, g, o, tanh_c = cache\n", "    raise NotImplementedError\n"),
    "gru.py": ("def gru_backward(", "def gru_backwards("),
    "windowing.py": ("+ 1 + np.arange(horizon)[None, None, :]", "+ np.arange(horizon)[None, None, :]"),
    "arma.py": ("c, ar = float(beta[0]), beta[1:]", "c, ar = float(beta[0]) + 1.0, beta[1:]"),
    "optim.py": ("def sgd_step(", "def sgd_steps("),
}
MIN_SOLUTION_LINE = 20  # shorter lines ("else:", "for t in range(T):") are not evidence of a leak


# ---------------------------------------------------------------- fixtures


@pytest.fixture(scope="session")
def dist(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("dist")
    written = build_all(out, log=lambda *_: None)
    assert sorted(p.name for p in written) == sorted(f"{n}-{kind}.zip" for n in NAMES for kind in ("student", "gradescope"))
    return out


@pytest.fixture(scope="session")
def buggy(tmp_path_factory) -> Path:
    """The reference with one bug in each of lstm.py, gru.py, windowing.py and arma.py (see BUGS)."""
    folder = tmp_path_factory.mktemp("buggy")
    for path in sorted(SOLUTIONS.glob("*/*.py")):
        text = path.read_text(encoding="utf-8")
        if path.name in BUGS:
            old, new = BUGS[path.name]
            assert text.count(old) == 1, f"the bug for {path.name} no longer applies: {old!r}"
            text = text.replace(old, new)
        (folder / path.parent.name).mkdir(exist_ok=True)
        (folder / path.parent.name / path.name).write_text(text, encoding="utf-8")
    return folder


@pytest.fixture(scope="session")
def submissions(buggy) -> dict[str, Path]:
    return {"reference": SOLUTIONS, "buggy": buggy}  # per assignment: <folder>/<assignment>/


@pytest.fixture(scope="session")
def graded(dist, buggy, tmp_path_factory, grading_pool):
    """(assignment, "reference" | "buggy") -> the local grading command's results.json (parsed). The
    buggy copies are graded in the background (the session's grading pool), all from the start."""
    folder = tmp_path_factory.mktemp("graded")
    for name in NAMES:
        grading_pool.submit(f"dist/buggy/{name}", run_grade, name, buggy / name, folder / f"{name}.json")
    cache: dict = {}

    def get(name: str, kind: str) -> dict:
        if (name, kind) not in cache:
            if kind == "reference":  # the build graded the reference with the real grader already
                path = dist / name / "selfcheck" / "reference-results.json"
            else:
                result = grading_pool[f"dist/buggy/{name}"]
                if result.returncode != 0:
                    raise AssertionError(f"{result.command} exited {result.returncode}:\n{result.stdout[-3000:]}\n"
                                         f"{result.stderr[-3000:]}")
                path = result.output
            cache[name, kind] = json.loads(path.read_text(encoding="utf-8"))
        return cache[name, kind]

    return get


def run(cmd: list[str], cwd: Path, env: dict | None = None, check: bool = True, timeout: float = 900):
    proc = subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout)
    if check and proc.returncode != 0:
        raise AssertionError(f"{cmd} exited {proc.returncode}:\n{proc.stdout[-3000:]}\n{proc.stderr[-3000:]}")
    return proc


def unpack_student(dist: Path, name: str, into: Path, submission: Path | None) -> Path:
    """The student zip unzipped into ``into``; the submission's files (if any) over the templates."""
    with zipfile.ZipFile(dist / name / f"{name}-student.zip") as zf:
        zf.extractall(into)
    folder = into / name
    if submission is not None:
        for file in manifests.load(name).files:
            shutil.copyfile(submission / name / file, folder / file)
    return folder


def public_verdicts(results: dict) -> dict[str, bool]:
    """Check name -> passed, for the public (visible) checks of a results.json."""
    return {t["name"]: t["score"] >= t["max_score"] for t in results["tests"] if t["visibility"] == "visible"}


def function_verdicts(results: dict) -> dict[str, bool]:
    """Function -> whether every public check of it passed."""
    out: dict[str, bool] = {}
    for name, passed in public_verdicts(results).items():
        function = name.split(":")[0]
        out[function] = out.get(function, True) and passed
    return out


# ---------------------------------------------------------------- the build


@pytest.mark.slow
def test_every_assignment_is_distributed_with_a_passing_self_check(dist):
    for name in NAMES:
        ref = json.loads((dist / name / "selfcheck" / "reference-results.json").read_text())
        tpl = json.loads((dist / name / "selfcheck" / "templates-results.json").read_text())
        assert ref["score"] == ref["extra_data"]["max_score"] > 0
        assert tpl["score"] == 0


def _fake_grade(scores: dict[str, float]):
    """A stand-in for engine.grade writing a one-check results.json whose score depends on the folder."""

    def grade(assignment, folder, output, **_):
        label = "reference" if Path(folder).parent == SOLUTIONS else "templates"
        score = scores[label]
        results = {"score": score, "tests": [{"name": "f: x", "score": score, "max_score": 1.0, "visibility": "visible"}],
                   "extra_data": {"max_score": 1.0}}
        Path(output).write_text(json.dumps(results))

    return grade


@pytest.mark.slow  # over a second of CPU: kept out of the fast tier
@pytest.mark.parametrize("scores,problem", [
    ({"reference": 0.5, "templates": 0.0}, "the reference scores 0.5 / 1"),
    ({"reference": 1.0, "templates": 1.0}, "the templates score 1"),
])
def test_build_refuses_unless_reference_full_and_templates_zero(tmp_path, monkeypatch, scores, problem):
    name = NAMES[0]
    stale = tmp_path / name / f"{name}-student.zip"
    stale.parent.mkdir(parents=True)
    stale.write_text("an earlier build")
    monkeypatch.setattr(selfcheck_module, "grade", _fake_grade(scores))
    with pytest.raises(DistError, match=re.escape(problem)):
        build(name, tmp_path, log=lambda *_: None)
    assert not list((tmp_path / name).glob("*.zip")), "a refused build must leave no zip behind"


@pytest.mark.slow
def test_gradescope_scripts_are_valid_bash_and_pip_only(dist):
    for name in NAMES:
        with zipfile.ZipFile(dist / name / f"{name}-gradescope.zip") as zf:
            for script in ("setup.sh", "run_autograder"):
                info = zf.getinfo(script)
                assert (info.external_attr >> 16) & 0o111, f"{script} must be executable"
                text = zf.read(script).decode()
                assert "@ASSIGNMENT@" not in text and name in text
                run(["bash", "-n", "-c", text], cwd=KIT_ROOT)
                code = "\n".join(line for line in text.splitlines() if not line.lstrip().startswith("#"))
                assert "conda" not in code and "playwright" not in code
                assert code.count("pip install") == (1 if script == "setup.sh" else 0)
            setup = zf.read("setup.sh").decode()
            assert "-r \"$SOURCE/requirements/grader.txt\" -c \"$SOURCE/requirements/constraints.txt\"" in setup


# ---------------------------------------------------------------- the student zip


def _solution_lines() -> set[str]:
    """The code inside every solution region (trailing comments dropped), minus what the templates
    say anyway (SPEC's formulas in docstrings), minus lines too short to be evidence."""
    public = "\n".join(p.read_text(encoding="utf-8") for p in TEMPLATES.glob("*/*.py"))
    lines = set()
    for path in SOLUTIONS.glob("*/*.py"):
        inside = False
        for line in path.read_text(encoding="utf-8").splitlines():
            marker = line.strip()
            if marker in ("# BEGIN SOLUTION", "# END SOLUTION"):
                inside = marker == "# BEGIN SOLUTION"
                continue
            code = line.split("  #")[0].strip()
            if inside and len(code) >= MIN_SOLUTION_LINE and not code.startswith("#") and code not in public:
                lines.add(code)
    assert len(lines) > 50, "the solution scan found suspiciously few lines"
    return lines


def _hidden_markers(dist: Path, name: str) -> set[str]:
    """Hidden check names (as the grader reported them), hidden test function and file names."""
    manifest = manifests.load(name)
    ref = json.loads((dist / name / "selfcheck" / "reference-results.json").read_text())
    markers = {t["name"] for t in ref["tests"] if t["visibility"] != "visible"}
    for path in manifest.hidden_checks:
        markers.add(path.name)
        tree = ast.parse(path.read_text(encoding="utf-8"))
        markers |= {n.name for n in ast.walk(tree) if isinstance(n, ast.FunctionDef) and n.name.startswith("test_")}
    assert len(markers) > 10
    return markers


def _texts(zip_path: Path) -> dict[str, str]:
    """Every text member of a zip; notebooks as their cells' sources (so JSON escaping cannot hide a line)."""
    texts = {}
    with zipfile.ZipFile(zip_path) as zf:
        for member in zf.namelist():
            data = zf.read(member)
            if member.endswith((".npz", ".png")):
                continue
            text = data.decode("utf-8")
            if member.endswith(".ipynb"):
                text = "\n".join(cell.source for cell in nbformat.reads(text, as_version=4).cells)
            texts[member] = text
    return texts


@pytest.mark.slow
@pytest.mark.parametrize("name", NAMES)
def test_student_zip_holds_no_solution_line_and_no_hidden_check(dist, name):
    texts = _texts(dist / name / f"{name}-student.zip")
    # the reference files an assignment provides (forecasting ships recurrent's rnn.py, ...) are there to be read
    provided = "\n".join(p.read_text(encoding="utf-8") for p in manifests.load(name).provided.values())
    leaks = [(member, line) for line in _solution_lines() if line not in provided
             for member, text in texts.items() if line in text]
    assert not leaks, f"solution lines in the student zip: {leaks[:5]}"
    markers = _hidden_markers(dist, name)
    found = [(member, m) for m in markers for member, text in texts.items() if m in text or m in member]
    assert not found, f"hidden checks in the student zip: {found[:5]}"


@pytest.mark.slow
@pytest.mark.parametrize("name", NAMES)
def test_student_zip_layout(dist, tmp_path, name):
    manifest = manifests.load(name)
    with zipfile.ZipFile(dist / name / f"{name}-student.zip") as zf:
        members = set(zf.namelist())
        for file in manifest.files:
            assert zf.read(f"{name}/{file}") == (TEMPLATES / name / file).read_bytes()
        (tmp_path / "manifest.toml").write_bytes(zf.read(f"{name}/manifest.toml"))
    student_manifest = manifests.load_file(tmp_path / "manifest.toml")
    assert all(m.startswith(f"{name}/") for m in members)
    rel = {m.removeprefix(f"{name}/") for m in members}
    assert {"README.md", f"{name}.ipynb", "manifest.toml", "conftest.py", "pytest.ini", "requirements.txt",
            "autograder/__main__.py", "autograder/checklib/pytest_plugin.py", "autograder/student/otter_bridge.py"} <= rel
    assert {f"tests/{f}.py" for f in manifest.functions} <= rel
    assert {p.relative_to(manifest.root).as_posix() for p in manifest.public_checks} <= rel
    assert not [m for m in rel if m.startswith(("solutions/", "hidden/", "autograder/grading/", "autograder/release/",
                                                "autograder/classroom/", "autograder/devtools/"))]
    assert student_manifest.hidden_checks == () and student_manifest.files == manifest.files


@pytest.mark.slow
@pytest.mark.parametrize("name", NAMES)
def test_student_readme_says_how_to_check_and_submit(dist, name):
    with zipfile.ZipFile(dist / name / f"{name}-student.zip") as zf:
        readme = zf.read(f"{name}/README.md").decode()
    for phrase in ("python -m autograder check", "pytest", "otter check", "Gradescope", "## Submitting",
                   *manifests.load(name).files, *manifests.load(name).functions):
        assert phrase in readme, phrase


# ---------------------------------------------------------------- same verdicts as the grader


@pytest.mark.slow
@pytest.mark.parametrize("kind", ["reference", "buggy"])
@pytest.mark.parametrize("name", NAMES)
def test_student_pytest_and_check_command_agree_with_the_grader(dist, graded, submissions, tmp_path, name, kind):
    folder = unpack_student(dist, name, tmp_path, submissions[kind])
    want = public_verdicts(graded(name, kind))
    proc = run([PY, "-m", "pytest", "-q", "--results", str(tmp_path / "pytest.json")], cwd=folder, check=False)
    got = public_verdicts(json.loads((tmp_path / "pytest.json").read_text()))
    assert got == want
    assert (proc.returncode == 0) == all(want.values()), proc.stdout[-2000:]
    if kind == "reference":
        return
    assert not all(want.values()) and any(want.values()), "the buggy copy should fail some checks, pass others"
    checked = run([PY, "-m", "autograder", "check"], cwd=folder, check=False)
    assert checked.returncode == 1, checked.stderr[-2000:]  # as pytest: 1 when a check failed
    report = checked.stdout
    public_total = sum(t["max_score"] for t in graded(name, kind)["tests"] if t["visibility"] == "visible")
    public_score = sum(t["score"] for t in graded(name, kind)["tests"] if t["visibility"] == "visible")
    assert f"Total: {public_score:g} / {public_total:g}" in report


OTTER_SCRIPT = """
import json, sys
import otter
grader = otter.Notebook(tests_dir="tests")
print(json.dumps({f: grader.check(f).passed_all for f in sys.argv[1:]}))
"""


@pytest.mark.slow
@pytest.mark.parametrize("name", NAMES)
def test_otter_checks_agree_with_the_grader_on_a_buggy_submission(dist, graded, buggy, tmp_path, name):
    folder = unpack_student(dist, name, tmp_path, buggy)
    functions = list(manifests.load(name).functions)
    proc = run([PY, "-c", OTTER_SCRIPT, *functions], cwd=folder)
    got = json.loads(proc.stdout.strip().splitlines()[-1])
    assert got == function_verdicts(graded(name, "buggy"))


@pytest.mark.slow
@pytest.mark.parametrize("name", NAMES)
def test_otter_check_command_works_in_the_student_folder(dist, graded, buggy, tmp_path, name):
    folder = unpack_student(dist, name, tmp_path, buggy)
    verdicts = function_verdicts(graded(name, "buggy"))
    passing = next(f for f, ok in verdicts.items() if ok)
    failing = next(f for f, ok in verdicts.items() if not ok)
    file = manifests.load(name).functions[passing]
    env = {**os.environ, "PATH": f"{Path(PY).parent}{os.pathsep}{os.environ['PATH']}"}
    out = run([str(Path(PY).parent / "otter"), "check", file, "-q", passing], cwd=folder, env=env).stdout
    assert "All tests passed!" in out
    out = run([str(Path(PY).parent / "otter"), "check", file, "-q", failing], cwd=folder, env=env).stdout
    assert f"{failing} results:" in out and "public checks failed" in out


NOTEBOOK_CPU_S = 60


def _children_cpu() -> float:
    """CPU seconds used by this process's finished children (the notebook kernel and what it ran)."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


@pytest.mark.slow
@pytest.mark.parametrize("name", NAMES)
def test_notebook_runs_on_the_reference_and_its_checks_agree_with_the_grader(dist, graded, tmp_path, name):
    folder = unpack_student(dist, name, tmp_path, SOLUTIONS)
    nb = nbformat.read(folder / f"{name}.ipynb", as_version=4)
    start, cpu_start = time.monotonic(), _children_cpu()
    NotebookClient(nb, timeout=120, kernel_name="python3", resources={"metadata": {"path": str(folder)}}).execute()
    elapsed, cpu = time.monotonic() - start, _children_cpu() - cpu_start
    # The budget is CPU time (the kernel and the checks it starts), so a busy machine does not fail
    # the test; the wall-clock bound only catches a hang.
    assert 1 < cpu < NOTEBOOK_CPU_S, f"the {name} notebook used {cpu:.0f} s of CPU (keep it under a minute)"
    assert elapsed < 4 * NOTEBOOK_CPU_S, f"the {name} notebook took {elapsed:.0f} s"
    verdicts = {}
    for cell in nb.cells:
        found = re.fullmatch(r'grader\.check\("(\w+)"\)', cell.source.strip()) if cell.cell_type == "code" else None
        if found:
            text = "".join(o.get("data", {}).get("text/plain", "") for o in cell.outputs)
            verdicts[found[1]] = text.startswith(f"{found[1]} results: All test cases passed!")
    assert verdicts == function_verdicts(graded(name, "reference"))
    assert set(verdicts) == set(manifests.load(name).functions), "every function needs a check cell"


@pytest.mark.slow
@pytest.mark.parametrize("name", NAMES)
def test_run_all_on_the_stub_notebook_reaches_every_check_cell(dist, tmp_path, name):
    """Run All on the notebook as the student receives it (templates only): no cell raises, and
    every function's check cell runs and says that the function is not written yet."""
    folder = unpack_student(dist, name, tmp_path, None)
    nb = nbformat.read(folder / f"{name}.ipynb", as_version=4)
    # allow_errors=False (the default): the first cell that raises stops the run, as Run All does
    NotebookClient(nb, timeout=300, kernel_name="python3", resources={"metadata": {"path": str(folder)}}).execute()
    reached = {}
    for cell in nb.cells:
        found = re.fullmatch(r'grader\.check\("(\w+)"\)', cell.source.strip()) if cell.cell_type == "code" else None
        if found:
            reached[found[1]] = "".join(o.get("data", {}).get("text/plain", "") for o in cell.outputs)
    assert set(reached) == set(manifests.load(name).functions)
    for function, text in reached.items():
        assert f"{function} results:" in text and "not implemented yet" in text, (function, text[-1500:])


#: inserted before the first statement of the recurrent reference's rnn_forward: it never returns.
HANG = "    while True:\n        pass\n"


def _hanging_student(dist: Path, into: Path) -> Path:
    folder = unpack_student(dist, "recurrent", into, SOLUTIONS)
    path = folder / "rnn.py"
    tree = ast.parse(path.read_text(encoding="utf-8"))
    fn = next(n for n in tree.body if isinstance(n, ast.FunctionDef) and n.name == "rnn_forward")
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    first = fn.body[1] if isinstance(fn.body[0], ast.Expr) else fn.body[0]  # after the docstring
    lines.insert(first.lineno - 1, HANG)
    path.write_text("".join(lines), encoding="utf-8")
    return folder


@pytest.mark.slow
@pytest.mark.skipif(not hasattr(__import__("signal"), "setitimer"), reason="needs POSIX timers")
def test_every_local_way_of_checking_stops_a_hanging_function(dist, tmp_path):
    """pytest, ``python -m autograder check`` and the notebook's ``grader.check`` each stop an endless
    loop in rnn_forward at the manifest's per-call limit and say so, as the grader does (the
    function is not called again after its first timeout)."""
    limit = manifests.load("recurrent").call_timeout_s
    folder = _hanging_student(dist, tmp_path)
    said = f"did not finish within {limit:g} s"
    # start-up (interpreter, imports, collection) is a few seconds; the hang may cost at most 2 x limit
    startup = 20.0

    start = time.monotonic()
    proc = run([PY, "-m", "pytest", "-q", "--function", "rnn_forward"], cwd=folder, check=False, timeout=300)
    elapsed = time.monotonic() - start
    assert proc.returncode == 1 and said in proc.stdout, proc.stdout[-3000:]
    assert elapsed < 2 * limit + startup, f"pytest took {elapsed:.0f} s"

    start = time.monotonic()
    proc = run([PY, "-m", "autograder", "check", "--function", "rnn_forward"], cwd=folder, check=False, timeout=300)
    elapsed = time.monotonic() - start
    assert proc.returncode == 1 and said in proc.stdout, proc.stdout[-3000:]
    assert elapsed < 2 * limit + startup, f"autograder check took {elapsed:.0f} s"  # that function's checks only

    start = time.monotonic()
    script = "import otter, sys; print(repr(otter.Notebook(tests_dir='tests').check(sys.argv[1])))"
    proc = run([PY, "-c", script, "rnn_forward"], cwd=folder, check=False, timeout=300)
    elapsed = time.monotonic() - start
    assert said in proc.stdout, proc.stdout[-3000:]
    assert elapsed < 2 * limit + startup, f"otter's grader.check took {elapsed:.0f} s"


# ---------------------------------------------------------------- Gradescope


def _autograder_root(dist: Path, name: str, root: Path, submission: Path | None) -> Path:
    """A temporary /autograder: source/ (the zip, as Gradescope unpacks it), submission/, metadata."""
    with zipfile.ZipFile(dist / name / f"{name}-gradescope.zip") as zf:
        zf.extractall(root / "source")
    (root / "submission").mkdir()
    if submission is not None:
        for file in manifests.load(name).files:
            shutil.copyfile(submission / name / file, root / "submission" / file)
    (root / "submission_metadata.json").write_text(json.dumps({"users": [{"email": "student@example.edu"}]}))
    return root


#: extra_data entries that describe the run, not the grade: the worker's uid (from the grader's pid)
#: and the kit folders the grader made private (their paths differ between the two runs).
RUN_SPECIFIC = ("sandbox_uid", "made_private")


def comparable(results: dict) -> dict:
    """results.json without the entries that legitimately differ between two runs of one grading."""
    extra = {k: v for k, v in results.get("extra_data", {}).items() if k not in RUN_SPECIFIC}
    return {**results, "extra_data": extra}


def _run_autograder(root: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "AUTOGRADER_ROOT": str(root), "AUTOGRADER_VENV": str(root / "no-venv"),
           "PATH": f"{Path(PY).parent}{os.pathsep}{os.environ['PATH']}"}
    return run(["bash", str(root / "source" / "run_autograder")], cwd=root, env=env)


@pytest.mark.slow
@pytest.mark.parametrize("name", NAMES)
def test_gradescope_zip_grades_like_the_local_command(dist, graded, buggy, tmp_path, name):
    root = _autograder_root(dist, name, tmp_path / "autograder", buggy)
    _run_autograder(root)
    results = json.loads((root / "results" / "results.json").read_text())
    assert comparable(results) == comparable(graded(name, "buggy"))
    assert (root / "source").stat().st_mode & 0o777 == 0o700
    assert (root / "submission_metadata.json").stat().st_mode & 0o777 == 0o600
    shipped = {p.relative_to(root / "source").as_posix() for p in (root / "source").rglob("*") if p.is_file()}
    assert {f"solutions/{name}/{f}" for f in manifests.load(name).files} <= shipped
    assert {p.split("/")[1] for p in shipped if p.startswith("assignments/")} == {name}
    assert any(p.startswith(f"assignments/{name}/hidden/") for p in shipped)
    assert any(p.startswith("autograder/grading/") for p in shipped)


@pytest.mark.slow
def test_run_autograder_writes_valid_results_when_the_grader_cannot_run(dist, tmp_path):
    name = NAMES[0]
    root = _autograder_root(dist, name, tmp_path / "autograder", None)
    shutil.rmtree(root / "submission")  # nothing to grade: the grader refuses to start
    _run_autograder(root)
    results = json.loads((root / "results" / "results.json").read_text())
    assert results["score"] == 0 and results["tests"][0]["name"] == "autograder: grading finished"
