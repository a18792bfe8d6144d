"""What the kit's own tests share: running the real grading command, and one background pool for
gradings that run in parallel. ``tests/conftest.py`` builds its session fixtures on these; test
modules import them by name (``from helpers import run_grade``: pytest puts ``tests/`` on
``sys.path`` when it loads ``tests/conftest.py``)."""

from __future__ import annotations

import copy
import json
import os
import signal
import subprocess
import threading
import time
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from autograder.grading.command import grade_command
from autograder.paths import KIT_ROOT

#: Gradings at once in the shared pool (each is one grader process and one sandboxed worker).
JOBS = int(os.environ.get("KIT_JOBS", "2"))
#: Default limit of one grading, after which its process group is killed (a wrong recurrent backward
#: takes a few minutes of Hypothesis shrinking through the sandbox on a loaded 2-core machine).
GRADE_TIMEOUT_S = 900


@dataclass
class GradeRun:
    """One run of ``python -m autograder grade``: how it ended and the results.json it wrote."""

    command: list[str]
    output: Path
    returncode: int | None = None  # None: killed after ``timeout``
    stdout: str = ""
    stderr: str = ""
    elapsed: float = 0.0
    timed_out: bool = False
    results: dict | None = field(default=None, repr=False)  # the parsed results.json, if one was written

    @property
    def failed(self) -> list[dict]:
        """The results' entries that did not earn full points."""
        return [t for t in (self.results or {}).get("tests", []) if t["score"] < t["max_score"]]

    @property
    def summary(self) -> str:
        extra = (self.results or {}).get("extra_data", {})
        return (f"{self.elapsed:6.1f} s  exit {self.returncode}  score {(self.results or {}).get('score')}"
                f"  {extra.get('isolation', '')}")


def run_grade(assignment: str, submission: Path, output: Path, options: dict | None = None, *,
              env: dict | None = None, timeout: float = GRADE_TIMEOUT_S) -> GradeRun:
    """Run the real grading command (``autograder.grading.command.grade_command``: this interpreter,
    from the kit's root) on ``submission`` into ``output``, in a session of its own; after
    ``timeout`` seconds its whole process group is killed (``timed_out``, ``returncode`` None).

    ``options`` are the command's test-only overrides (``isolation``, ``call_timeout_s``,
    ``max_examples``); ``env`` replaces the environment.
    """
    output = Path(output)
    run = GradeRun(grade_command(assignment, Path(submission), output, options), output)
    start = time.monotonic()
    proc = subprocess.Popen(run.command, cwd=KIT_ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            start_new_session=True)
    try:
        out, err = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        out, err = proc.communicate()
        run.timed_out = True
    except BaseException:  # interrupted: leave no grader behind
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
        raise
    run.elapsed = time.monotonic() - start
    run.returncode = None if run.timed_out else proc.returncode
    run.stdout = out.decode("utf-8", "replace")
    run.stderr = err.decode("utf-8", "replace")
    if run.timed_out:
        run.stderr += f"\ngrading took longer than {timeout:g} s and was killed"
    if output.is_file():
        run.results = json.loads(output.read_text(encoding="utf-8"))
    return run


class GradingPool:
    """The session's background gradings, ``jobs`` at a time, first submitted first run.

    ``submit(key, fn, *args)`` starts ``fn(*args)`` (once per key); ``[key]`` waits for its value.
    Each finished task's time (and ``summary``, if its value has one) goes to ``log``.
    """

    def __init__(self, jobs: int, log: Path):
        self.log = Path(log)
        self._pool = ThreadPoolExecutor(max_workers=jobs, thread_name_prefix="grading")
        self._futures: dict[str, Future] = {}
        self._lock = threading.Lock()

    def _logged(self, key: str, fn: Callable, args: tuple):
        start = time.monotonic()
        value = fn(*args)
        summary = getattr(value, "summary", None) or f"{time.monotonic() - start:6.1f} s"
        with self._lock, open(self.log, "a") as log:
            print(f"{key:60} {summary}", file=log)
        return value

    def submit(self, key: str, fn: Callable, *args) -> Future:
        with self._lock:
            if key not in self._futures:
                self._futures[key] = self._pool.submit(self._logged, key, fn, args)
            return self._futures[key]

    def __contains__(self, key: str) -> bool:
        return key in self._futures

    def __getitem__(self, key: str):
        return self._futures[key].result()

    def cancel(self, keys) -> None:
        """Drop the tasks of ``keys`` that have not started (a module's gradings, when it ends early)."""
        for key in keys:
            future = self._futures.get(key)
            if future is not None and future.cancel():
                with self._lock:
                    self._futures.pop(key, None)

    def shutdown(self) -> None:
        self._pool.shutdown(wait=True, cancel_futures=True)


class ReferenceResults:
    """assignment -> the real grader's results.json (parsed) for the reference ``solutions/<assignment>/``,
    graded once per session in ``pool`` with the command's defaults (no overrides)."""

    def __init__(self, pool: GradingPool, folder: Path):
        self.pool = pool
        self.folder = Path(folder)

    def _key(self, assignment: str) -> str:
        return f"reference/{assignment}"

    def prefetch(self, *assignments: str) -> None:
        """Start grading these references in the background."""
        from autograder import manifest as manifests

        for a in assignments:
            self.pool.submit(self._key(a), run_grade, a, manifests.load(a).solutions, self.folder / f"{a}.json")

    def run(self, assignment: str) -> GradeRun:
        """The grading of ``assignment``'s reference, which must have exited 0 with a results.json."""
        self.prefetch(assignment)
        run = self.pool[self._key(assignment)]
        assert run.returncode == 0 and run.results is not None, \
            f"grading the {assignment} reference failed (exit {run.returncode}):\n{run.stderr[-3000:]}"
        return run

    def __getitem__(self, assignment: str) -> dict:
        return copy.deepcopy(self.run(assignment).results)  # a test may change its copy

    def raw(self, assignment: str) -> bytes:
        """The results.json file's bytes, as the grader wrote them."""
        return self.run(assignment).output.read_bytes()
