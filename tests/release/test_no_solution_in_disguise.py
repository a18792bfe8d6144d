"""What students receive: no solution in disguise, and only the student side (issue 10, items 1-3).

- Nothing a student receives (the student zip: public checks and the modules they import, the kit's
  student tools, the notebook, otter's files) computes a student function of its own assignment, on
  every assignment: the semantic and the static check of ``autograder/release/leaks.py``.
- Both checks catch the leak they were written for (the strategies that sized recurrent cases by
  running the forward recurrence of the RNN, LSTM and GRU), and ``make dist`` refuses to build it,
  naming the function and the module, before any grading.
- The static check's rule on small programs: loops that run a recurrence are flagged, the rest is not.
- The public recurrent strategies keep their promise without the recurrence (the bound from norms
  bounds the exact pre-activations), and the public gradient check judges a relu kink correctly.
- The student zip holds its own assignment's student side and nothing else (no grader, classroom,
  release or devtools module, no hidden check, no other assignment's file), and every kit module
  its code imports.
"""

from __future__ import annotations

import ast
import shutil

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from autograder import manifest as manifests
from autograder.checklib.compare import CheckFailure
from autograder.checklib.local import LocalSubmission
from autograder.paths import ASSIGNMENTS, SOLUTIONS
from autograder.release import DistError, build, leaks
from autograder.release.modules import NEVER, student_package_files
from autograder.release.student_zip import student_entries

NAMES = manifests.available()
MANIFESTS = {name: manifests.load(name) for name in NAMES}


def _listing(found) -> str:
    return "\n".join(f"  {leak.kind}: {leak}" for leak in found)


# ---------------------------------------------------------------- every assignment: nothing leaks


@pytest.mark.parametrize("name", NAMES)
def test_no_shipped_function_computes_a_student_function(name):
    """Semantic: every function of every shipped module, called on the worked examples' inputs (and on
    their objects), computes none of the reference's outputs on them, neither returned nor in a local."""
    found = leaks.semantic_leaks(MANIFESTS[name])
    assert not found, f"{name}: the student zip would ship code computing student functions:\n{_listing(found)}"


@pytest.mark.parametrize("name", NAMES)
def test_no_shipped_loop_runs_a_recurrence(name):
    """Static: no shipped loop applies tanh or a sigmoid to a product with a recurrent weight."""
    found = leaks.static_leaks(MANIFESTS[name])
    assert not found, f"{name}: the student zip would ship a forward recurrence:\n{_listing(found)}"


@pytest.mark.parametrize("name", NAMES)
def test_the_checks_see_every_python_file_of_the_student_zip(name):
    """What the checks scan is what ships: every .py and the notebook of the zip, except the templates
    and the provided files; the modules next to the checks and the kit's modules are scanned as the
    very files that ship (semantic check), the generated files as text (static check)."""
    manifest = MANIFESTS[name]
    entries = student_entries(manifest, leaks.placeholder_selfcheck(manifest))
    scanned = {s.path: s for s in leaks.shipped_sources(manifest, entries)}
    excepted = set(manifest.files) | set(manifest.provided)
    python = {p for p in entries if p.endswith((".py", ".ipynb"))}
    assert set(scanned) == python - excepted
    for path, shipped in scanned.items():
        if path.startswith(("public/", "autograder/")):
            assert shipped.source is not None and shipped.source.read_bytes() == entries[path], path
    notebook = scanned[f"{name}.ipynb"]
    assert notebook.kind == "notebook" and "import" in notebook.text


# ---------------------------------------------------------------- the leak they were written for

#: The strategies' code before the split (``git show 8fc8c91:assignments/recurrent/public/
#: strategies_recurrent.py``): it sized every case on its exact pre-activations, running SPEC's
#: forward recurrence of the RNN, LSTM and GRU. Planted back into a copy of the public strategies.
OLD_STRATEGY_CODE = '''


def _sigmoid(a: np.ndarray) -> np.ndarray:
    e = np.exp(-np.abs(a))
    return np.where(a >= 0, 1.0 / (1.0 + e), e / (1.0 + e))


def _preactivations(model, step, x, h0, prev_c, Wx, Wh, b, activation, alpha) -> np.ndarray:
    xs = x[:, None, :] if step else x
    N, T, _ = xs.shape
    H = h0.shape[1]
    h = h0
    c = prev_c if prev_c is not None else np.zeros((N, H))
    out = np.zeros((T, N, Wx.shape[1]))
    with np.errstate(all="ignore"):
        for t in range(T):
            if model == "gru":
                ax = xs[:, t] @ Wx + b
                a_zr = ax[:, : 2 * H] + h @ Wh[:, : 2 * H]
                z, r = _sigmoid(a_zr[:, :H]), _sigmoid(a_zr[:, H:])
                a_g = ax[:, 2 * H :] + (r * h) @ Wh[:, 2 * H :]
                a = np.concatenate([a_zr, a_g], axis=1)
                h = z * h + (1.0 - z) * np.tanh(a_g)
            else:
                a = xs[:, t] @ Wx + h @ Wh + b
                if model == "rnn":
                    act = np.tanh(a) if activation == "tanh" else np.maximum(a, 0.0)
                    h = alpha * h + (1.0 - alpha) * act
                else:
                    i, f, o = _sigmoid(a[:, :H]), _sigmoid(a[:, H : 2 * H]), _sigmoid(a[:, 3 * H :])
                    c = f * c + i * np.tanh(a[:, 2 * H : 3 * H])
                    h = o * np.tanh(c)
            out[t] = a
    return out


def _cap(case):
    """Scale the weights down until every |pre-activation| is at most PREACT_CAP."""
    for _ in range(8):
        m = float(np.max(np.abs(_preactivations(case.model, case.step, case.x, case.h0, case.prev_c, case.Wx,
                                                case.Wh, case.b, case.activation, case.alpha))))
        if m <= PREACT_CAP:
            break
        case = dataclasses.replace(case, Wx=case.Wx * 0.9 * PREACT_CAP / m, Wh=case.Wh * 0.9 * PREACT_CAP / m,
                                   b=case.b * 0.9 * PREACT_CAP / m)
    return case
'''


@pytest.fixture
def leaky_recurrent(tmp_path) -> manifests.Manifest:
    """A copy of the recurrent assignment (manifest, public/, handout/) whose public strategies hold
    the old, recurrence-based sizing code."""
    source = ASSIGNMENTS / "recurrent"
    root = tmp_path / "recurrent"
    root.mkdir()
    shutil.copy(source / "manifest.toml", root / "manifest.toml")
    for folder in ("public", "handout"):
        shutil.copytree(source / folder, root / folder, ignore=shutil.ignore_patterns("__pycache__"))
    strategies = root / "public" / "strategies_recurrent.py"
    strategies.write_text(strategies.read_text(encoding="utf-8") + OLD_STRATEGY_CODE, encoding="utf-8")
    return manifests.load_file(root / "manifest.toml")


def test_both_checks_catch_the_recurrence_the_old_strategies_ran(leaky_recurrent):
    static = leaks.static_leaks(leaky_recurrent)
    assert [(leak.module, leak.function) for leak in static] == [("public/strategies_recurrent.py", "_preactivations")]
    semantic = leaks.semantic_leaks(leaky_recurrent)
    assert semantic, "the semantic check missed a forward recurrence hidden in the strategies"
    assert {(leak.module, leak.function) for leak in semantic} == {("public/strategies_recurrent.py", "_preactivations")}
    details = "\n".join(leak.detail for leak in semantic)
    for function in ("rnn_step_forward", "lstm_step_forward", "gru_step_forward"):
        assert f"{function}'s output 0" in details, details


def test_dist_refuses_to_build_a_solution_in_disguise(leaky_recurrent, monkeypatch, tmp_path):
    """``make dist`` stops before grading anything (this test may start no process) and names the
    function and its module."""
    import autograder.release as release

    monkeypatch.setattr(release.manifests, "load", lambda name: leaky_recurrent)
    out = tmp_path / "dist"
    with pytest.raises(DistError) as info:
        build("recurrent", out, log=lambda *_: None)
    message = str(info.value)
    assert "refusing to build" in message
    assert "public/strategies_recurrent.py: _preactivations:" in message
    assert not list(out.glob("**/*.zip"))


# ---------------------------------------------------------------- the static rule on small programs

FLAGGED = {
    "for loop, through a variable": """
        def forward(x, h, Wx, Wh, b):
            for t in range(x.shape[1]):
                a = x[:, t] @ Wx + h @ Wh + b
                h = np.tanh(a)
            return h
    """,
    "while loop, np.dot, textbook sigmoid": """
        def gates(x, h, params):
            t = 0
            while t < 3:
                z = 1.0 / (1.0 + np.exp(-(np.dot(h, params["W_h"]) + x[t])))
                h = z * h
                t += 1
            return h
    """,
    "comprehension, .dot": """
        def states(hs, Whh):
            return [np.tanh(h.dot(Whh)) for h in hs]
    """,
    "loop calling a step helper": """
        def step(x, h, Wx, Wh, b):
            return np.tanh(x @ Wx + h @ Wh + b)

        def run(xs, h, Wx, Wh, b):
            out = []
            for x in xs:
                h = step(x, h, Wx, Wh, b)
                out.append(h)
            return out
    """,
    "einsum, expit, state kept in an array": """
        from scipy.special import expit

        def run(x, h0, Wh_z):
            hs = np.zeros((3,) + h0.shape)
            hs[0] = h0
            for t in range(1, 3):
                hs[t] = np.einsum("nh,hk->nk", hs[t - 1], Wh_z) + x[t]
                g = expit(hs[t])
            return g
    """,
}
NOT_FLAGGED = {
    "one step, no loop": """
        def step(x, prev_h, Wx, Wh, b):
            return np.tanh(x @ Wx + prev_h @ Wh + b)
    """,
    "a bound iterated over time (no tanh, no sigmoid)": """
        def bound(x, h0, Wx, Wh, b, alpha):
            state = np.abs(h0)
            for t in range(x.shape[1]):
                a = np.abs(x[:, t]) @ np.abs(Wx) + state @ np.abs(Wh) + np.abs(b)
                state = alpha * state + (1 - alpha) * a
            return state
    """,
    "tanh of the input product only": """
        def features(x, Wx):
            return [np.tanh(x[:, t] @ Wx) for t in range(x.shape[1])]
    """,
    "a relu recurrence": """
        def relu_rnn(x, h, Wh):
            for t in range(x.shape[1]):
                h = np.maximum(x[:, t] + h @ Wh, 0.0)
            return h
    """,
    "a loop of calls into the student's own functions": """
        def sequence_matches_steps(student, case):
            h = case.h0
            for t in range(case.T):
                h, _ = student.call("rnn_step_forward", case.x[:, t, :], h, case.Wx, case.Wh, case.b)
            return h
    """,
}


@pytest.mark.parametrize("program", list(FLAGGED), ids=list(FLAGGED))
def test_static_check_flags_a_loop_that_runs_a_recurrence(program):
    import textwrap

    assert leaks.static_leaks_in(textwrap.dedent(FLAGGED[program]), "snippet.py"), program


@pytest.mark.parametrize("program", list(NOT_FLAGGED), ids=list(NOT_FLAGGED))
def test_static_check_leaves_other_code_alone(program):
    import textwrap

    assert leaks.static_leaks_in(textwrap.dedent(NOT_FLAGGED[program]), "snippet.py") == [], program


# ---------------------------------------------------------------- public strategies and the kink

import checks_recurrent as rc  # noqa: E402 (the check folders are on sys.path: tests/conftest.py)
import strategies_recurrent as public_strategies  # noqa: E402

PUBLIC = [public_strategies.rnn_step_cases, public_strategies.rnn_cases, public_strategies.lstm_step_cases,
          public_strategies.lstm_cases, public_strategies.gru_step_cases, public_strategies.gru_cases]


def _exact(case) -> np.ndarray:
    """The exact pre-activations, by the grader's strategies (hidden/, never shipped)."""
    import strategies_recurrent_hidden as exact_strategies

    return exact_strategies._preactivations(case.model, case.step, case.x, case.h0, case.prev_c, case.Wx, case.Wh,
                                            case.b, case.activation, case.alpha)


@pytest.mark.parametrize("make", PUBLIC, ids=[m.__name__ for m in PUBLIC])
@pytest.mark.parametrize("scale", ["unit", "large", "any"])
@given(data=st.data())
def test_public_strategies_bound_the_exact_preactivations(make, scale, data):
    case = data.draw(make(scale=scale), label="case")
    bound = case.preactivation_bound
    assert float(np.max(np.abs(_exact(case)))) <= bound * (1 + 1e-12)
    assert bound <= public_strategies.PREACT_CAP < public_strategies.PREACT_LIMIT
    if scale == "large":
        assert 0.99 * public_strategies.LARGE_PREACT[0] <= bound <= public_strategies.LARGE_PREACT[1] * (1 + 1e-12)


def _reference() -> LocalSubmission:
    manifest = MANIFESTS["recurrent"]
    return LocalSubmission(SOLUTIONS / "recurrent", manifest.functions, prefix="_reference_")


def _on_the_kink(seed: int):
    """A relu step whose pre-activation a[0, 0] is 3e-7: within a step (1e-6) of the kink at 0, so the
    centred differences that move a[0, 0] straddle it."""
    rng = np.random.default_rng(seed)
    x, h0 = rng.uniform(-1, 1, (2, 3)), rng.uniform(-1, 1, (2, 2))
    Wx, Wh = rng.uniform(-1, 1, (3, 2)), rng.uniform(-1, 1, (2, 2))
    a = x @ Wx + h0 @ Wh
    b = np.array([3e-7 - a[0, 0], 0.4])
    return public_strategies.RecurrentCase(model="rnn", step=True, x=x, h0=h0, Wx=Wx, Wh=Wh, b=b,
                                           dh=rng.uniform(-1, 1, (2, 2)), activation="relu", alpha=0.0)


@pytest.mark.parametrize("output", ["dx", "dprev_h", "dWx", "dWh", "db"])
def test_public_gradient_check_judges_a_correct_backward_next_to_a_relu_kink(output):
    """Entries whose centred difference straddles the kink are left out (the two step sizes disagree
    there), so the reference passes, where a single step size would have failed it."""
    case, reference = _on_the_kink(3), _reference()
    numeric, finer = rc.numerical_gradients(reference, case, output[1:], (rc.NUMGRAD_EPS,
                                                                            rc.NUMGRAD_EPS / rc.KINK_STEP_RATIO))
    _, cache = rc.forward(reference, case)
    analytic = rc.backward(reference, case, cache)[output]
    straddled = ~np.isclose(numeric, finer, rtol=rc.GRAD_RTOL, atol=rc.GRAD_ATOL)
    assert straddled.any() and not np.allclose(analytic, numeric, rtol=rc.GRAD_RTOL, atol=rc.GRAD_ATOL)
    rc.gradient_consistent(reference, case, output)


class _Noisy:
    """A forward that is not a function of its input (a different result each call), a correct backward."""

    def __init__(self, inner, rng):
        self.inner, self.rng = inner, rng

    def call(self, name, *args, **kwargs):
        value = self.inner.call(name, *args, **kwargs)
        if name.endswith("_forward"):
            return (value[0] + self.rng.normal(scale=1e-6, size=value[0].shape),) + tuple(value[1:])
        return value

    def call_many(self, name, calls):
        return [self.call(name, *args) for args in calls]


def test_public_gradient_check_never_passes_when_few_entries_are_comparable():
    rng = np.random.default_rng(4)
    case = public_strategies.RecurrentCase(
        model="rnn", step=True, x=rng.uniform(-1, 1, (2, 3)), h0=rng.uniform(-1, 1, (2, 2)),
        Wx=rng.uniform(-1, 1, (3, 2)), Wh=rng.uniform(-1, 1, (2, 2)), b=rng.uniform(-1, 1, 2),
        dh=rng.uniform(-1, 1, (2, 2)), activation="tanh", alpha=0.0)
    with pytest.raises(CheckFailure, match="cannot be checked on this input"):
        rc.gradient_consistent(_Noisy(_reference(), rng), case, "dWx")


def test_public_gradient_check_still_catches_a_wrong_gradient_next_to_a_kink():
    case = _on_the_kink(5)

    class Wrong:
        def __init__(self, inner):
            self.inner = inner

        def call(self, name, *args, **kwargs):
            value = self.inner.call(name, *args, **kwargs)
            return (value[0], value[1], value[2] * 1.5, value[3], value[4]) if name.endswith("_backward") else value

        def call_many(self, name, calls):
            return [self.call(name, *args) for args in calls]

    with pytest.raises(CheckFailure, match="'dWx' is wrong"):
        rc.gradient_consistent(Wrong(_reference()), case, "dWx")


# ---------------------------------------------------------------- only the student side ships


def _module_stems(folder) -> set[str]:
    return {p.stem for p in folder.glob("*.py")} if folder.is_dir() else set()


#: Top-level files of the student folder that are neither code nor data: handout, manifest, pytest's and
#: pip's set-up (requirements*.txt).
METADATA_SUFFIXES = (".md", ".txt", ".ini", ".toml", ".cfg")


@pytest.mark.parametrize("name", NAMES)
def test_student_zip_holds_its_own_student_side_only(name):
    """The code and data of the zip are exactly the assignment's student side: its templates and
    provided files, its public/ folder, the kit's student modules, its notebook, otter's files for its
    functions, its data; beside them only top-level metadata (README, manifest, requirements, ...)."""
    manifest = MANIFESTS[name]
    entries = student_entries(manifest, leaks.placeholder_selfcheck(manifest))
    public_folders = {p.parent for p in manifest.public_checks}
    expected = {*manifest.files, *manifest.provided, f"{name}.ipynb", "README.md", "manifest.toml", "conftest.py",
                "pytest.ini", *student_package_files(), *(f"tests/{f}.py" for f in manifest.functions),
                *(p.relative_to(manifest.root).as_posix() for p in manifest.data)}
    for folder in public_folders:
        rel = folder.relative_to(manifest.root).as_posix()
        expected |= {f"{rel}/{p.relative_to(folder).as_posix()}" for p in folder.rglob("*")
                     if p.is_file() and "__pycache__" not in p.parts and p.suffix != ".pyc"}
    metadata = {p for p in entries if "/" not in p and p.endswith(METADATA_SUFFIXES)}
    assert set(entries) - metadata <= expected, f"not the student side of {name}: {sorted(set(entries) - metadata - expected)}"
    assert expected <= set(entries), f"missing from the student zip: {sorted(expected - set(entries))}"
    # no grader, classroom, release or devtools module; no hidden check or grader-side module
    assert not [p for p in entries if p.startswith("autograder/") and p.split("/")[1] in NEVER]
    assert not [p for p in entries if p.startswith("hidden/") or "/hidden/" in p]
    grader_side = set().union(*(_module_stems(h.parent) for h in manifest.hidden_checks))
    others = set()
    for other in NAMES:
        if other != name:
            m = MANIFESTS[other]
            others |= set().union(*(_module_stems(p.parent) for p in (*m.public_checks, *m.hidden_checks)))
            others |= {f.removesuffix(".py") for f in m.files if f not in manifest.provided}
            assert not [p for p in entries if p.startswith(f"{other}/") or f"/{other}/" in p]
    shipped_stems = {p.rsplit("/", 1)[-1].removesuffix(".py") for p in entries if p.endswith(".py")}
    assert not shipped_stems & grader_side, sorted(shipped_stems & grader_side)
    own = {f.removesuffix(".py") for f in (*manifest.files, *manifest.provided)} | {"__init__"}
    assert not shipped_stems & (others - own), sorted(shipped_stems & (others - own))


def _imports(tree: ast.AST, top_level_only: bool) -> set[str]:
    nodes = tree.body if top_level_only else list(ast.walk(tree))
    found = set()
    for node in nodes:
        if isinstance(node, ast.Import):
            found |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom) and not node.level and node.module:
            found |= {node.module} | {f"{node.module}.{a.name}" for a in node.names}
    return found


@pytest.mark.parametrize("name", NAMES)
def test_student_zip_holds_every_module_its_code_imports(name):
    """Every kit module that shipped code imports (the kit's student modules at their top level; the
    checks, their modules, the notebook and otter's files anywhere) ships too; the checks' modules
    import no other assignment's modules and no grader-side module."""
    manifest = MANIFESTS[name]
    entries = student_entries(manifest, leaks.placeholder_selfcheck(manifest))
    kit_modules = {p.removesuffix(".py").removesuffix("/__init__").replace("/", ".") for p in entries
                   if p.startswith("autograder/") and p.endswith(".py")}
    own = {p.rsplit("/", 1)[-1].removesuffix(".py") for p in entries if p.endswith(".py") and "/" in p
           and p.split("/")[0] != "autograder"} | {f.removesuffix(".py") for f in (*manifest.files, *manifest.provided)}
    check_modules = set()
    for other in NAMES:
        m = MANIFESTS[other]
        check_modules |= set().union(*(_module_stems(p.parent) for p in (*m.public_checks, *m.hidden_checks)))
    missing = []
    for shipped in leaks.shipped_sources(manifest, entries):
        tree = ast.parse(shipped.text)
        for module in _imports(tree, top_level_only=shipped.kind == "package"):
            if module.startswith("autograder.") or module == "autograder":
                candidates = {module, module.rsplit(".", 1)[0]}
                if not candidates & (kit_modules | {"autograder"}):
                    missing.append(f"{shipped.path} imports {module}")
            elif module.split(".")[0] in check_modules and module.split(".")[0] not in own:
                missing.append(f"{shipped.path} imports {module}, which is not this assignment's to ship")
    assert not missing, "\n".join(missing)
