"""Hostile and broken submissions: the sandbox holds (issue 4).

Every folder under ``tests/grading/hostile/`` is a small `recurrent` submission named after what it tries.
A fixture is the reference solutions with files replaced or added:

- ``rnn.py`` (or another student file) replaces the reference's file;
- ``rnn.append.py`` is appended to the reference's rnn.py (hostile wrappers around right answers);
- any other file is added to the submission as it is;
- ``submission.toml`` describes what cannot be committed as plain files (zips, ``../`` paths,
  symlinks, bombs, non-UTF-8 text, and files such as conftest.py or numpy.py that tools run on the
  kit would pick up, kept as ``.txt``); see ``build_submission``. ``tests/conftest.py`` keeps pytest
  out of ``tests/grading/hostile/``.

``{{SOLUTIONS}}``, ``{{KIT}}``, ``{{CHECKS}}``, ``{{OUTPUT}}``, ``{{SUBMISSION}}`` and ``{{PORT}}`` in
a fixture's text become the kit's absolute paths, the results path, the submission folder and
the port of a listener the test runs, so that an attack aims at the real targets.

Each fixture is graded once, through the real command (``helpers.run_grade``), in the session's
grading pool (``KIT_JOBS`` at a time, default 2), with a 2 s limit per call and 3 Hypothesis
examples per check to keep the suite short.
Then, for every fixture: grading ended within ``BOUND_S`` with exit 0 and a valid results.json
listing every check; the hostile file's checks earn no more than its answers deserve (the
``EXPECT`` table); the honest files keep full marks; the kit's files are unchanged; no process of
the sandbox outlives grading; and the strongest isolation level the machine offers was used.
A subset is graded again at the ``uid`` fallback level (as root). Each grading's time goes to
``gradings.log`` in pytest's base temporary folder.
"""

from __future__ import annotations

import hashlib
import os
import select
import shutil
import socket
import threading
try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10: the same parser, as a package (requirements/)
    import tomli as tomllib
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from autograder.grading.sandbox import SANDBOX_UID_BASE, SANDBOX_UIDS
from autograder.paths import KIT_ROOT as KIT
from helpers import run_grade
FIXTURES = Path(__file__).resolve().parent / "hostile"
SOLUTIONS = KIT / "solutions" / "recurrent"
CHECKS = KIT / "assignments" / "recurrent"
FILES = ("rnn.py", "lstm.py", "gru.py")
FUNCTIONS = {f"{m}{s}": f"{m}.py" for m in ("rnn", "lstm", "gru")
             for s in ("_step_forward", "_step_backward", "_forward", "_backward")}
CALL_TIMEOUT_S = 2.0
MAX_EXAMPLES = 3
BOUND_S = 120  # a grading must end within this, whatever the submission does
KIT_FOLDERS = ("solutions", "assignments", "autograder", "student_templates")
VISIBILITIES = {"hidden", "after_due_date", "after_published", "visible"}
IS_ROOT = os.geteuid() == 0
HAS_BWRAP = shutil.which("bwrap") is not None
HONEST = ("lstm.py", "gru.py")


@dataclass(frozen=True)
class Expect:
    """What grading one fixture must give.

    zero: student files (or functions) whose every check must score 0.
    honest: student files (or functions) whose every check must pass, except ``may_fail``.
    must_fail / may_fail: (file or function, text) pairs: the checks of that file or function whose
        name contains ``text`` must score 0 / need not pass.
    partial: functions that must earn something but not everything (right only in some cases).
    feedback: (function, text) pairs: some check of that function must say ``text``.
    note: text the results' top-level output must contain.
    clean: paths that must not hold a file containing "FAKE" or exist at all after grading.
    needs: the isolation level the property relies on (skipped, with the reason, below it).
    """

    fixture: str
    zero: tuple = ("rnn.py",)
    honest: tuple = HONEST
    must_fail: tuple = ()
    may_fail: tuple = ()
    partial: tuple = ()
    feedback: tuple = ()
    note: str = ""
    clean: tuple = ()
    needs: str | None = None


EXPECT = [
    Expect("honest-reference-solutions", zero=(), honest=FILES),
    Expect("exit-at-import-os-exit", feedback=(("rnn_step_forward", "exit status 3"),)),
    Expect("exit-at-import-systemexit", feedback=(("rnn_step_forward", "raised SystemExit"),)),
    Expect("exit-at-import-keyboardinterrupt", feedback=(("rnn_step_forward", "raised KeyboardInterrupt"),)),
    Expect("exit-inside-forward-functions", feedback=(("rnn_step_forward", "exit status 0"),
                                                      ("rnn_forward", "raised SystemExit"))),
    Expect("exit-inside-backward-functions", zero=("rnn_step_backward", "rnn_backward"), honest=FILES,
           may_fail=(("rnn.py", "backward"),),
           feedback=(("rnn_step_backward", "exit status 0"), ("rnn_backward", "killed by SIGKILL"))),
    Expect("infinite-loop-at-import", feedback=(("rnn_forward", "importing rnn.py did not finish"),)),
    Expect("sleep-at-import-ignoring-signals", feedback=(("rnn_backward", "importing rnn.py did not finish"),)),
    Expect("loop-in-function-catching-baseexception", feedback=(("rnn_step_forward", "did not finish within 2 s"),)),
    Expect("uninterruptible-c-call-in-function", feedback=(("rnn_forward", "did not finish within 2 s"),)),
    Expect("memory-and-disk-bombs", clean=("/tmp/fill-0", "/dev/shm/fill-0", "/var/tmp/fill-0")),
    Expect("fork-and-thread-storm"),
    Expect("lingering-setsid-child-writes-results"),
    Expect("flood-stdout-stderr", zero=(), honest=FILES),
    Expect("gigantic-return-values"),
    Expect("kill-parent-and-process-group"),
    Expect("monkeypatch-numpy-builtins-pytest-hypothesis"),
    Expect("forge-replies-on-the-channel", feedback=(("rnn_step_forward", "does not belong to the request"),)),
    Expect("ndarray-subclass-lying-in-eq-and-ufuncs"),
    Expect("objects-lying-in-array-protocol"),
    Expect("nan-and-inf-outputs"),
    Expect("nan-only-when-batch-is-one", zero=(), honest=FILES, partial=("rnn_step_forward",),
           may_fail=(("rnn_step_forward", ""), ("rnn_step_backward", ""), ("rnn_forward", "step function"))),
    Expect("wrong-dtype-shape-lists-none"),
    Expect("mutates-its-inputs", zero=(), honest=FILES, must_fail=(("rnn_step_forward", "arguments unchanged"),
                                                                   ("rnn_forward", "arguments unchanged"),
                                                                   ("rnn_step_backward", "arguments unchanged"),
                                                                   ("rnn_backward", "arguments unchanged"))),
    Expect("reads-reference-from-disk", feedback=(("rnn_step_forward", "LEAKED nothing"),)),
    Expect("imports-reference-from-sys-modules-and-gc", feedback=(("rnn_step_forward", "LEAKED nothing"),)),
    Expect("reads-hidden-checks", feedback=(("rnn_step_forward", "LEAKED []"),)),
    Expect("writes-fake-results-json", clean=("/tmp/results.json",)),
    Expect("tampers-with-kit-files"),
    Expect("shadow-files-in-submission"),
    Expect("network-to-local-listener", zero=(), honest=FILES, needs="bwrap"),
    Expect("syntax-error", feedback=(("rnn_step_forward", "SyntaxError"),)),
    Expect("non-utf8-source", feedback=(("rnn_step_forward", "SyntaxError"),)),
    Expect("missing-file", feedback=(("rnn_step_forward", "rnn.py is missing"),)),
    Expect("zip-with-nested-folders", zero=(), honest=FILES),
    Expect("zip-with-traversal-paths", clean=("/tmp/hostile-traversal-marker.py",)),
    Expect("symlinks-to-the-reference", zero=("rnn.py", "gru.py"), honest=("lstm.py",)),
    Expect("zip-symlink-to-the-reference"),
    Expect("zip-bomb", note="rnn.py is larger than"),
    Expect("cache-with-hanging-del", zero=(), honest=HONEST, feedback=(("rnn_step_forward", "freeing the cache"),)),
]
#: Graded again with the bubblewrap-less fallback forced (AUTOGRADER_ISOLATION=uid, root only).
UID_FALLBACK = (
    "honest-reference-solutions", "exit-at-import-os-exit", "loop-in-function-catching-baseexception",
    "memory-and-disk-bombs", "fork-and-thread-storm", "lingering-setsid-child-writes-results",
    "kill-parent-and-process-group", "reads-reference-from-disk", "reads-hidden-checks",
    "writes-fake-results-json", "tampers-with-kit-files",
)


@dataclass(frozen=True)
class Variant:
    expect: Expect
    isolation: str | None = None  # forced level, or None for the grader's own choice

    @property
    def id(self) -> str:
        return self.expect.fixture + (f"@{self.isolation}" if self.isolation else "")


VARIANTS = [Variant(e) for e in EXPECT] + [Variant(e, "uid") for e in EXPECT if e.fixture in UID_FALLBACK]


def expected_level(variant: Variant) -> str:
    """The isolation level a grading must report: the forced one, else the strongest installed."""
    if variant.isolation:
        return variant.isolation
    return "bwrap" if HAS_BWRAP else "uid" if IS_ROOT else "process"


# ---------------------------------------------------------------- building a submission


def _fill(text: str, values: dict) -> str:
    for key, value in values.items():
        text = text.replace("{{" + key + "}}", str(value))
    return text


def _content(spec: dict, folder: Path, values: dict) -> bytes:
    if "reference" in spec:
        text = (SOLUTIONS / spec["reference"]).read_text(encoding="utf-8")
    elif "fixture" in spec:
        text = (folder / spec["fixture"]).read_text(encoding="utf-8")
    elif "repeat" in spec:
        unit, count = spec["repeat"]
        return unit.encode() * count
    else:
        text = spec.get("text", "")
    return _fill(spec.get("prepend", "") + text, values).encode(spec.get("encoding", "utf-8"))


def build_submission(fixture: str, work: Path, values: dict) -> Path:
    """The submission of ``fixture`` (a folder or a zip) inside ``work``."""
    folder = FIXTURES / fixture
    spec = {}
    if (folder / "submission.toml").is_file():
        spec = tomllib.loads((folder / "submission.toml").read_text(encoding="utf-8"))
    entries = {e["name"]: e for e in spec.get("file", [])}
    base = spec.get("base", [f for f in FILES if f not in entries and f not in spec.get("omit", [])])
    files: dict[str, bytes] = {name: (SOLUTIONS / name).read_bytes() for name in base}
    sources = {e["fixture"] for e in entries.values() if "fixture" in e}
    for path in sorted(folder.rglob("*")):
        rel = path.relative_to(folder).as_posix()
        if path.is_dir() or rel in ("submission.toml", "README") or rel in sources:
            continue
        text = _fill(path.read_text(encoding="utf-8"), values)
        if rel.endswith(".append.py"):
            name = rel.removesuffix(".append.py") + ".py"
            reference = (SOLUTIONS / name).read_text(encoding="utf-8")
            files[name] = f"{reference}\n\n# ---- appended by tests/grading/hostile/{fixture}/{rel}\n{text}".encode()
        else:
            files[rel] = text.encode()
    symlinks = {n: _fill(e["symlink"], values) for n, e in entries.items() if "symlink" in e}
    for name, entry in entries.items():
        if name not in symlinks:
            files[name] = _content(entry, folder, values)
    if spec.get("kind", "folder") == "zip":
        target = work / "submission.zip"
        with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED) as archive:
            for name, data in files.items():
                archive.writestr(zipfile.ZipInfo(name), data, compress_type=zipfile.ZIP_DEFLATED)
            for name, link in symlinks.items():
                info = zipfile.ZipInfo(name)
                info.external_attr = 0o120777 << 16
                archive.writestr(info, link)
            for k in range(spec.get("padding_members", 0)):
                archive.writestr(f"padding/{k}.txt", b"")
        return target
    target = values["SUBMISSION"]
    for name, data in files.items():
        (target / name).parent.mkdir(parents=True, exist_ok=True)
        (target / name).write_bytes(data)
    for name, link in symlinks.items():
        os.symlink(link, target / name)
    return target


# ---------------------------------------------------------------- observing a grading


def kit_digest() -> dict[str, str]:
    """sha256 of every file the kit grades with (bytecode caches aside)."""
    digest = {}
    for top in KIT_FOLDERS:
        for path in sorted((KIT / top).rglob("*")):
            if path.is_file() and "__pycache__" not in path.parts:
                digest[str(path.relative_to(KIT))] = hashlib.sha256(path.read_bytes()).hexdigest()
    return digest


class Listener:
    """TCP and UDP on 127.0.0.1 (one port): counts whatever reaches it."""

    def __init__(self):
        self.tcp = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.tcp.bind(("127.0.0.1", 0))
        self.tcp.listen(16)
        self.port = self.tcp.getsockname()[1]
        self.udp = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.udp.bind(("127.0.0.1", self.port))
        self.arrived: list[str] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self):
        while not self._stop.is_set():
            ready, _, _ = select.select([self.tcp, self.udp], [], [], 0.1)
            for sock in ready:
                if sock is self.tcp:
                    conn, peer = self.tcp.accept()
                    self.arrived.append(f"tcp from {peer}")
                    conn.close()
                else:
                    _, peer = self.udp.recvfrom(4096)
                    self.arrived.append(f"udp from {peer}")

    def close(self) -> list[str]:
        self._stop.set()
        self._thread.join()
        self.tcp.close()
        self.udp.close()
        return self.arrived


def _cmdline(pid: int) -> str:
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as f:
            return f.read().replace(b"\0", b" ").decode("utf-8", "replace")
    except OSError:
        return ""


def claimed_uids() -> set[int]:
    """Sandbox uids held by running graders (their abstract-socket claims, see sandbox._claim_uid)."""
    prefix = "@autograder-sandbox-uid-"
    with open("/proc/net/unix") as f:
        return {int(p[len(prefix):]) for line in f for p in line.split()[7:8] if p.startswith(prefix)}


def leftover_processes(marker: str) -> list[str]:
    """Live processes of a sandbox uid that no running grader holds, or whose command line
    mentions ``marker`` (for a grader that is not root)."""
    claimed_before = claimed_uids()
    found = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit() or int(entry) == os.getpid():
            continue
        try:
            with open(f"/proc/{entry}/status") as f:
                status = dict(line.split(":", 1) for line in f if ":" in line)
        except OSError:
            continue
        if status.get("State", "").strip().startswith(("Z", "X")):
            continue
        found.append((entry, {int(u) for u in status.get("Uid", "").split()[:3]}))
    claimed = claimed_before | claimed_uids()  # a grader claims its uid before it starts a process
    return [f"{pid} (uid {sorted(uids)}): {_cmdline(int(pid))[:200]}" for pid, uids in found
            if any(SANDBOX_UID_BASE <= u < SANDBOX_UID_BASE + SANDBOX_UIDS and u not in claimed for u in uids)
            or marker in _cmdline(int(pid))]


@dataclass
class Grading:
    """What one grading did."""

    variant: Variant
    returncode: int | None = None
    elapsed: float = 0.0
    stderr: str = ""
    results: dict | None = None
    leftovers: list = field(default_factory=list)
    kit_changes: list = field(default_factory=list)
    connections: list = field(default_factory=list)
    unclean: list = field(default_factory=list)

    @property
    def summary(self) -> str:
        """One line for gradings.log."""
        return (f"{self.elapsed:6.1f} s  exit {self.returncode}  score {(self.results or {}).get('score')}  "
                f"{(self.results or {}).get('extra_data', {}).get('isolation')}")

    def tests_of(self, what: str) -> list[dict]:
        """The result entries of checks of a function, or of every function of a student file."""
        functions = [f for f, file in FUNCTIONS.items() if file == what] if what.endswith(".py") else [what]
        return [t for t in self.results["tests"] if t["name"].split(":")[0] in functions]


def grade_variant(variant: Variant, work: Path) -> Grading:
    record = Grading(variant)
    output = work / "out" / "results.json"
    output.parent.mkdir()
    (work / "submission").mkdir()
    listener = Listener()
    values = {"SOLUTIONS": SOLUTIONS, "KIT": KIT, "CHECKS": CHECKS, "OUTPUT": output,
              "SUBMISSION": work / "submission", "PORT": listener.port}
    submission = build_submission(variant.expect.fixture, work, values)
    env = {k: v for k, v in os.environ.items() if k != "AUTOGRADER_ISOLATION"}
    if variant.isolation:
        env["AUTOGRADER_ISOLATION"] = variant.isolation
    before = kit_digest()
    run = run_grade("recurrent", submission, output, {"call_timeout_s": CALL_TIMEOUT_S, "max_examples": MAX_EXAMPLES},
                    env=env, timeout=BOUND_S)
    record.elapsed = run.elapsed
    record.returncode = run.returncode
    record.stderr = run.stderr[-3000:]
    record.connections = listener.close()
    record.results = run.results
    record.leftovers = leftover_processes(str(work))
    after = kit_digest()
    record.kit_changes = sorted(k for k in before.keys() | after.keys() if before.get(k) != after.get(k))
    # Only where the host's shared folders are the worker's (under bubblewrap they are private).
    for path in variant.expect.clean if expected_level(variant) != "bwrap" else ():
        p = Path(path)
        if p.is_file() and (b"FAKE" in p.read_bytes() or p.name != "results.json"):
            record.unclean.append(path)
    return record


class Gradings:
    """The variants' gradings in the session's pool: ``gradings[variant]`` waits for one."""

    def __init__(self, pool, keys: dict[str, str]):
        self.pool, self.keys = pool, keys

    def __getitem__(self, variant: Variant) -> Grading:
        return self.pool[self.keys[variant.id]]


@pytest.fixture(scope="module")
def gradings(request, tmp_path_factory, grading_pool):
    """``gradings[variant]``: the grading of each selected variant (all started at once, in table
    order, in the session's grading pool)."""
    selected = []
    for item in request.session.items:
        variant = getattr(item, "callspec", None) and item.callspec.params.get("variant")
        if isinstance(variant, Variant) and variant not in selected and _runnable(variant) is None:
            selected.append(variant)
    if not any(v.expect.fixture == "honest-reference-solutions" and v.isolation is None for v in selected):
        selected.insert(0, VARIANTS[0])  # the baseline the others are compared with
    keys = {v.id: f"hostile/{v.id}" for v in selected}
    for v in selected:
        grading_pool.submit(keys[v.id], grade_variant, v, tmp_path_factory.mktemp(v.id.replace("@", "-")))
    yield Gradings(grading_pool, keys)
    grading_pool.cancel(keys.values())


def _runnable(variant: Variant) -> str | None:
    """Why ``variant`` cannot be graded here (None if it can)."""
    if variant.isolation == "uid" and not IS_ROOT:
        return "the uid fallback needs the grader to run as root"
    needs = variant.expect.needs
    if needs == "bwrap" and expected_level(variant) != "bwrap":
        return "this property holds only under bubblewrap (README: Security model)"
    return None


def record_of(gradings: Gradings, variant: Variant) -> Grading:
    """The grading of ``variant`` (skipping, with the reason, what cannot be graded here)."""
    reason = _runnable(variant)
    if reason:
        pytest.skip(reason)
    return gradings[variant]


def graded(gradings: Gradings, variant: Variant) -> Grading:
    """The grading of ``variant``, which must have written results.json."""
    record = record_of(gradings, variant)
    assert record.results is not None, f"no results.json (exit {record.returncode}):\n{record.stderr}"
    return record


#: Every test of a variant grades it through the real command: the slow tier.
each = pytest.mark.parametrize("variant", [pytest.param(v, id=v.id, marks=pytest.mark.slow) for v in VARIANTS])


# ---------------------------------------------------------------- the assertions, for every fixture


def test_the_fixture_table_covers_every_fixture_folder():
    assert sorted(e.fixture for e in EXPECT) == sorted(p.name for p in FIXTURES.iterdir() if p.is_dir())
    assert len(EXPECT) >= 25


@each
def test_grading_ends_in_time_with_exit_status_0(gradings, variant):
    record = record_of(gradings, variant)
    assert record.elapsed <= BOUND_S, f"grading took {record.elapsed:.0f} s"
    assert record.returncode == 0, record.stderr


@each
def test_results_json_is_valid_and_lists_every_check(gradings, variant):
    record = graded(gradings, variant)
    baseline = graded(gradings, VARIANTS[0])
    results = record.results
    assert [t["name"] for t in results["tests"]] == [t["name"] for t in baseline.results["tests"]]
    for t in results["tests"]:
        assert set(t) >= {"name", "score", "max_score", "output", "visibility"}, t
        assert 0 <= t["score"] <= t["max_score"] and t["visibility"] in VISIBILITIES, t
        assert "FAKE" not in t["name"] + t["output"]
    assert results["score"] == round(sum(t["score"] for t in results["tests"]), 4)
    assert "grader_error" not in results["extra_data"], results["extra_data"]["grader_error"]


@each
def test_the_strongest_isolation_available_was_used(gradings, variant):
    record = graded(gradings, variant)
    used = record.results["extra_data"]["isolation"]
    assert used == expected_level(variant), (
        f"graded at level {used!r}, expected {expected_level(variant)!r}: bubblewrap is installed but did not "
        "start (user namespaces blocked?); see README, Security model" if HAS_BWRAP else "")


@each
def test_the_hostile_file_earns_no_more_than_its_answers_deserve(gradings, variant):
    record = graded(gradings, variant)
    expect = variant.expect
    for what in expect.zero:
        earned = [(t["name"], t["score"]) for t in record.tests_of(what) if t["score"] > 0]
        assert not earned, f"{what} should earn nothing, got {earned}"
    for what, text in expect.must_fail:
        for t in record.tests_of(what):
            assert text not in t["name"] or t["score"] == 0, f"{t['name']} should fail"
    for function in expect.partial:
        tests = record.tests_of(function)
        score, top = sum(t["score"] for t in tests), sum(t["max_score"] for t in tests)
        assert 0 < score < top, f"{function} earned {score} of {top}; expected some but not all"
    for function, text in expect.feedback:
        outputs = [t["output"] for t in record.tests_of(function)]
        assert any(text in o for o in outputs), f"no {function} check says {text!r}:\n" + "\n".join(outputs[:3])
    assert expect.note in record.results["output"]


@each
def test_the_honest_files_keep_full_marks(gradings, variant):
    record = graded(gradings, variant)
    expect = variant.expect
    excused = {t["name"] for what, text in expect.must_fail + expect.may_fail
               for t in record.tests_of(what) if text in t["name"]}
    for what in expect.honest:
        lost = [(t["name"], t["output"][:300]) for t in record.tests_of(what)
                if t["score"] < t["max_score"] and t["name"] not in excused]
        assert not lost, f"{what} lost points: {lost}"


@each
def test_the_kit_is_unchanged(gradings, variant):
    record = record_of(gradings, variant)
    assert not record.kit_changes, f"kit files changed during the grading: {record.kit_changes}"


@each
def test_no_process_outlives_grading(gradings, variant):
    record = record_of(gradings, variant)
    assert not record.leftovers, f"still running after grading: {record.leftovers}"


@each
def test_nothing_reached_the_network_or_stayed_behind(gradings, variant):
    record = record_of(gradings, variant)
    assert not record.connections, f"the sandbox reached a listener on 127.0.0.1: {record.connections}"
    assert not record.unclean, f"files the sandbox wrote are still there: {record.unclean}"
