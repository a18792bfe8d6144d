"""Start, talk to and kill the sandboxed worker that runs student code.

Isolation layers, strongest available first (the choice is reported in results.json):

- ``bwrap``: bubblewrap with every namespace unshared (no network, own pid space, no nested user
  namespaces), a read-only filesystem view of only the system's /usr, the Python environment, the
  worker's two files and the staged submission, plus a 16 MiB /tmp; run as an unprivileged uid
  when the grader is root.
- ``namespaces``: no bubblewrap, but root may unshare(2) and mount: the grader builds the same view
  itself (`_enter_namespaces`): own mount, PID, network, IPC and UTS namespaces, a private read-only
  tmpfs root with only what the worker needs, a 16 MiB /tmp and a fresh /proc; as the sandbox uid.
- ``uid``: the last resort (the kernel refuses namespaces); the worker runs as an unprivileged uid
  (the grader must be root). It sees the machine's filesystem, so the kit's private folders
  (``private_paths``) are made unreadable to other users first, and at the end the files it left at
  the top of /tmp, /var/tmp, /dev/shm, /run/lock and its SysV IPC objects are removed.
- ``process``: neither; a separate process with rlimits only (a student checking their own work).

Every layer adds: ``python -I``, a cleared environment, no new privileges (setuid bits are
ignored), rlimits (address space, CPU, processes, file size, open files, no core dumps), a staged
submission it can read but not change, its own session/process group killed whole with SIGKILL
after a timeout and at the end (as root: every process of its uid, which no other grader shares),
a per-call wall-clock limit on both sending and receiving, enforced from this side, and SIGKILL
when the grader dies.
"""

from __future__ import annotations

import contextlib
import ctypes
import functools
import os
import resource
import shutil
import signal
import socket
import stat
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from . import scratch, wire
from .cpu import claim

WORKER_FILES = ("worker.py", "wire.py")
HERE = Path(__file__).resolve().parent
SANDBOX_UID_BASE = 61000  # unprivileged uids used for workers when the grader is root (no passwd entry needed)
SANDBOX_UIDS = 1000  # uids SANDBOX_UID_BASE .. SANDBOX_UID_BASE + 999, one per running grader
STARTUP_TIMEOUT_S = 60.0
LEVELS = ("bwrap", "namespaces", "uid", "process")
BWRAP_TASKS = 2  # bwrap's own processes in the sandbox (outside and pid 1 inside), on top of Limits.nproc
BWRAP_TMP_BYTES = 16 << 20  # size of the worker's private /tmp under bwrap
SHARED_WRITABLE = ("/tmp", "/var/tmp", "/dev/shm", "/run/lock", "/var/lock")  # cleaned of the sandbox uid's files at the uid level
PR_SET_PDEATHSIG = 1
PR_SET_CHILD_SUBREAPER = 36
PR_SET_NO_NEW_PRIVS = 38


@dataclass(frozen=True)
class Limits:
    """Resource limits of one worker."""

    call_timeout_s: float = 5.0
    memory_mb: int = 1536  # address space of each process
    cpu_s: int = 600
    nproc: int = 1  # processes and threads student code may have at once, the worker included (so no forks)
    fsize_mb: int = 16
    nofile: int = 64


class WorkerDied(Exception):
    """The worker ended, hung up or sent garbage while handling a request."""


class WorkerTimeout(Exception):
    """The worker did not answer within the time limit (it has been killed).

    ``memory``: the address space (bytes; what the memory limit caps) the worker's processes held
    when it was stopped, or None when /proc could not tell."""

    memory: int | None = None


def _claim_uid() -> tuple[int, socket.socket]:
    """A sandbox uid no other grader on this machine is using, and the claim that reserves it.

    The claim is an abstract Unix socket named after the uid: binding it is atomic and the kernel
    releases it when this process ends, however it ends. Processes left over by a grader that died
    are killed before the uid is used again.
    """
    start = os.getpid() % SANDBOX_UIDS
    for k in range(SANDBOX_UIDS):
        uid = SANDBOX_UID_BASE + (start + k) % SANDBOX_UIDS
        held = claim(f"autograder-sandbox-uid-{uid}")
        if held is None:
            continue
        _kill_uid(uid)
        return uid, held
    raise OSError(f"all {SANDBOX_UIDS} sandbox uids are in use")


@functools.lru_cache(maxsize=None)
def _bwrap_options() -> frozenset[str]:
    """The options this machine's bwrap understands (older versions lack --size, --disable-userns)."""
    try:
        text = subprocess.run(["bwrap", "--help"], capture_output=True, text=True, timeout=10).stdout
    except (OSError, subprocess.SubprocessError):
        return frozenset()
    return frozenset(word for word in text.split() if word.startswith("--"))


def _bwrap_command(python: str, runtime: Path, stage: Path, private_paths=()) -> list[str]:
    """The bubblewrap command line that runs the worker with a minimal, read-only filesystem view."""
    options = _bwrap_options()
    cmd = ["bwrap", "--unshare-all", "--die-with-parent", "--new-session", "--cap-drop", "ALL"]
    if "--disable-userns" in options:
        cmd += ["--unshare-user", "--disable-userns"]
    # /tmp first: a mount made later would hide a Python environment that lives under /tmp.
    if "--size" in options:
        cmd += ["--size", str(BWRAP_TMP_BYTES), "--tmpfs", "/tmp"]
    else:
        cmd += ["--dir", "/tmp"]  # read-only once / is remounted below
    bound = []
    for top in ("/usr", "/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32"):
        p = Path(top)
        if p.is_symlink():
            cmd += ["--symlink", os.readlink(p), top]
        elif p.is_dir():
            cmd += ["--ro-bind", top, top]
            bound.append(top)
    for f in ("/etc/ld.so.cache", "/etc/localtime"):
        if os.path.exists(f):
            cmd += ["--ro-bind", f, f]
    # The Python environment: the venv (sys.prefix) and the interpreter's own prefix.
    for prefix in sorted({os.path.realpath(sys.prefix), os.path.realpath(sys.base_prefix)}):
        if not prefix.startswith("/usr/"):
            cmd += ["--ro-bind", prefix, prefix]
            bound.append(prefix)
    # Private paths that happen to lie inside a bound folder (a kit installed under /usr, or inside
    # the Python environment) are hidden behind an empty read-only tmpfs or /dev/null.
    for private in private_paths:
        path = os.path.realpath(private)
        if any(path == b or path.startswith(b.rstrip("/") + "/") for b in bound) and os.path.lexists(path):
            cmd += ["--tmpfs", path, "--remount-ro", path] if os.path.isdir(path) else ["--ro-bind", "/dev/null", path]
    cmd += [
        "--proc", "/proc", "--dev", "/dev",
        "--ro-bind", str(runtime), "/sandbox/runtime",
        "--ro-bind", str(stage), "/sandbox/work",
        "--chdir", "/sandbox/work",
        "--setenv", "HOME", "/sandbox/work",
        "--remount-ro", "/dev", "--remount-ro", "/",  # nothing writable but the small /tmp
        python, "-I", "/sandbox/runtime/worker.py",
    ]
    return cmd


def _hide_from_others(paths) -> list[str]:
    """Remove every permission of "other" users from ``paths`` (not following symlinks), so that
    a sandbox uid cannot reach them; returns the paths that changed."""
    changed = []
    for p in paths:
        try:
            info = os.lstat(p)
            if stat.S_ISLNK(info.st_mode) or not info.st_mode & 0o007:
                continue
            os.chmod(p, stat.S_IMODE(info.st_mode) & ~0o007)
            changed.append(str(p))
        except OSError:
            continue
    return changed


def _prctl():
    try:
        return ctypes.CDLL(None, use_errno=True).prctl
    except (OSError, AttributeError):
        return lambda *args: -1


def _no_new_privs():
    """A function that sets PR_SET_NO_NEW_PRIVS (looked up before fork: nothing to load in the child)."""
    prctl = _prctl()
    return lambda: prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0)


def _die_with_parent():
    """A function that makes the calling child get SIGKILL when the grader dies (call it after the
    last uid change, which clears the setting), even if the grader itself is SIGKILLed."""
    prctl, parent = _prctl(), os.getpid()

    def arm() -> None:
        prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
        if os.getppid() != parent:  # the grader died before the signal was armed
            os._exit(1)

    return arm


@functools.lru_cache(maxsize=None)
def _become_subreaper() -> bool:
    """Make this process the parent of the sandbox's orphans (bwrap's pid 1 once bwrap is killed,
    a setsid'd grandchild), so that they are reaped here: left as zombies for an init that may never
    reap them, they would still count against the sandbox uid's RLIMIT_NPROC."""
    return _prctl()(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) == 0


def describe_exit(code: int | None, level: str | None) -> str:
    """``exit status 3`` / ``killed by SIGSEGV`` for a worker's return code (bwrap reports a
    signal as 128 + its number)."""
    if code is None:
        return "it stopped answering"
    signo = -code if code < 0 else code - 128 if level in ("bwrap", "namespaces") and code > 128 else None
    if signo is not None:
        try:
            name = signal.Signals(signo).name
        except ValueError:
            name = f"signal {signo}"
        return f"killed by {name}"
    return f"exit status {code}"


def _worker_env() -> dict:
    env = {"PATH": "/usr/bin:/bin", "LANG": "C.UTF-8"}
    for var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS", "NUMEXPR_NUM_THREADS"):
        env[var] = "1"
    return env


def bwrap_available() -> bool:
    return shutil.which("bwrap") is not None


# ------------------------------------------------------------ the namespaces level

CLONE_NEWNS = 0x00020000
CLONE_NEWUTS = 0x04000000
CLONE_NEWIPC = 0x08000000
CLONE_NEWPID = 0x20000000
CLONE_NEWNET = 0x40000000
NAMESPACE_FLAGS = CLONE_NEWNS | CLONE_NEWPID | CLONE_NEWNET | CLONE_NEWIPC | CLONE_NEWUTS
MS_RDONLY, MS_NOSUID, MS_NODEV, MS_NOEXEC = 1, 2, 4, 8
MS_REMOUNT, MS_BIND, MS_REC, MS_PRIVATE = 32, 4096, 16384, 1 << 18
MNT_DETACH = 2
NS_ROOT_BYTES = 4 << 20  # the tmpfs that becomes the worker's /
NS_DEVICES = ("null", "zero", "full", "random", "urandom")


class _Libc:
    """unshare, mount, umount2, pivot_root and sethostname through ctypes (looked up before fork:
    nothing to load in the child; os.unshare only exists from Python 3.12)."""

    def __init__(self):
        libc = ctypes.CDLL(None, use_errno=True)
        self._unshare, self._mount, self._umount2 = libc.unshare, libc.mount, libc.umount2
        self._syscall, self._sethostname = libc.syscall, libc.sethostname
        self._mount.argtypes = [ctypes.c_char_p, ctypes.c_char_p, ctypes.c_char_p, ctypes.c_ulong, ctypes.c_void_p]
        self._syscall.restype = ctypes.c_long
        self.nr_pivot_root = {"x86_64": 155, "aarch64": 41, "i686": 217, "i386": 217, "armv7l": 218,
                              "ppc64le": 203, "s390x": 217, "riscv64": 41}.get(os.uname().machine)

    @staticmethod
    def _check(result: int, what: str) -> None:
        if result != 0:
            err = ctypes.get_errno()
            raise OSError(err, f"{what}: {os.strerror(err)}")

    def unshare(self, flags: int) -> None:
        self._check(self._unshare(flags), "unshare")

    def mount(self, source, target, fstype, flags: int, data=None) -> None:
        enc = lambda s: None if s is None else str(s).encode()  # noqa: E731
        self._check(self._mount(enc(source), enc(target), enc(fstype), flags, enc(data)), f"mount {target}")

    def umount2(self, target, flags: int) -> None:
        self._check(self._umount2(str(target).encode(), flags), f"umount {target}")

    def pivot_root(self, new: str, old: str) -> None:
        if self.nr_pivot_root is None:
            raise OSError("pivot_root: unknown system call number on this machine")
        self._check(self._syscall(self.nr_pivot_root, new.encode(), old.encode()), "pivot_root")

    def sethostname(self, name: str) -> None:
        self._check(self._sethostname(name.encode(), len(name)), "sethostname")


def _ns_binds(runtime: Path, stage: Path, private_paths=()) -> list[tuple[str, str, str]]:
    """What the private root holds: (kind, source, target) with kind "dir" (read-only bind of a
    folder), "file" (read-only bind of a file), "symlink" (source is the link's text) or "mask"
    (an empty read-only tmpfs or /dev/null over a private path inside a bound folder)."""
    out, bound = [], []
    for top in ("/usr", "/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32"):
        p = Path(top)
        if p.is_symlink():
            out.append(("symlink", os.readlink(p), top))
        elif p.is_dir():
            out.append(("dir", top, top))
            bound.append(top)
    for f in ("/etc/ld.so.cache", "/etc/localtime"):
        if os.path.isfile(f):
            out.append(("file", os.path.realpath(f), f))
    for prefix in sorted({os.path.realpath(sys.prefix), os.path.realpath(sys.base_prefix)}):
        if not any(prefix == b or prefix.startswith(b + "/") for b in bound):
            out.append(("dir", prefix, prefix))
            bound.append(prefix)
    for private in private_paths:
        path = os.path.realpath(private)
        if any(path == b or path.startswith(b.rstrip("/") + "/") for b in bound) and os.path.lexists(path):
            out.append(("mask", "dir" if os.path.isdir(path) else "file", path))
    out.append(("dir", str(runtime), "/sandbox/runtime"))
    out.append(("dir", str(stage), "/sandbox/work"))
    return out


def _enter_namespaces(libc: _Libc, root: str, binds: list, grader: int) -> None:
    """In the child between fork and exec, as root: unshare mount, PID, network, IPC and UTS
    namespaces, fork once more (the new PID namespace holds only the worker, as its pid 1; this
    process waits for it and exits with its status, 128 + signal as bwrap does), build a private
    tmpfs root holding only ``binds``, a 16 MiB /tmp, a few devices and a /proc of the new PID
    namespace, pivot into it and make it read-only. Returns in the worker (raises on failure)."""
    prctl = _prctl()
    prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    if os.getppid() != grader:
        os._exit(1)
    libc.unshare(NAMESPACE_FLAGS)
    alive_r, alive_w = os.pipe()
    pid = os.fork()
    if pid:  # outside the new PID namespace: wait for the worker, nothing else
        for fd in range(0, 1024):
            if fd != alive_w:
                try:
                    os.close(fd)
                except OSError:
                    pass
        while True:
            try:
                _, status = os.waitpid(pid, 0)
                break
            except ChildProcessError:
                os._exit(1)
            except InterruptedError:
                continue
        os._exit(128 + os.WTERMSIG(status) if os.WIFSIGNALED(status) else os.WEXITSTATUS(status))
    os.close(alive_w)
    os.set_inheritable(alive_r, False)
    libc.mount(None, "/", None, MS_REC | MS_PRIVATE)
    libc.mount("tmpfs", root, "tmpfs", MS_NOSUID | MS_NODEV, f"size={NS_ROOT_BYTES},mode=0755")

    def inside(path: str) -> str:
        return root + "/" + path.lstrip("/")

    # /tmp first: a mount made later would hide a Python environment that lives under /tmp.
    for name in ("tmp", "proc", "dev", "old"):
        os.makedirs(inside(name), exist_ok=True)
    libc.mount("tmpfs", inside("tmp"), "tmpfs", MS_NOSUID | MS_NODEV, f"size={BWRAP_TMP_BYTES},mode=1777")
    ro = MS_REMOUNT | MS_BIND | MS_RDONLY | MS_NOSUID | MS_NODEV
    for kind, source, target in binds:
        dest = inside(target)
        if kind == "symlink":
            os.makedirs(os.path.dirname(dest), exist_ok=True)
            os.symlink(source, dest)
        elif kind == "mask":
            if source == "dir":
                libc.mount("tmpfs", dest, "tmpfs", MS_NOSUID | MS_NODEV | MS_RDONLY, "size=4k,mode=0755")
            else:
                libc.mount("/dev/null", dest, None, MS_BIND)
                libc.mount(None, dest, None, ro)
        else:
            if kind == "dir":
                os.makedirs(dest, exist_ok=True)
            else:
                os.makedirs(os.path.dirname(dest), exist_ok=True)
                open(dest, "w").close()
            libc.mount(source, dest, None, MS_BIND)
            libc.mount(None, dest, None, ro)
    for name in NS_DEVICES:
        if os.path.exists(f"/dev/{name}"):
            open(inside(f"dev/{name}"), "w").close()
            libc.mount(f"/dev/{name}", inside(f"dev/{name}"), None, MS_BIND)
            libc.mount(None, inside(f"dev/{name}"), None, MS_REMOUNT | MS_BIND | MS_NOSUID)
    libc.mount("proc", inside("proc"), "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC)
    os.chdir(root)
    libc.pivot_root(".", "old")
    os.chdir("/")
    libc.umount2("/old", MNT_DETACH)
    os.rmdir("/old")
    libc.mount(None, "/", None, MS_REMOUNT | MS_RDONLY | MS_NOSUID | MS_NODEV)
    libc.sethostname("sandbox")
    os.chdir("/sandbox/work")
    # the worker's guard: killed when the waiting process above dies (armed again after the uid drop)
    prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    _ALIVE_FD[0] = alive_r


_ALIVE_FD = [-1]  # in the worker of the namespaces level: a pipe that reads EOF once its waiting parent died


def _parent_gone(fd: int) -> bool:
    import select
    try:
        readable, _, _ = select.select([fd], [], [], 0)
    except (OSError, ValueError):
        return True
    return bool(readable)


@functools.lru_cache(maxsize=None)
def namespaces_available() -> bool:
    """Whether this machine lets the grader build the namespaces level (root, unshare(2), mounts
    and a fresh /proc allowed: a container without CAP_SYS_ADMIN refuses)."""
    if os.geteuid() != 0:
        return False
    root = str(scratch.make("ag-nsprobe-"))
    try:
        cmd = [sys.executable, "-I", "-c", "import os; os.listdir('/proc'); raise SystemExit(0 if os.getpid() == 1 else 3)"]
        binds = _ns_binds(Path(root), Path(root))
        libc, grader = _Libc(), os.getpid()
        try:
            code = subprocess.run(cmd, cwd="/", env=_worker_env(), stdin=subprocess.DEVNULL,
                                  stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=30,
                                  preexec_fn=lambda: _enter_namespaces(libc, root, binds, grader)).returncode
        except (OSError, subprocess.SubprocessError):
            return False
        return code == 0
    finally:
        shutil.rmtree(root, ignore_errors=True)


@dataclass
class Worker:
    """One sandboxed worker process for one staged submission.

    Args:
        stage: the folder holding the staged student files (becomes the worker's cwd).
        limits: resource limits.
        level: the isolation level to use, or None to pick the strongest that starts.
        private_paths: what the worker must not read (the kit's reference, checks, ...): hidden
            by permissions at the ``uid`` level, masked if bubblewrap would otherwise show them.
    """

    stage: Path
    limits: Limits = field(default_factory=Limits)
    level: str | None = None
    private_paths: tuple = ()
    generation: int = 0
    _proc: subprocess.Popen | None = None
    _requests: int = -1
    _replies: int = -1
    _runtime: Path | None = None
    _ns_root: str | None = None  # the (empty) mount point of the namespaces level's private root
    _claim: socket.socket | None = None
    _seq: int = 0  # number of the last request sent; its answer must carry it
    _stderr = None  # the worker's stderr until it has started (why a start failed)
    uid: int | None = None
    holds: bool = False  # whether the worker said in its last answer that it holds cached objects
    _levels: list = field(default_factory=list)  # begin_start: the levels finish_start tries, in order
    _start_errors: list = field(default_factory=list)
    hidden: list = field(default_factory=list)  # private paths whose permissions were tightened
    sent: int = 0  # requests sent, the student calls they asked for, those in batches (bench's profile)
    calls_sent: int = 0
    batched_calls: int = 0
    cpu: float | None = None  # the running worker's CPU seconds, as its last answer said (bench's profile)

    # ------------------------------------------------------------ life cycle

    def start(self) -> None:
        """Start a worker (trying isolation levels from strongest down when none was fixed)."""
        self.begin_start()
        self.finish_start()

    def begin_start(self) -> None:
        """Spawn a worker at the strongest level without waiting for it to say it is ready: the grader
        loads its checks meanwhile. ``finish_start`` (the first request calls it) waits, and falls
        back to the next levels as ``start`` does."""
        self._levels = [self.level] if self.level else self._candidate_levels()
        self._start_errors = []
        try:
            self._spawn(self._levels[0], wait=False)
        except (WorkerDied, WorkerTimeout, OSError, subprocess.SubprocessError) as exc:
            self._start_errors.append(f"{self._levels[0]}: {exc}{self._startup_stderr()}")
            self.kill()

    def finish_start(self) -> None:
        """Wait for the worker ``begin_start`` spawned (or start one at the next level down); raises
        RuntimeError when no level starts."""
        if not self._levels:
            return
        levels, self._levels = self._levels, []
        errors, self._start_errors = self._start_errors, []
        for k, level in enumerate(levels):
            if k == 0 and errors:  # begin_start's spawn failed: its error is recorded
                continue
            try:
                if k == 0:
                    self._await_ready()  # the worker begin_start spawned
                else:
                    self._spawn(level)
                self.level = level
                return
            except (WorkerDied, WorkerTimeout, OSError, subprocess.SubprocessError) as exc:
                errors.append(f"{level}: {exc}{self._startup_stderr()}")
                self.kill()
        raise RuntimeError("could not start the sandboxed worker: " + "; ".join(errors))

    def _startup_stderr(self) -> str:
        if self._stderr is None:
            return ""
        try:
            self._stderr.seek(0)
            text = self._stderr.read()[-2000:].decode("utf-8", "replace").strip()
        except (OSError, ValueError):
            text = ""
        return f" (its stderr: {text})" if text else ""

    def _candidate_levels(self) -> list[str]:
        forced = os.environ.get("AUTOGRADER_ISOLATION")
        if forced:
            if forced not in LEVELS:
                raise ValueError(f"AUTOGRADER_ISOLATION must be one of {LEVELS}, got {forced!r}")
            return [forced]
        levels = []
        if bwrap_available():
            levels.append("bwrap")
        if os.geteuid() == 0:
            if namespaces_available():
                levels.append("namespaces")
            levels.append("uid")
        else:
            levels.append("process")
        return levels

    def _prepare_runtime(self) -> Path:
        if self._runtime is None:
            self._runtime = scratch.make("ag-runtime-")
            for name in WORKER_FILES:
                shutil.copyfile(HERE / name, self._runtime / name)
            os.chmod(self._runtime, 0o755)
            for name in WORKER_FILES:
                os.chmod(self._runtime / name, 0o644)
        return self._runtime

    def _spawn(self, level: str, wait: bool = True) -> None:
        self.generation += 1
        self.holds = False
        _become_subreaper()
        root = os.geteuid() == 0
        if level in ("namespaces", "uid") and not root:
            raise OSError(f"the {level} level needs a grader running as root")
        if root and level in ("bwrap", "namespaces", "uid") and self._claim is None:
            self.uid, self._claim = _claim_uid()
        uid = self.uid if root and level in ("bwrap", "namespaces", "uid") else None
        runtime = self._prepare_runtime()
        if uid is not None:  # readable by the worker's group only, writable by nobody but us
            os.chown(self.stage, 0, uid)
            os.chmod(self.stage, 0o750)
            for p in self.stage.iterdir():
                os.chown(p, 0, uid, follow_symlinks=False)
                os.chmod(p, 0o640)  # staging only writes regular files
        else:
            os.chmod(self.stage, 0o700)
        if level == "uid":
            self.hidden += _hide_from_others(self.private_paths)
        python = sys.executable
        if level == "bwrap":
            cmd = _bwrap_command(python, runtime, self.stage, self.private_paths)
            cwd = "/"
        elif level == "namespaces":
            cmd = [python, "-I", "/sandbox/runtime/worker.py"]
            cwd = "/"
            if self._ns_root is None:
                self._ns_root = str(scratch.make("ag-nsroot-"))
                os.chmod(self._ns_root, 0o700)
            ns_root, ns_binds, libc, grader = self._ns_root, _ns_binds(runtime, self.stage, self.private_paths), _Libc(), os.getpid()
        else:
            cmd = [python, "-I", str(runtime / "worker.py")]
            cwd = str(self.stage)
        debug = bool(os.environ.get("AUTOGRADER_DEBUG"))
        req_r, req_w = os.pipe()
        rep_r, rep_w = os.pipe()
        cmd = cmd + [str(req_r), str(rep_w)] + (["--keep-stderr"] if debug else [])
        limits = self.limits
        nproc = limits.nproc + (BWRAP_TASKS if level == "bwrap" else 0)
        no_new_privs, die_with_parent = _no_new_privs(), _die_with_parent()

        def preexec() -> None:  # runs in the child between fork and exec
            if level == "namespaces":
                _enter_namespaces(libc, ns_root, ns_binds, grader)
            mem = limits.memory_mb << 20
            for res, value in (
                (resource.RLIMIT_AS, mem),
                (resource.RLIMIT_CPU, limits.cpu_s),
                (resource.RLIMIT_FSIZE, limits.fsize_mb << 20),
                (resource.RLIMIT_NOFILE, limits.nofile),
                (resource.RLIMIT_CORE, 0),
                (resource.RLIMIT_NPROC, nproc),
            ):
                resource.setrlimit(res, (value, value))
            no_new_privs()
            if uid is not None:
                os.setgroups([])
                os.setgid(uid)
                os.setuid(uid)
            if level == "namespaces":  # pid 1 of its namespace: its parent is the process waiting for it
                _prctl()(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
                if _parent_gone(_ALIVE_FD[0]):
                    os._exit(1)
            else:
                die_with_parent()

        if self._stderr is not None:
            self._stderr.close()
        self._stderr = None if debug else tempfile.TemporaryFile()
        try:
            self._proc = subprocess.Popen(
                cmd, cwd=cwd, env=_worker_env(), stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                stderr=self._stderr, pass_fds=(req_r, rep_w), preexec_fn=preexec, start_new_session=True,
                close_fds=True,
            )
        finally:
            os.close(req_r)
            os.close(rep_w)
        self._requests, self._replies = req_w, rep_r
        os.set_blocking(req_w, False)  # sends carry a deadline: a worker that stops reading cannot block us
        if wait:
            self._await_ready()

    def _await_ready(self) -> None:
        header, _ = self._receive(time.monotonic() + STARTUP_TIMEOUT_S)
        if not header.get("ready"):
            raise WorkerDied("the worker did not start")
        if self._stderr is not None:
            self._stderr.close()  # the worker now sends its own stderr to /dev/null
            self._stderr = None

    def kill(self) -> None:
        """SIGKILL the worker's whole process group (and, as root, every process of its uid)."""
        if self._proc is not None:
            try:
                os.killpg(self._proc.pid, signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                pass
            try:
                self._proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                pass
            self._proc = None
        if self.uid is not None:
            _kill_uid(self.uid)  # also what escaped the group (setsid) or the session
            _reap_orphans(self.uid)
        for fd in (self._requests, self._replies):
            if fd >= 0:
                try:
                    os.close(fd)
                except OSError:
                    pass
        self._requests = self._replies = -1

    def close(self) -> None:
        """Kill the worker, remove its runtime folder and what its uid left behind, free the uid."""
        self.kill()
        if self._runtime is not None:
            shutil.rmtree(self._runtime, ignore_errors=True)
            self._runtime = None
        if self._stderr is not None:
            self._stderr.close()
            self._stderr = None
        if self._ns_root is not None:
            with contextlib.suppress(OSError):
                os.rmdir(self._ns_root)
            self._ns_root = None
        if self.uid is not None and self.level == "uid":
            _remove_files_of(self.uid, SHARED_WRITABLE)
            remove_ipc_of(self.uid)
        if self._claim is not None:
            self._claim.close()
            self._claim = None

    @property
    def alive(self) -> bool:
        return self._proc is not None and self._proc.poll() is None

    # ------------------------------------------------------------ requests

    def _exit_detail(self, fallback: str) -> str:
        """How the worker ended (waiting a moment: its end of the pipe closes just before it exits)."""
        if self._proc is None:
            return fallback
        try:
            code = self._proc.wait(timeout=2)
        except subprocess.TimeoutExpired:
            return fallback
        return describe_exit(code, self.level)

    def _receive(self, deadline: float) -> tuple[dict, list]:
        try:
            return wire.recv(self._replies, deadline)
        except wire.ChannelTimeout:
            raise WorkerTimeout("no answer in time") from None
        except wire.ChannelError as exc:
            hung_up = "hung up" in str(exc)
            raise WorkerDied(self._exit_detail(str(exc)) if hung_up else f"it sent an invalid message: {exc}") from None

    def send_raw(self, header: dict, blobs: list, timeout: float = STARTUP_TIMEOUT_S) -> None:
        """Send one already-encoded request (starting the worker if needed); a worker that does not
        take it within ``timeout`` seconds is killed (WorkerTimeout)."""
        if self._levels:
            self.finish_start()
        if not self.alive:
            self.start()
        self._seq += 1
        header = dict(header, seq=self._seq)
        self.sent += 1
        if header.get("op") == "call_many":
            self.calls_sent += len(header["calls"])
            self.batched_calls += len(header["calls"])
        elif header.get("op") == "call":
            self.calls_sent += 1
        try:
            wire.send(self._requests, header, blobs, deadline=time.monotonic() + timeout)
        except wire.ChannelTimeout:
            self.kill()
            raise WorkerTimeout("it did not read its request in time") from None
        except OSError:
            detail = self._exit_detail("it closed its end of the channel")
            self.kill()
            raise WorkerDied(detail) from None

    def receive(self, timeout: float) -> tuple[dict, list]:
        """Wait for the reply to the last request; on timeout, death or an answer out of turn
        (forged or stale) the worker is killed."""
        try:
            header, arrays = self._receive(time.monotonic() + timeout)
            if header.get("seq") != self._seq:
                raise WorkerDied("it sent an answer that does not belong to the request (forged or out of turn)")
            self.holds = header.get("held") != 0
            self.cpu = header.get("cpu")
            return header, arrays
        except WorkerTimeout as exc:
            exc.memory = memory_in_use(self._proc.pid) if self._proc is not None else None  # before it is gone
            self.kill()
            raise
        except WorkerDied:
            self.kill()
            raise

    def request(self, header: dict, values: dict, timeout: float) -> tuple[dict, list]:
        """Send one request and wait for its reply; on timeout or death the worker is killed.

        Raises:
            WorkerTimeout: no reply within ``timeout`` seconds.
            WorkerDied: the worker exited, hung up or sent an invalid message.
        """
        blobs: list = []
        header = dict(header)
        for name, value in values.items():
            header[name] = wire.encode(value, blobs)
        header["blobs"] = [len(b) for b in blobs]
        self.send_raw(header, blobs, timeout)
        return self.receive(timeout)


def memory_in_use(pid: int) -> int | None:
    """The largest address space (VmSize: what RLIMIT_AS limits) among process ``pid`` and its
    descendants (under bwrap the worker is bwrap's grandchild), in bytes; None if /proc cannot tell."""
    parents = {}
    try:
        entries = [e.name for e in os.scandir("/proc") if e.name.isdigit()]
    except OSError:
        return None
    for name in entries:
        try:
            with open(f"/proc/{name}/stat", "rb") as f:
                parents[int(name)] = int(f.read().rsplit(b")", 1)[1].split()[1])  # the field after (comm) state
        except (OSError, ValueError, IndexError):
            continue
    tree, todo = {pid}, [pid]
    while todo:
        parent = todo.pop()
        for child, ppid in parents.items():
            if ppid == parent and child not in tree:
                tree.add(child)
                todo.append(child)
    sizes = []
    for p in tree:
        try:
            with open(f"/proc/{p}/status", encoding="ascii", errors="replace") as f:
                sizes += [int(line.split()[1]) << 10 for line in f if line.startswith("VmSize:")]
        except (OSError, ValueError, IndexError):
            continue
    return max(sizes) if sizes else None


def processes_of(uid: int, zombies: bool = False) -> list[int]:
    """Pids of the live (or, with ``zombies``, the dead but unreaped) processes whose real,
    effective or saved uid is ``uid``."""
    pids = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/status") as f:
                fields = dict(line.split(":", 1) for line in f if ":" in line)
        except OSError:
            continue
        uids = fields.get("Uid", "").split()[:3]
        dead = fields.get("State", "").strip().startswith(("Z", "X"))
        if str(uid) in uids and dead == zombies:
            pids.append(int(entry))
    return pids


def _reap_orphans(uid: int) -> None:
    """Reap the dead processes of ``uid`` that became our children (see `_become_subreaper`)."""
    for pid in processes_of(uid, zombies=True):
        try:
            os.waitpid(pid, os.WNOHANG)
        except ChildProcessError:  # not ours: its own parent or init reaps it
            pass


def _kill_uid(uid: int, attempts: int = 50) -> None:
    """SIGKILL every process running as ``uid`` (a fork that drops to that uid and signals -1),
    again until none is left (a fork racing the first signal)."""
    for _ in range(attempts):
        pid = os.fork()
        if pid == 0:
            try:
                os.setgid(uid)
                os.setuid(uid)
                os.kill(-1, signal.SIGKILL)
            except BaseException:
                pass
            os._exit(0)
        os.waitpid(pid, 0)
        if not processes_of(uid):
            return
        time.sleep(0.02)


def _remove_files_of(uid: int, folders) -> None:
    """Delete what ``uid`` created at the top of the shared writable ``folders`` (its processes are dead)."""
    for folder in folders:
        try:
            entries = list(os.scandir(folder))
        except OSError:
            continue
        for entry in entries:
            try:
                if entry.stat(follow_symlinks=False).st_uid != uid:
                    continue
                if entry.is_dir(follow_symlinks=False):
                    shutil.rmtree(entry.path, ignore_errors=True)
                else:
                    os.unlink(entry.path)
            except (OSError, RecursionError):
                continue


IPC_RMID = 0
SYSV_IPC = (("msg", "msgctl"), ("sem", "semctl"), ("shm", "shmctl"))


def ipc_objects_of(uid: int) -> list[tuple[str, int]]:
    """The SysV message queues, semaphore sets and shared memory segments owned or created by
    ``uid`` (from /proc/sysvipc), as (kind, id)."""
    found = []
    for kind, _ in SYSV_IPC:
        try:
            with open(f"/proc/sysvipc/{kind}") as f:
                header = f.readline().split()
                rows = [line.split() for line in f]
        except OSError:
            continue
        try:
            at_id, at_uid, at_cuid = header.index("msqid" if kind == "msg" else "semid" if kind == "sem" else "shmid"), \
                header.index("uid"), header.index("cuid")
        except ValueError:
            continue
        for row in rows:
            try:
                if str(uid) in (row[at_uid], row[at_cuid]):
                    found.append((kind, int(row[at_id])))
            except (IndexError, ValueError):
                continue
    return found


def remove_ipc_of(uid: int) -> list[tuple[str, int]]:
    """Remove every SysV IPC object of ``uid`` (IPC_RMID; the grader is root); returns what it removed."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
    except OSError:
        return []
    removed = []
    for kind, id_ in ipc_objects_of(uid):
        function = dict(SYSV_IPC)[kind]
        result = getattr(libc, function)(id_, 0, IPC_RMID, None) if kind == "sem" else \
            getattr(libc, function)(id_, IPC_RMID, None)
        if result == 0:
            removed.append((kind, id_))
    return removed
