"""The sandbox's isolation layers, one at a time (issue 4): what the worker is and sees at each
level, how it is stopped, and what the grader reports when it dies or misbehaves on the channel.
The whole-grading attacks are in grading/test_hostile.py."""

from __future__ import annotations

import os
import shutil
import socket
import stat
import subprocess
import sys
import tempfile
import textwrap
import time
from contextlib import contextmanager
from pathlib import Path

import numpy as np
import pytest

from autograder.grading import sandbox, scratch, wire
from autograder.grading.grade import private_paths
from autograder.paths import KIT_ROOT
from autograder.grading.sandbox import Limits, Worker, WorkerDied, WorkerTimeout, processes_of

IS_ROOT = os.geteuid() == 0
HAS_BWRAP = shutil.which("bwrap") is not None
LEVELS = [level for level, ok in (("bwrap", HAS_BWRAP), ("uid", IS_ROOT), ("process", not IS_ROOT)) if ok]
UID_LEVELS = [level for level in ("bwrap", "uid") if level in LEVELS and IS_ROOT]

PROBE = '''
import ctypes, json, os, resource, socket, struct, sys, time

def facts():
    limits = {name: resource.getrlimit(getattr(resource, name))[0]
              for name in ("RLIMIT_AS", "RLIMIT_NPROC", "RLIMIT_NOFILE", "RLIMIT_CORE", "RLIMIT_FSIZE", "RLIMIT_CPU")}
    status = dict(line.split(":", 1) for line in open("/proc/self/status") if ":" in line)
    return {"isolated": sys.flags.isolated, "uid": os.getuid(), "euid": os.geteuid(), "gid": os.getgid(),
            "groups": list(os.getgroups()), "limits": limits, "pid": os.getpid(), "sid": os.getsid(0),
            "pgid": os.getpgid(0), "env": sorted(os.environ),
            "no_new_privs": status["NoNewPrivs"].strip(), "stdout": os.readlink("/proc/self/fd/1"),
            "stderr": os.readlink("/proc/self/fd/2"), "cwd": os.getcwd(),
            "pids": len([p for p in os.listdir("/proc") if p.isdigit()])}

def can_write(path, megabytes=1):
    try:
        with open(path, "wb") as f:
            for _ in range(megabytes):
                f.write(b"x" * (1 << 20))
        return True
    except OSError:
        return False

def can_read(path):
    try:
        if os.path.isdir(path):
            os.listdir(path)
        else:
            open(path, "rb").close()
        return True
    except OSError:
        return False

def can_connect(port):
    try:
        socket.create_connection(("127.0.0.1", port), timeout=1).close()
        return True
    except OSError:
        return False

def grandchild():
    r, w = os.pipe()
    if os.fork() == 0:
        os.setsid()
        pid = os.fork()
        if pid == 0:
            while True:
                time.sleep(60)
        os.write(w, str(pid).encode())
        os._exit(0)
    return int(os.read(r, 32))

def die(code):
    os._exit(code)

def segfault():
    ctypes.string_at(0)

def sleep(seconds):
    time.sleep(seconds)

def forge():
    head = json.dumps({"ok": True, "value": {"t": "f", "v": "1.0"}, "blobs": []}).encode()
    os.write(int(sys.argv[2]), struct.pack("<QQ", len(head), 0) + head)
    return 2.0
'''


@contextmanager
def worker(level: str | None, limits: Limits = Limits(), private=(), start: bool = True):
    """A started (``start``; else only made) worker whose stage holds ``probe.py`` (in a folder the
    sandbox uid can reach)."""
    stage = scratch.make("ag-test-stage-")
    (stage / "probe.py").write_text(textwrap.dedent(PROBE))
    w = Worker(stage, limits, level=level, private_paths=tuple(private))
    try:
        if start:
            w.start()
        yield w
    finally:
        w.close()
        shutil.rmtree(stage, ignore_errors=True)


def call(w: Worker, fn: str, *args, timeout: float = 20):
    header, arrays = w.request({"op": "call", "module": "probe", "fn": fn}, {"args": args, "kwargs": {}}, timeout)
    assert header.get("ok"), header
    return wire.decode(header["value"], arrays)


@pytest.mark.slow
@pytest.mark.parametrize("level", LEVELS)
def test_the_worker_is_isolated_python_with_rlimits_in_its_own_session(level):
    limits = Limits()
    with worker(level, limits) as w:
        facts = call(w, "facts")
    assert facts["isolated"] == 1
    if level == "bwrap":  # bwrap's pid 1 leads the sandbox's session; a leader outside would read as 0
        assert facts["sid"] == facts["pgid"] == 1
    else:
        assert facts["sid"] == facts["pgid"] == facts["pid"]
    assert facts["no_new_privs"] == "1"
    assert facts["stdout"] == facts["stderr"] == "/dev/null"
    assert set(facts["env"]) <= {"PATH", "LANG", "HOME", "PWD", "OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS",
                                 "MKL_NUM_THREADS", "NUMEXPR_NUM_THREADS"}
    expected_nproc = limits.nproc + (sandbox.BWRAP_TASKS if level == "bwrap" else 0)
    assert facts["limits"] == {"RLIMIT_AS": limits.memory_mb << 20, "RLIMIT_NPROC": expected_nproc,
                               "RLIMIT_NOFILE": limits.nofile, "RLIMIT_CORE": 0,
                               "RLIMIT_FSIZE": limits.fsize_mb << 20, "RLIMIT_CPU": limits.cpu_s}


@pytest.mark.slow
@pytest.mark.parametrize("level", UID_LEVELS)
def test_as_root_the_worker_runs_as_an_unprivileged_uid_of_its_own(level):
    with worker(level) as w:
        facts = call(w, "facts")
        assert facts["uid"] == facts["euid"] == facts["gid"] == w.uid
        assert sandbox.SANDBOX_UID_BASE <= w.uid < sandbox.SANDBOX_UID_BASE + sandbox.SANDBOX_UIDS
        assert facts["groups"] in ([], [w.uid])


@pytest.mark.slow
@pytest.mark.skipif(not HAS_BWRAP, reason="bubblewrap is not installed")
def test_bubblewrap_is_the_level_used_when_it_is_installed():
    with worker(None) as w:
        assert w.level == "bwrap", "bwrap is installed but the worker fell back (user namespaces blocked?)"


@pytest.mark.slow
@pytest.mark.skipif(not HAS_BWRAP, reason="bubblewrap is not installed")
def test_under_bubblewrap_there_is_no_kit_no_network_and_only_a_small_tmp_to_write():
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(1)
    try:
        with worker("bwrap") as w:
            assert not call(w, "can_read", str(KIT_ROOT / "solutions"))
            assert not call(w, "can_read", str(KIT_ROOT / "assignments"))
            assert not call(w, "can_connect", listener.getsockname()[1])
            for path in ("/x", "/sandbox/work/x", "/sandbox/runtime/x", "/dev/shm/x", "/usr/x"):
                assert not call(w, "can_write", path), path
            assert call(w, "can_write", "/tmp/small", 1)
            assert not call(w, "can_write", "/tmp/large", 32)
            assert call(w, "facts")["pids"] <= 2  # bwrap's pid 1 and the worker
    finally:
        listener.close()


@pytest.mark.slow
@pytest.mark.skipif(not IS_ROOT, reason="the uid level needs root")
def test_at_the_uid_level_private_paths_become_unreadable_and_the_stage_read_only():
    secret = Path(tempfile.mkdtemp(prefix="ag-test-secret-"))
    try:
        (secret / "answer.py").write_text("ANSWER = 42\n")
        os.chmod(secret, 0o755)
        os.chmod(secret / "answer.py", 0o644)
        with worker("uid", private=[secret]) as w:
            assert not call(w, "can_read", str(secret / "answer.py"))
            assert not call(w, "can_write", "probe2.py")
            assert call(w, "can_read", "probe.py")
            assert w.hidden == [str(secret)]
        assert stat.S_IMODE(os.stat(secret).st_mode) == 0o750
    finally:
        shutil.rmtree(secret)


def test_private_paths_are_the_whole_kit_but_the_python_environment():
    paths = {p.name for p in private_paths()}
    assert {"solutions", "assignments", "autograder", "tests"} <= paths
    assert not any(Path(os.path.realpath(sandbox.sys.prefix)).is_relative_to(os.path.realpath(p))
                   for p in private_paths())


# ---------------------------------------------------------------- in-process (no worker started)


@pytest.mark.parametrize("code, level, text", [
    (3, "uid", "exit status 3"),
    (0, "bwrap", "exit status 0"),
    (-11, "uid", "killed by SIGSEGV"),
    (-9, "process", "killed by SIGKILL"),
    (137, "bwrap", "killed by SIGKILL"),  # bwrap reports a signal as 128 + its number
    (137, "uid", "exit status 137"),  # ... and only bwrap does
    (None, "bwrap", "it stopped answering"),
])
def test_a_worker_exit_reads_as_a_status_or_a_signal(code, level, text):
    assert sandbox.describe_exit(code, level) == text


def test_the_worker_environment_is_cleared_to_a_path_a_locale_and_single_threaded_maths():
    env = sandbox._worker_env()
    assert env.pop("PATH") == "/usr/bin:/bin" and env.pop("LANG") == "C.UTF-8"
    assert env == dict.fromkeys(("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS",
                                 "NUMEXPR_NUM_THREADS"), "1")


def _bound(cmd: list[str]) -> list[tuple[str, str]]:
    """(source, destination) of every --bind / --ro-bind of a bubblewrap command line."""
    return [(cmd[i + 1], cmd[i + 2]) for i, arg in enumerate(cmd) if arg in ("--bind", "--ro-bind")]


def test_the_bubblewrap_command_shows_the_worker_only_the_system_python_and_its_stage(monkeypatch, tmp_path):
    monkeypatch.setattr(sandbox, "_bwrap_options", lambda: frozenset({"--size", "--disable-userns"}))
    runtime, stage = tmp_path / "runtime", tmp_path / "stage"
    private = "/usr/share/doc"
    if not os.path.isdir(private) or Path("/usr").is_symlink():
        pytest.skip("needs a /usr/share/doc folder under a bound /usr")
    cmd = sandbox._bwrap_command("/usr/bin/python3", runtime, stage, private_paths=(KIT_ROOT / "solutions", private))
    for flag in ("--unshare-all", "--die-with-parent", "--new-session", "--disable-userns"):
        assert flag in cmd, flag
    assert cmd[cmd.index("--cap-drop") + 1] == "ALL"
    assert "--bind" not in cmd  # nothing writable from the host
    bound = _bound(cmd)
    assert (str(runtime), "/sandbox/runtime") in bound and (str(stage), "/sandbox/work") in bound
    assert cmd[cmd.index("--chdir") + 1] == "/sandbox/work"
    environment = {os.path.realpath(sys.prefix), os.path.realpath(sys.base_prefix)}
    for source, _ in bound:  # of the kit, only the Python environment (a venv inside the checkout)
        if Path(source).is_relative_to(KIT_ROOT):
            assert source in environment, source
    # the small /tmp is mounted before the Python environment, which a later mount would hide
    tmp = cmd.index("--tmpfs")
    assert cmd[tmp + 1] == "/tmp" and cmd[tmp - 2:tmp] == ["--size", str(sandbox.BWRAP_TMP_BYTES)]
    assert all(cmd.index(src) > tmp for src, _ in bound if src in environment)
    # a private path inside a bound folder is covered by an empty read-only tmpfs
    at = [i for i, arg in enumerate(cmd) if arg == private]
    assert any(cmd[i - 1] == "--tmpfs" for i in at) and any(cmd[i - 1] == "--remount-ro" for i in at)
    # the whole view read-only (but /tmp), then the worker
    assert cmd[-7:] == ["--remount-ro", "/dev", "--remount-ro", "/", "/usr/bin/python3", "-I",
                        "/sandbox/runtime/worker.py"]


@pytest.mark.slow
@pytest.mark.parametrize("level", UID_LEVELS)
def test_a_setsid_grandchild_does_not_outlive_its_worker(level):
    with worker(level, Limits(nproc=4)) as w:
        call(w, "grandchild")
        uid = w.uid
        assert len(processes_of(uid)) >= 2
    assert processes_of(uid) == []


@pytest.mark.slow
@pytest.mark.skipif(not IS_ROOT, reason="sandbox uids are used only as root")
def test_two_running_workers_never_share_a_uid():
    with worker(UID_LEVELS[0]) as a, worker(UID_LEVELS[0]) as b:
        assert a.uid != b.uid


@pytest.mark.slow
@pytest.mark.skipif(IS_ROOT, reason="checks the refusal a non-root grader gets")
def test_forcing_the_uid_level_without_root_fails_loudly():
    with pytest.raises(RuntimeError, match="needs a grader running as root"):
        with worker("uid"):
            pass


@pytest.mark.slow
@pytest.mark.parametrize("level", LEVELS)
def test_a_dead_worker_is_reported_with_its_exit_status_or_signal(level):
    with worker(level) as w:
        with pytest.raises(WorkerDied, match="exit status 7"):
            call(w, "die", 7)
        w.start()
        with pytest.raises(WorkerDied, match="killed by SIGSEGV"):
            call(w, "segfault")


@pytest.mark.slow
@pytest.mark.parametrize("level", LEVELS)
def test_a_worker_that_stops_reading_cannot_block_the_grader(level):
    with worker(level) as w:
        header = {"op": "call", "module": "probe", "fn": "sleep", "args": wire.encode((60,), []),
                  "kwargs": wire.encode({}, []), "blobs": []}
        w.send_raw(header, [], 5)  # the worker is now busy for a minute
        big = np.zeros(1 << 20)
        start = time.monotonic()
        with pytest.raises(WorkerTimeout):
            w.request({"op": "call", "module": "probe", "fn": "sleep"}, {"args": (big,), "kwargs": {}}, 1.0)
        assert time.monotonic() - start < 10 and not w.alive


@pytest.mark.slow
@pytest.mark.parametrize("level", LEVELS)
def test_an_answer_out_of_turn_kills_the_worker(level):
    with worker(level) as w:
        with pytest.raises(WorkerDied, match="does not belong to the request"):
            call(w, "forge")
        assert not w.alive



@pytest.mark.slow
@pytest.mark.skipif(not (HAS_BWRAP and IS_ROOT), reason="needs bubblewrap and root")
def test_when_bubblewrap_cannot_start_the_grader_falls_back_to_the_next_level(monkeypatch):
    """Without bubblewrap, root isolates the worker in namespaces of its own where the kernel allows
    it, else (the last resort, reported as such) as a separate uid."""
    monkeypatch.setattr(sandbox, "_bwrap_command", lambda *args: ["bwrap", "--no-such-option"])
    monkeypatch.delenv("AUTOGRADER_ISOLATION", raising=False)
    with worker(None) as w:
        assert w.level == ("namespaces" if sandbox.namespaces_available() else "uid")
        assert call(w, "facts")["uid"] == w.uid


@pytest.mark.slow
@pytest.mark.skipif(not (HAS_BWRAP and IS_ROOT), reason="needs bubblewrap and root")
def test_a_worker_started_while_the_grader_loads_falls_back_at_its_first_request(monkeypatch):
    """begin_start spawns without waiting; the first request waits and, when that worker does not
    start, tries the next levels as start() does."""
    monkeypatch.setattr(sandbox, "_bwrap_command", lambda *args: ["bwrap", "--no-such-option"])
    monkeypatch.delenv("AUTOGRADER_ISOLATION", raising=False)
    with worker(None, start=False) as w:
        w.begin_start()
        assert w.level is None and w._proc is not None  # spawned, not yet waited for
        assert call(w, "facts")["uid"] == w.uid
        assert w.level == ("namespaces" if sandbox.namespaces_available() else "uid")


@pytest.mark.slow
@pytest.mark.parametrize("where", ["spawn", "ready"])
def test_a_worker_started_in_two_steps_that_cannot_start_says_why_once(monkeypatch, where):
    def broken(self, level, wait=True):
        raise OSError(f"no {level} here")

    if where == "spawn":
        monkeypatch.setattr(Worker, "_spawn", broken)
    else:
        monkeypatch.setattr(Worker, "_await_ready", lambda self: broken(self, self.level or "ready"))
    with worker("process", start=False) as w:
        w.begin_start()
        with pytest.raises(RuntimeError, match=r"could not start the sandboxed worker: process: no \w+ here$"):
            w.finish_start()
        w.finish_start()  # nothing pending: a no-op


@pytest.mark.slow
@pytest.mark.skipif(not HAS_BWRAP, reason="needs bubblewrap")
def test_a_worker_that_cannot_start_says_why(monkeypatch):
    monkeypatch.setattr(sandbox, "_bwrap_command", lambda *args: ["bwrap", "--no-such-option"])
    with pytest.raises(RuntimeError, match="bwrap: exit status 1 .its stderr: bwrap: Unknown option --no-such-option"):
        with worker("bwrap"):
            pass


@pytest.mark.slow
@pytest.mark.skipif(not HAS_BWRAP or not os.path.isdir("/usr/share/doc"), reason="needs bubblewrap")
def test_private_paths_inside_a_bound_folder_are_masked_under_bubblewrap():
    with worker("bwrap", private=["/usr/share/doc"]) as w:
        assert not call(w, "can_read", "/usr/share/doc/" + sorted(os.listdir("/usr/share/doc"))[0])
        assert not call(w, "can_write", "/usr/share/doc/x")
        assert call(w, "can_read", "/usr/share")


@pytest.mark.slow
@pytest.mark.parametrize("level", UID_LEVELS)
def test_a_busy_worker_dies_with_a_grader_that_is_killed(level, tmp_path):
    script = tmp_path / "grader.py"
    script.write_text(textwrap.dedent(f'''
        import sys, time
        sys.path.insert(0, {str(KIT_ROOT)!r})
        sys.path.insert(0, {str(Path(__file__).parent)!r})
        from test_sandbox import worker, wire
        with worker({level!r}) as w:
            header = {{"op": "call", "module": "probe", "fn": "sleep", "args": wire.encode((600,), []),
                      "kwargs": wire.encode({{}}, []), "blobs": []}}
            w.send_raw(header, [], 5)
            print(w.uid, flush=True)
            time.sleep(600)
    '''))
    grader = subprocess.Popen([sys.executable, str(script)], stdout=subprocess.PIPE, text=True)
    try:
        uid = int(grader.stdout.readline())
        assert processes_of(uid)
    finally:
        grader.kill()
        grader.wait()
    deadline = time.monotonic() + 10
    while processes_of(uid) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert processes_of(uid) == []
    # what the killed grader could not remove, its pid finds: the worker's runtime and the stage (and
    # the namespaces level's root)
    left = {p.name.split("-")[1] for p in scratch.remove_left_by(grader.pid)}
    assert {"runtime", "test"} <= left <= {"runtime", "test", "nsroot"}, left
