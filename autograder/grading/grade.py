"""Grade one submission: stage it, start the sandboxed worker, run the checks, write results.json.

    submission --> staging (whitelisted files) --> sandboxed worker (student code only)
               --> trusted checks (pytest + Hypothesis, reference in this process) --> results.json
"""

from __future__ import annotations

import contextlib
import dataclasses
import json
import os
import shutil
import signal
import sys
import threading
import time
import traceback
from pathlib import Path

from .. import __version__
from .. import manifest as manifests
from ..checklib.local import LocalSubmission
from ..paths import KIT_ROOT
from ..runner.results import Results, grader_failure
from .cpu import one_cpu
from .draws import DrawStore, store_folder
from .remote import RemoteSubmission
from .sandbox import Limits, Worker
from .staging import stage_submission

ISOLATION_TEXT = {
    "bwrap": "bubblewrap (no network, private filesystem and process view) as an unprivileged user, with rlimits",
    "namespaces": ("private mount, process, network and IPC namespaces with a minimal read-only filesystem "
                   "as an unprivileged user, with rlimits (bubblewrap unavailable)"),
    "uid": "a separate unprivileged user with rlimits (bubblewrap unavailable)",
    "process": "a separate process with rlimits only (no bubblewrap, not root)",
}


def stop_on_sigterm(submission: RemoteSubmission) -> None:
    """On SIGTERM (the batch grader's time limit, or a container stopping), refuse every further call
    into student code: the remaining checks fail as timed out at once, results.json is written as
    always and the clean-up runs. (Only the main thread can install a handler; elsewhere, nothing.)"""
    if threading.current_thread() is not threading.main_thread():
        return
    signal.signal(signal.SIGTERM, lambda signum, frame: submission.stop(
        "the grading was stopped from outside (the batch grader's time limit?) before this check"))


def reference_submission(manifest: manifests.Manifest) -> LocalSubmission:
    """The trusted reference solutions of ``manifest``, imported into this process."""
    return LocalSubmission(manifest.solutions, manifest.functions, prefix="_reference_",
                           extra_paths=manifest.provided_dirs)


def private_paths() -> tuple[Path, ...]:
    """What a worker must not read: everything at the top of the kit (reference, checks, examples,
    .git, ...) except the Python environment the worker runs in."""
    needed = [Path(os.path.realpath(p)) for p in (sys.prefix, sys.base_prefix)]
    out = []
    for entry in sorted(KIT_ROOT.iterdir()):
        real = Path(os.path.realpath(entry))
        if not any(n == real or n.is_relative_to(real) for n in needed):
            out.append(entry)
    return tuple(out)


#: Environment variable naming a file where a grading writes where its time went (``bench``'s profile).
PROFILE_ENV = "AUTOGRADER_PROFILE"


def local_modules() -> list[str]:
    """The names of the loaded modules whose source Hypothesis counts as local (the kit's, the checks',
    the reference's): it mixes their constants into its draws, so two gradings draw the same cases
    only if they have loaded the same ones (``serve``'s forked gradings and ``grade`` processes)."""
    try:
        from hypothesis.internal.constants_ast import is_local_module_file
    except ImportError:  # another Hypothesis version: the kit's files outside its environment
        def is_local_module_file(path: str) -> bool:
            return path.startswith(str(KIT_ROOT)) and "site-packages" not in path
    return sorted(name for name, module in list(sys.modules.items())
                  if isinstance(getattr(module, "__file__", None), str) and is_local_module_file(module.__file__))


def write_profile(path: str, marks: dict[str, float], worker: Worker | None, modules: dict | None = None) -> None:
    """Where one grading's time went, as JSON in ``path``: the grader's CPU seconds (``marks``: when
    grade() began, i.e. interpreter start and the kit's imports; when pytest, Hypothesis and the checks
    were imported; the end), the worker's (as its last answer said), the requests sent to it and
    the student calls they carried (``batched``: in call_many batches, i.e. numerical gradients), and
    how the checks' Hypothesis runs went (``checklib.settings.RUNS``), where each failing check
    first failed (``FIRST_FAILURES``) and the local modules loaded (``modules``: before the checks
    ran, and at the end; ``local_modules``). Never fails a grading."""
    from ..checklib.settings import FIRST_FAILURES, RUNS

    cpu = getattr(worker, "cpu", None)
    data = {"grader_cpu_s": marks, "worker_cpu_s": cpu if isinstance(cpu, (int, float)) else 0.0,
            "requests": getattr(worker, "sent", 0), "student_calls": getattr(worker, "calls_sent", 0),
            "batched_calls": getattr(worker, "batched_calls", 0), "hypothesis": dict(RUNS),
            "first_failures": FIRST_FAILURES, "local_modules": dict(modules or {}, end=local_modules())}
    with contextlib.suppress(OSError):
        Path(path).write_text(json.dumps(data), encoding="utf-8")


def grade(assignment: str, submission_path: Path, output: Path, *, isolation: str | None = None,
          limits: Limits | None = None, call_timeout_s: float | None = None,
          max_examples: int | None = None, budget_s: float | None = None) -> Results:
    """Grade ``submission_path`` for ``assignment`` and write ``output`` (always, whatever happens).

    ``call_timeout_s`` and ``max_examples`` override the manifest's time limit per call and the
    grading profile's Hypothesis examples per check, ``budget_s`` the manifest's time budget of the
    whole grading (the kit's own tests use them to grade faster).

    Raises:
        ManifestError: unknown assignment; SubmissionError: unreadable submission path.
        (Both before anything is written: the grader itself cannot run.)
    """
    marks = {"start": time.process_time()}
    manifest = manifests.load(assignment)
    stage = stage_submission(Path(submission_path), list(manifest.files),
                             accept_numbered_copies=manifest.accept_numbered_copies)
    for name, source in manifest.provided.items():  # provided files: the kit's, next to the student's
        shutil.copyfile(source, stage.folder / name)
    results = Results(manifest.name)
    worker, modules = None, {}
    pinned = contextlib.ExitStack()
    try:
        pin = pinned.enter_context(one_cpu())  # grader and worker take turns: one core for both (cpu.py)
        limits = limits or Limits(call_timeout_s=manifest.call_timeout_s, memory_mb=manifest.memory_mb)
        if call_timeout_s is not None:
            limits = dataclasses.replace(limits, call_timeout_s=call_timeout_s)
        draws_folder = store_folder()  # before the worker: its folder is private like the rest of the kit
        worker = Worker(stage.folder, limits, level=isolation, private_paths=private_paths())
        worker.begin_start()
        with pin.lifted():  # the worker starts on the held core; meanwhile, on any, the grader loads
            from ..runner.collector import run_checks  # the checks' machinery (pytest, Hypothesis)
        marks["imports"] = time.process_time()
        modules = {"before_checks": local_modules()} if os.environ.get(PROFILE_ENV) else {}

        draws = DrawStore.of(manifest, draws_folder) if draws_folder is not None else None
        worker.finish_start()
        submission = RemoteSubmission(worker, manifest.functions, stage.present, limits.call_timeout_s,
                                      manifest.cache_functions, manifest.function_timeouts, stage.hints,
                                      budget_s=manifest.budget_s if budget_s is None else budget_s)
        stop_on_sigterm(submission)
        reference = reference_submission(manifest)
        collector = run_checks(manifest, submission, reference, results, max_examples=max_examples, draws=draws)
        if draws is not None:
            draws.save()
        isolation_used = worker.level
        lines = [results.visible_summary(manifest.title)]
        lines += [f"Note: {n}" for n in stage.notes]
        lines.append(f"Your code ran in {ISOLATION_TEXT.get(isolation_used, isolation_used)}.")
        results.output = "\n".join(lines)
        results.extra.update(isolation=isolation_used, kit_version=__version__,
                             missing_files=sorted(set(manifest.files) - stage.present))
        if call_timeout_s is not None or max_examples is not None or budget_s is not None:
            results.extra["overrides"] = {"call_timeout_s": call_timeout_s, "max_examples": max_examples}
            if budget_s is not None:
                results.extra["overrides"]["budget_s"] = budget_s
        if collector.errors:
            results.extra["grader_error"] = "\n".join(collector.errors)[-20000:]
        if not results.tests:
            results = grader_failure(manifest.name, "no checks ran", "\n".join(collector.errors))
    except BaseException as exc:  # the grader's own failure: still write a valid results.json
        results = grader_failure(manifest.name, f"the grader failed: {type(exc).__name__}",
                                 traceback.format_exc())
        if not isinstance(exc, Exception):
            results.write(output)
            raise
    finally:
        if worker is not None:
            worker.close()
        pinned.close()
        with contextlib.suppress(Exception):  # e.g. RecursionError on a folder nested very deep
            shutil.rmtree(stage.folder, ignore_errors=True)
    results.write(output)
    if os.environ.get(PROFILE_ENV):
        write_profile(os.environ[PROFILE_ENV], dict(marks, end=time.process_time()), worker, modules)
    return results


def serve() -> int:
    """Grade one submission after another, each in a process forked from this one, which has paid the
    imports (numpy, pytest, Hypothesis, the kit) once: the batch grader's warm grader
    (``python -m autograder grade-server``). Each grading is still a process of its own, with its own
    sandboxed worker, started from what ``python -m autograder grade`` has loaded at that point (this
    module holds the loop so that both load the same local modules: Hypothesis draws from their
    constants).

    Protocol, one JSON object per line: request ``{"argv": [...], "log": path}`` (``argv``: the
    arguments after ``python -m autograder``, i.e. a ``grade`` command; the grading's stdout and stderr
    go to the file ``log``) -> ``{"pid": n}`` at once, then ``{"exit": code}`` when it has ended
    (negative: killed by that signal). The grading leads its own process group (stop it with
    ``os.killpg``) and dies with this process. Returns (0) when its input ends.
    """
    from ..runner import collector  # noqa: F401  the checks' machinery, loaded once for every grading
    from .sandbox import _die_with_parent

    arm = _die_with_parent()  # for each grading: SIGKILL when this process dies
    requests, replies = sys.stdin.buffer, sys.stdout.buffer
    for line in iter(requests.readline, b""):
        request = json.loads(line)
        pid = os.fork()
        if pid == 0:  # pragma: no cover - the forked grading (its results are what the tests check)
            _forked_grading(request["argv"], request["log"], arm)
        replies.write(json.dumps({"pid": pid}).encode() + b"\n")
        replies.flush()
        _, status = os.waitpid(pid, 0)
        replies.write(json.dumps({"exit": os.waitstatus_to_exitcode(status)}).encode() + b"\n")
        replies.flush()
    return 0


def _forked_grading(argv: list[str], log: str, die_with_server) -> None:  # pragma: no cover - the forked child
    """The child of ``serve``: its own session, dying with ``serve`` (``die_with_server()``), output to
    ``log``; runs ``argv`` as ``python -m autograder`` would and exits with its status (never returns)."""
    code = 1
    try:
        os.setsid()
        die_with_server()
        out = os.open(log, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        null = os.open(os.devnull, os.O_RDONLY)
        os.dup2(null, 0)  # the server's request pipe: not this grading's
        os.dup2(out, 1)  # the server's reply pipe, likewise
        os.dup2(out, 2)
        os.close(null)
        os.close(out)
        from ..cli import main

        code = main(argv)
    except SystemExit as stop:
        code = stop.code if isinstance(stop.code, int) else 1
    except BaseException:
        traceback.print_exc()
    finally:
        with contextlib.suppress(Exception):
            sys.stdout.flush()
            sys.stderr.flush()
        os._exit(code)
