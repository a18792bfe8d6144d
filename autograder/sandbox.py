"""Start, talk to and kill the sandboxed worker that runs student code.

Isolation layers, strongest available first (the choice is reported in results.json):

- ``bwrap``: bubblewrap with every namespace unshared (no network, own pid space), a filesystem
  view of only the system's /usr, the Python environment, the worker's two files and the staged
  submission; run as an unprivileged uid when the grader is root.
- ``uid``: no bubblewrap; the worker runs as an unprivileged uid (the grader must be root).
- ``process``: neither; a separate process with rlimits only (a student checking their own work).

Every layer adds: ``python -I``, a cleared environment, rlimits (address space, CPU, processes,
file size, open files, no core dumps), its own session/process group killed whole with SIGKILL
after a timeout and at the end, and a per-call wall-clock limit enforced from this side.
"""

from __future__ import annotations

import os
import resource
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from . import wire

WORKER_FILES = ("worker.py", "wire.py")
HERE = Path(__file__).resolve().parent
SANDBOX_UID_BASE = 61000  # unprivileged uids used for workers when the grader is root (no passwd entry needed)
STARTUP_TIMEOUT_S = 60.0
LEVELS = ("bwrap", "uid", "process")


@dataclass(frozen=True)
class Limits:
    """Resource limits of one worker."""

    call_timeout_s: float = 5.0
    memory_mb: int = 1536
    cpu_s: int = 600
    nproc: int = 64
    fsize_mb: int = 16
    nofile: int = 64


class WorkerDied(Exception):
    """The worker ended, hung up or sent garbage while handling a request."""


class WorkerTimeout(Exception):
    """The worker did not answer within the time limit (it has been killed)."""


def _sandbox_uid() -> int:
    return SANDBOX_UID_BASE + os.getpid() % 1000


def _bwrap_command(python: str, runtime: Path, stage: Path) -> list[str]:
    """The bubblewrap command line that runs the worker with a minimal filesystem view."""
    cmd = ["bwrap", "--unshare-all", "--die-with-parent", "--new-session", "--cap-drop", "ALL"]
    for top in ("/usr", "/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32"):
        p = Path(top)
        if p.is_symlink():
            cmd += ["--symlink", os.readlink(p), top]
        elif p.is_dir():
            cmd += ["--ro-bind", top, top]
    for f in ("/etc/ld.so.cache", "/etc/localtime"):
        if os.path.exists(f):
            cmd += ["--ro-bind", f, f]
    # The Python environment: the venv (sys.prefix) and the interpreter's own prefix.
    for prefix in {os.path.realpath(sys.prefix), os.path.realpath(sys.base_prefix)}:
        if not prefix.startswith("/usr"):
            cmd += ["--ro-bind", prefix, prefix]
    cmd += [
        "--proc", "/proc", "--dev", "/dev", "--tmpfs", "/tmp",
        "--ro-bind", str(runtime), "/sandbox/runtime",
        "--bind", str(stage), "/sandbox/work",
        "--chdir", "/sandbox/work",
        "--setenv", "HOME", "/sandbox/work",
        python, "-I", "/sandbox/runtime/worker.py",
    ]
    return cmd


def _worker_env() -> dict:
    env = {"PATH": "/usr/bin:/bin", "LANG": "C.UTF-8"}
    for var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS", "NUMEXPR_NUM_THREADS"):
        env[var] = "1"
    return env


def bwrap_available() -> bool:
    return shutil.which("bwrap") is not None


@dataclass
class Worker:
    """One sandboxed worker process for one staged submission.

    Args:
        stage: the folder holding the staged student files (becomes the worker's cwd).
        limits: resource limits.
        level: the isolation level to use, or None to pick the strongest that starts.
    """

    stage: Path
    limits: Limits = field(default_factory=Limits)
    level: str | None = None
    generation: int = 0
    _proc: subprocess.Popen | None = None
    _requests: int = -1
    _replies: int = -1
    _runtime: Path | None = None
    uid: int | None = None

    # ------------------------------------------------------------ life cycle

    def start(self) -> None:
        """Start a worker (trying isolation levels from strongest down when none was fixed)."""
        levels = [self.level] if self.level else self._candidate_levels()
        errors = []
        for level in levels:
            try:
                self._spawn(level)
                self.level = level
                return
            except (WorkerDied, WorkerTimeout, OSError) as exc:
                errors.append(f"{level}: {exc}")
                self.kill()
        raise RuntimeError("could not start the sandboxed worker: " + "; ".join(errors))

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
            levels.append("uid")
        else:
            levels.append("process")
        return levels

    def _prepare_runtime(self, owner: int | None) -> Path:
        if self._runtime is None:
            self._runtime = Path(tempfile.mkdtemp(prefix="ag-runtime-"))
            for name in WORKER_FILES:
                shutil.copyfile(HERE / name, self._runtime / name)
            os.chmod(self._runtime, 0o755)
            for name in WORKER_FILES:
                os.chmod(self._runtime / name, 0o644)
        return self._runtime

    def _spawn(self, level: str) -> None:
        self.generation += 1
        root = os.geteuid() == 0
        uid = _sandbox_uid() if root and level in ("bwrap", "uid") else None
        self.uid = uid
        runtime = self._prepare_runtime(uid)
        if uid is not None:
            os.chown(self.stage, uid, uid)
            for p in self.stage.iterdir():
                os.chown(p, uid, uid)
        os.chmod(self.stage, 0o700)
        python = sys.executable
        if level == "bwrap":
            cmd = _bwrap_command(python, runtime, self.stage)
            cwd = "/"
        else:
            cmd = [python, "-I", str(runtime / "worker.py")]
            cwd = str(self.stage)
        req_r, req_w = os.pipe()
        rep_r, rep_w = os.pipe()
        cmd = cmd + [str(req_r), str(rep_w)]
        limits = self.limits

        def preexec() -> None:  # runs in the child between fork and exec
            mem = limits.memory_mb << 20
            for res, value in (
                (resource.RLIMIT_AS, mem),
                (resource.RLIMIT_CPU, limits.cpu_s),
                (resource.RLIMIT_FSIZE, limits.fsize_mb << 20),
                (resource.RLIMIT_NOFILE, limits.nofile),
                (resource.RLIMIT_CORE, 0),
                (resource.RLIMIT_NPROC, limits.nproc),
            ):
                resource.setrlimit(res, (value, value))
            if uid is not None:
                os.setgroups([])
                os.setgid(uid)
                os.setuid(uid)

        try:
            self._proc = subprocess.Popen(
                cmd, cwd=cwd, env=_worker_env(), stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                stderr=None if os.environ.get("AUTOGRADER_DEBUG") else subprocess.DEVNULL, pass_fds=(req_r, rep_w), preexec_fn=preexec, start_new_session=True,
                close_fds=True,
            )
        finally:
            os.close(req_r)
            os.close(rep_w)
        self._requests, self._replies = req_w, rep_r
        header, _ = self._receive(time.monotonic() + STARTUP_TIMEOUT_S)
        if not header.get("ready"):
            raise WorkerDied("the worker did not start")

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
            _kill_uid(self.uid)
        for fd in (self._requests, self._replies):
            if fd >= 0:
                try:
                    os.close(fd)
                except OSError:
                    pass
        self._requests = self._replies = -1

    def close(self) -> None:
        """Kill the worker and remove its runtime folder."""
        self.kill()
        if self._runtime is not None:
            shutil.rmtree(self._runtime, ignore_errors=True)
            self._runtime = None

    @property
    def alive(self) -> bool:
        return self._proc is not None and self._proc.poll() is None

    # ------------------------------------------------------------ requests

    def _receive(self, deadline: float) -> tuple[dict, list]:
        try:
            return wire.recv(self._replies, deadline)
        except wire.ChannelTimeout:
            raise WorkerTimeout("no answer in time") from None
        except wire.ChannelError as exc:
            code = self._proc.poll() if self._proc else None
            detail = f"exit status {code}" if code is not None else str(exc)
            raise WorkerDied(detail) from None

    def send_raw(self, header: dict, blobs: list) -> None:
        """Send one already-encoded request (starting the worker if needed)."""
        if not self.alive:
            self.start()
        try:
            wire.send(self._requests, header, blobs)
        except OSError:
            self.kill()
            raise WorkerDied("the worker is gone") from None

    def receive(self, timeout: float) -> tuple[dict, list]:
        """Wait for one reply; on timeout or death the worker is killed."""
        try:
            return self._receive(time.monotonic() + timeout)
        except (WorkerTimeout, WorkerDied):
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
        self.send_raw(header, blobs)
        return self.receive(timeout)


def _kill_uid(uid: int) -> None:
    """SIGKILL every process running as ``uid`` (a fork that drops to that uid and signals -1)."""
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
