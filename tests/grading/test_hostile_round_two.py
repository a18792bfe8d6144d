"""Hostile submissions, round two (issue 11): scoring, time, and a class nobody can poison.

Every folder under ``tests/grading/hostile_round_two/`` is a small `recurrent` submission named after
the attack it tries, built as in ``test_hostile.py`` (``rnn.py`` replaces the reference's file,
``rnn.append.py`` is appended to it; ``submission.toml`` with ``kind = "symlink"`` makes the
submission path itself a symlink). The folders live beside ``hostile/`` rather than in it because
``test_hostile.py`` requires its table to list every folder there.

Each variant (fixture at a level) is graded once through the real command, in the session's grading
pool, with a 2 s limit per call, 3 Hypothesis examples per check and a 12 s budget for the whole
grading. Then: it ended within the budget plus a few seconds (``SLACK_S``: start-up, the reference
and the checks' own work) with exit 0 and a valid results.json listing every check of the honest
grading; the hostile file earns no more than it deserves; the honest files keep full marks; student
text is inert in results.json and feedback.md. Once all are graded: no file of a sandbox uid is
left in /tmp, /var/tmp, /dev/shm, /run/lock, and no SysV queue, semaphore set or shared memory
segment of one.

Levels: ``namespaces`` (the root-without-bubblewrap level) for every attack where the level matters,
``bwrap`` as well when installed, and ``uid`` where cleaning up after the plain uid level is the point.
"""

from __future__ import annotations

import os
import re
import shutil
from dataclasses import dataclass
from pathlib import Path

try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10
    import tomli as tomllib

import pytest

from autograder.classroom.gradebook import feedback_markdown
from autograder.grading import sandbox
from autograder.grading.sandbox import SANDBOX_UID_BASE, SANDBOX_UIDS
from helpers import run_grade
from test_hostile import CHECKS, FILES, FUNCTIONS, KIT, SOLUTIONS, claimed_uids, leftover_processes

FIXTURES = Path(__file__).resolve().parent / "hostile_round_two"
CALL_TIMEOUT_S = 2.0
MAX_EXAMPLES = 3
BUDGET_S = 12.0
SLACK_S = 45.0  # start-up, reference, Hypothesis and the checks' own work on a loaded 2-core machine
IS_ROOT = os.geteuid() == 0
HAS_BWRAP = shutil.which("bwrap") is not None
HAS_NAMESPACES = IS_ROOT and sandbox.namespaces_available()
HONEST = ("lstm.py", "gru.py")
SHARED = ("/tmp", "/var/tmp", "/dev/shm", "/run/lock", "/var/lock")
ESCAPES = ("\x1b", "\x9b", "\x07", "\ud800", "\udfff")


@dataclass(frozen=True)
class Expect:
    fixture: str
    levels: tuple = ("default",)
    zero: tuple = ("rnn.py",)
    honest: tuple = HONEST
    feedback: tuple = ()  # (function, text): some check of that function must say text
    inert: bool = False  # student text: no escapes in results.json, and fences hold in feedback.md
    budget_s: float = BUDGET_S  # the grading's time budget (--budget)
    max_examples: int = MAX_EXAMPLES  # more: more requests for a slow submission to stretch


STRONG = ("bwrap", "namespaces")
EXPECT = [
    Expect("honest", levels=("default", "namespaces"), zero=(), honest=FILES),
    Expect("huge-outputs-make-zero-gradients-pass"),
    Expect("slow-answers-just-under-the-limit", zero=(), feedback=(("rnn.py", "time budget"),), max_examples=10),
    Expect("reads-classmates-via-proc-cmdline", levels=STRONG, feedback=(("rnn_step_forward", "LEAKED []"),)),
    Expect("leaves-files-in-run-lock", levels=("uid", "namespaces"), zero=(), honest=FILES),
    Expect("sysv-message-queue-carries-answers", levels=("uid", "namespaces"), zero=(), honest=FILES),
    Expect("numpy-rejected-npy-header", levels=("default", "namespaces"),
           feedback=(("rnn_step_forward", "invalid message"),)),
    Expect("lone-surrogate-in-exception-message", inert=True),
    Expect("markdown-fence-escape-in-message", inert=True),
    Expect("ansi-osc52-in-message", inert=True),
    Expect("submission-symlink-to-solutions", zero=FILES, honest=()),
]


@dataclass(frozen=True)
class Variant:
    expect: Expect
    level: str

    @property
    def id(self) -> str:
        return f"{self.expect.fixture}@{self.level}"


VARIANTS = [Variant(e, level) for e in EXPECT for level in e.levels]
BASELINE = VARIANTS[0]


def why_not(variant: Variant) -> str | None:
    if variant.level == "bwrap" and not HAS_BWRAP:
        return "bubblewrap is not installed"
    if variant.level == "uid" and not IS_ROOT:
        return "the uid level needs root"
    if variant.level == "namespaces" and not HAS_NAMESPACES:
        return "the namespaces level needs root and a kernel that lets it unshare and mount"
    return None


def build(fixture: str, work: Path) -> Path:
    """The submission of ``fixture`` in ``work`` (a compact copy of test_hostile.build_submission)."""
    values = {"SOLUTIONS": SOLUTIONS, "KIT": KIT, "CHECKS": CHECKS}
    folder = FIXTURES / fixture
    spec = {}
    if (folder / "submission.toml").is_file():
        spec = tomllib.loads((folder / "submission.toml").read_text(encoding="utf-8"))
    if spec.get("kind") == "symlink":
        link = work / "submission"
        os.symlink(str(spec["target"]).replace("{{SOLUTIONS}}", str(SOLUTIONS)), link)
        return link
    target = work / "submission"
    target.mkdir()
    for name in FILES:
        shutil.copyfile(SOLUTIONS / name, target / name)
    for path in sorted(folder.glob("*.py")) if folder.is_dir() else ():
        text = path.read_text(encoding="utf-8")
        for key, value in values.items():
            text = text.replace("{{" + key + "}}", str(value))
        if path.name.endswith(".append.py"):
            name = path.name.removesuffix(".append.py") + ".py"
            with open(target / name, "a", encoding="utf-8") as f:
                f.write(f"\n\n# ---- appended by {path.name}\n{text}")
        else:
            (target / path.name).write_text(text, encoding="utf-8")
    return target


def grade_variant(variant: Variant, work: Path):
    submission = build(variant.expect.fixture, work)
    env = {k: v for k, v in os.environ.items() if k != "AUTOGRADER_ISOLATION"}
    if variant.level != "default":
        env["AUTOGRADER_ISOLATION"] = variant.level
    (work / "out").mkdir()
    run = run_grade("recurrent", submission, work / "out" / "results.json",
                    {"call_timeout_s": CALL_TIMEOUT_S, "max_examples": variant.expect.max_examples,
                     "budget_s": variant.expect.budget_s},
                    env=env, timeout=BUDGET_S + 5 * SLACK_S)
    run.leftovers = leftover_processes(str(work))
    return run


@pytest.fixture(scope="module")
def gradings(request, tmp_path_factory, grading_pool):
    selected = [BASELINE]
    for item in request.session.items:
        v = getattr(item, "callspec", None) and item.callspec.params.get("variant")
        if isinstance(v, Variant) and v not in selected and why_not(v) is None:
            selected.append(v)
    keys = {v.id: f"hostile2/{v.id}" for v in selected}
    for v in selected:
        grading_pool.submit(keys[v.id], grade_variant, v, tmp_path_factory.mktemp(v.id.replace("@", "-")))
    yield {v.id: keys[v.id] for v in selected}, grading_pool
    grading_pool.cancel(keys.values())


def graded(gradings, variant: Variant):
    reason = why_not(variant)
    if reason:
        pytest.skip(reason)
    keys, pool = gradings
    return pool[keys[variant.id]]


def checks_of(results: dict, what: str) -> list[dict]:
    functions = [f for f, file in FUNCTIONS.items() if file == what] if what.endswith(".py") else [what]
    return [t for t in results["tests"] if t["name"].split(":")[0] in functions]


each = pytest.mark.parametrize("variant", [pytest.param(v, id=v.id, marks=pytest.mark.slow) for v in VARIANTS])


def test_every_fixture_folder_is_graded():
    assert sorted(e.fixture for e in EXPECT if e.fixture != "honest") == sorted(
        p.name for p in FIXTURES.iterdir() if p.is_dir())


@each
def test_it_ends_within_the_budget_with_a_valid_results_json(gradings, variant):
    run = graded(gradings, variant)
    baseline = graded(gradings, BASELINE)
    assert run.returncode == 0, run.stderr[-3000:]
    assert run.elapsed <= variant.expect.budget_s + SLACK_S, f"grading took {run.elapsed:.0f} s"
    results = run.results
    assert results is not None
    assert [t["name"] for t in results["tests"]] == [t["name"] for t in baseline.results["tests"]]
    for t in results["tests"]:
        assert 0 <= t["score"] <= t["max_score"], t
        assert "FAKE" not in t["name"]
    assert results["score"] == round(sum(t["score"] for t in results["tests"]), 4)
    assert "grader_error" not in results["extra_data"], results["extra_data"]["grader_error"]
    expected = variant.level if variant.level != "default" else (
        "bwrap" if HAS_BWRAP else "namespaces" if HAS_NAMESPACES else "uid" if IS_ROOT else "process")
    assert results["extra_data"]["isolation"] == expected
    assert not run.leftovers, run.leftovers


@each
def test_no_more_points_than_deserved_and_honest_files_keep_full_marks(gradings, variant):
    run = graded(gradings, variant)
    expect = variant.expect
    for what in expect.zero:
        earned = [(t["name"], t["score"]) for t in checks_of(run.results, what) if t["score"] > 0]
        assert not earned, f"{what} should earn nothing, got {earned}"
    for what in expect.honest:
        lost = [(t["name"], t["output"][:300]) for t in checks_of(run.results, what) if t["score"] < t["max_score"]]
        assert not lost, f"{what} lost points: {lost}"
    for function, text in expect.feedback:
        outputs = [t["output"] for t in checks_of(run.results, function)]
        assert any(text in o for o in outputs), f"no {function} check says {text!r}:\n" + "\n".join(outputs[:3])


@pytest.mark.slow
def test_answers_just_under_the_limit_hold_a_grader_no_longer_than_its_budget(gradings):
    """Within the budget plus a few seconds of what the honest grading took (before the budget, the
    same submission held it for every request it was sent: 26 s here, hours at the real settings)."""
    slow = next(v for v in VARIANTS if v.expect.fixture == "slow-answers-just-under-the-limit")
    run, baseline = graded(gradings, slow), graded(gradings, BASELINE)
    assert run.elapsed <= max(baseline.elapsed, 8.0) + slow.expect.budget_s + 8.0, (
        f"{run.elapsed:.1f} s (the honest grading: {baseline.elapsed:.1f} s)")


def _outside_fences(markdown: str) -> list[str]:
    """The lines of ``markdown`` outside fenced code blocks (CommonMark: a fence closes on a line of
    at least as many of the same character, indented by up to three spaces, and nothing else)."""
    outside, fence = [], None
    for line in markdown.splitlines():
        m = re.match(r"^ {0,3}(`{3,}|~{3,})(.*)$", line)
        if fence is None:
            if m and not (m.group(1)[0] == "`" and "`" in m.group(2)):
                fence = m.group(1)
            else:
                outside.append(line)
        elif m and m.group(1)[0] == fence[0] and len(m.group(1)) >= len(fence) and not m.group(2).strip():
            fence = None
    return outside


@each
def test_student_text_is_inert_in_results_and_feedback(gradings, variant):
    if not variant.expect.inert:
        pytest.skip("no student text in this attack")
    run = graded(gradings, variant)
    text = "".join(t["output"] for t in run.results["tests"]) + run.results["output"]
    assert not [c for c in ESCAPES if c in text], "raw escapes or surrogates in results.json"
    markdown = feedback_markdown("student", run.results, "RNN")
    markdown.encode("utf-8")  # a lone surrogate would raise here
    assert not [c for c in ESCAPES if c in markdown]
    loose = [line for line in _outside_fences(markdown) if "FAKE" in line or "<img" in line or "![" in line]
    assert not loose, f"student text escaped its code block: {loose}"


@pytest.mark.slow
def test_nothing_of_a_sandbox_uid_is_left_anywhere(gradings):
    keys, pool = gradings
    for v in VARIANTS:
        if v.id in keys:
            pool[keys[v.id]]  # wait for every grading
    claimed = claimed_uids()  # graders of other test modules still running keep theirs

    def stray(uid: int) -> bool:
        return SANDBOX_UID_BASE <= uid < SANDBOX_UID_BASE + SANDBOX_UIDS and uid not in claimed

    files = []
    for folder in SHARED:
        try:
            entries = list(os.scandir(folder))
        except OSError:
            continue
        for entry in entries:
            try:
                if stray(entry.stat(follow_symlinks=False).st_uid):
                    files.append(entry.path)
            except OSError:
                continue
    ipc = []
    for uid in range(SANDBOX_UID_BASE, SANDBOX_UID_BASE + SANDBOX_UIDS):
        if stray(uid):
            ipc += sandbox.ipc_objects_of(uid)
    assert not files, f"files of a sandbox uid left behind: {files}"
    assert not ipc, f"SysV IPC objects of a sandbox uid left behind: {ipc}"


# ---------------------------------------------------------------- a class in batch grading


@pytest.mark.slow
def test_class_entries_named_like_the_batch_outputs_do_not_stop_the_batch(tmp_path):
    """Issue 11, item 5: ``gradebook.csv.zip`` and ``batch.json/`` in the class folder are students
    like any other; their output folders never collide with the batch's own files."""
    import zipfile

    from autograder.classroom import grade_batch

    folder = tmp_path / "class"
    (folder / "batch.json").mkdir(parents=True)
    for name in FILES:
        shutil.copyfile(SOLUTIONS / name, folder / "batch.json" / name)
    with zipfile.ZipFile(folder / "gradebook.csv.zip", "w") as archive:
        for name in FILES:
            archive.write(SOLUTIONS / name, name)
    out = tmp_path / "out"
    summary = grade_batch("recurrent", folder, out, jobs=2, progress=False, call_timeout_s=CALL_TIMEOUT_S,
                          max_examples=MAX_EXAMPLES)
    assert not summary.errors and len(summary.students) == 2, summary
    assert (out / "gradebook.csv").is_file() and (out / "batch.json").is_file() and (out / "report.html").is_file()
    for student in summary.students:
        assert student.lower() not in ("gradebook.csv", "batch.json")
        assert (out / student / "results.json").is_file()


@pytest.mark.slow
def test_a_batch_time_limit_stops_the_grader_with_sigterm_first(tmp_path, monkeypatch):
    """Issue 11, item 3: past --timeout the grader gets SIGTERM (it stops calling student code,
    writes results.json and cleans up), SIGKILL only after a grace period: nothing is left running."""
    from autograder.classroom import batch
    from autograder.classroom.batch import Record

    signals = []
    real_kill = os.kill
    monkeypatch.setattr(batch.os, "kill", lambda pid, sig: (signals.append(sig), real_kill(pid, sig))[1])
    folder = tmp_path / "class"
    sub = build("slow-answers-just-under-the-limit", tmp_path)
    shutil.copytree(sub, folder / "slow")
    out = tmp_path / "out"
    start = __import__("time").monotonic()
    summary = batch.grade_submissions("recurrent", folder, out, jobs=1, timeout_s=4.0, progress=False,
                                      call_timeout_s=CALL_TIMEOUT_S, max_examples=MAX_EXAMPLES)
    elapsed = __import__("time").monotonic() - start
    assert summary.errors == ["slow"]
    assert signals[:1] == [__import__("signal").SIGTERM]
    assert elapsed <= 4.0 + batch.STOP_GRACE_S + 10
    record = Record.load(out / "slow" / "grading.json")
    assert record.status == "grader error" and "did not finish within 4 s" in record.detail
    assert not leftover_processes(str(folder))


# ---------------------------------------------------------------- the namespaces level on its own

needs_namespaces = pytest.mark.skipif(not HAS_NAMESPACES, reason="needs root and a kernel that lets it unshare and mount")


@pytest.mark.slow
@needs_namespaces
def test_at_the_namespaces_level_there_is_no_kit_no_network_no_other_process_and_a_small_tmp():
    import socket

    import test_sandbox as ts

    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(1)
    try:
        with ts.worker("namespaces") as w:
            assert w.level == "namespaces"
            facts = ts.call(w, "facts")
            assert facts["pid"] == 1 and facts["pids"] == 1  # alone in its PID namespace
            assert facts["uid"] == facts["euid"] == w.uid and facts["no_new_privs"] == "1"
            assert facts["stdout"] == facts["stderr"] == "/dev/null"
            assert facts["limits"]["RLIMIT_NPROC"] == sandbox.Limits().nproc
            for path in (KIT / "solutions", KIT / "assignments", "/run/lock", "/var/tmp", "/dev/shm", "/root"):
                assert not ts.call(w, "can_read", str(path)), path
            assert not ts.call(w, "can_connect", listener.getsockname()[1])
            for path in ("/x", "/sandbox/work/x", "/sandbox/runtime/x", "/usr/x", "/dev/x", "/proc/x"):
                assert not ts.call(w, "can_write", path), path
            assert ts.call(w, "can_write", "/tmp/small", 1)
            assert not ts.call(w, "can_write", "/tmp/large", 32)
    finally:
        listener.close()


@pytest.mark.slow
@needs_namespaces
@pytest.mark.parametrize("name", ["test_a_dead_worker_is_reported_with_its_exit_status_or_signal",
                                  "test_a_worker_that_stops_reading_cannot_block_the_grader",
                                  "test_an_answer_out_of_turn_kills_the_worker",
                                  "test_a_setsid_grandchild_does_not_outlive_its_worker",
                                  "test_as_root_the_worker_runs_as_an_unprivileged_uid_of_its_own",
                                  "test_a_busy_worker_dies_with_a_grader_that_is_killed"])
def test_the_sandbox_tests_hold_at_the_namespaces_level(name, tmp_path):
    import inspect

    import test_sandbox as ts

    test = getattr(ts, name)
    kwargs = {"tmp_path": tmp_path} if "tmp_path" in inspect.signature(test).parameters else {}
    test(level="namespaces", **kwargs)


@pytest.mark.slow
@needs_namespaces
def test_the_grader_prefers_namespaces_to_uid_when_bubblewrap_cannot_start(monkeypatch):
    import test_sandbox as ts

    monkeypatch.setattr(sandbox, "_bwrap_command", lambda *args: ["bwrap", "--no-such-option"])
    monkeypatch.delenv("AUTOGRADER_ISOLATION", raising=False)
    with ts.worker(None) as w:
        assert w.level == "namespaces"


@pytest.mark.slow
@pytest.mark.skipif(not IS_ROOT, reason="the uid level needs root")
def test_at_the_uid_level_sysv_objects_and_files_of_the_sandbox_uid_are_removed_at_the_end():
    import test_sandbox as ts

    with ts.worker("uid") as w:
        uid = w.uid
        w.request({"op": "import", "module": "probe"}, {}, 10)
        code = ("import ctypes; l = ctypes.CDLL(None); l.msgget(0x41470021, 0o1666); l.semget(0x41470022, 1, 0o1666);"
                " l.shmget(0x41470023, 4096, 0o1666); open('/run/lock/ag-probe', 'w').write('x')")
        (w.stage / "leave.py").write_text(code)
        os.chmod(w.stage / "leave.py", 0o644)
        os.chown(w.stage / "leave.py", 0, uid)
        w.request({"op": "import", "module": "leave"}, {}, 10)
        assert sorted(kind for kind, _ in sandbox.ipc_objects_of(uid)) == ["msg", "sem", "shm"]
        assert os.path.exists("/run/lock/ag-probe")
    assert sandbox.ipc_objects_of(uid) == [] and not os.path.exists("/run/lock/ag-probe")
