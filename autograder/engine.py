"""Grade one submission: stage it, start the sandboxed worker, run the checks, write results.json.

    submission --> staging (whitelisted files) --> sandboxed worker (student code only)
               --> trusted checks (pytest + Hypothesis, reference in this process) --> results.json
"""

from __future__ import annotations

import contextlib
import dataclasses
import io
import os
import shutil
import sys
import traceback
from pathlib import Path

import pytest
from hypothesis import settings as hypothesis_settings

from . import __version__
from . import manifest as manifests
from .checklib.feedback import describe, failure_kind
from .checklib.local import LocalSubmission
from .checklib.pytest_plugin import REFERENCE, SUBMISSION, item_info
from .checklib.settings import PROFILE
from .paths import KIT_ROOT, SOLUTIONS
from .remote import RemoteSubmission
from .results import CheckResult, Results, grader_failure
from .sandbox import Limits, Worker
from .staging import stage_submission

ISOLATION_TEXT = {
    "bwrap": "bubblewrap (no network, private filesystem and process view) as an unprivileged user, with rlimits",
    "uid": "a separate unprivileged user with rlimits (bubblewrap unavailable)",
    "process": "a separate process with rlimits only (no bubblewrap, not root)",
}


class Collector:
    """pytest plugin that turns check outcomes into ``Results`` entries."""

    def __init__(self, results: Results, manifest: manifests.Manifest, submission, reference,
                 max_examples: int | None = None):
        self.results = results
        self.manifest = manifest
        self.submission = submission
        self.reference = reference
        self.max_examples = max_examples
        self.entries: dict[str, CheckResult] = {}
        self.errors: list[str] = []

    @pytest.hookimpl(trylast=True)  # after the checks' plugin has loaded the grading profile
    def pytest_configure(self, config) -> None:
        # Python's own traceback format for failures: pytest's default re-parses the source of
        # every frame, which dominates the grading time of a wrong submission.
        config.option.tbstyle = "native"
        config.stash[SUBMISSION] = self.submission
        if self.reference is not None:
            config.stash[REFERENCE] = self.reference
        if self.max_examples is not None:  # the grading profile (no "explain" phase) with fewer examples
            hypothesis_settings.register_profile(PROFILE + "-grading", hypothesis_settings.get_profile(PROFILE),
                                                 max_examples=self.max_examples)
            hypothesis_settings.load_profile(PROFILE + "-grading")

    def pytest_collection_modifyitems(self, session, config, items) -> None:
        hidden_dirs = {p.parent for p in self.manifest.hidden_checks}
        for item in items:
            info, name = item_info(item)
            if info is None:
                continue
            in_hidden = Path(item.path).parent in hidden_dirs
            if info.hidden != in_hidden:
                self.errors.append(f"{item.nodeid}: hidden={info.hidden} but the file is in "
                                   f"{'hidden' if in_hidden else 'public'}/")
            visibility = self.manifest.hidden_visibility if info.hidden else "visible"
            entry = CheckResult(name, info.points, visibility)
            self.entries[item.nodeid] = entry
            self.results.tests.append(entry)

    def pytest_collectreport(self, report) -> None:
        if report.failed:
            self.errors.append(f"collecting {report.nodeid}: {report.longreprtext[-3000:]}")

    @pytest.hookimpl(hookwrapper=True)
    def pytest_runtest_makereport(self, item, call):
        outcome = yield
        report = outcome.get_result()
        entry = self.entries.get(item.nodeid)
        if entry is None:
            return
        info, _ = item_info(item)
        if call.when == "call":
            if report.passed:
                entry.passed()
            elif call.excinfo is not None:
                entry.failed(describe(call.excinfo.value, hidden=info.hidden), failure_kind(call.excinfo.value))
        elif report.failed and call.excinfo is not None:  # setup/teardown problem: a grader error
            entry.failed("the grader could not run this check (staff have the details)", "grader error")
            self.errors.append(f"{item.nodeid} {call.when}: {report.longreprtext[-3000:]}")
        elif report.skipped and call.when == "setup":
            entry.failed("skipped by the grader", "grader error")
            self.errors.append(f"{item.nodeid} skipped: {report.longreprtext[-500:]}")


def run_checks(manifest: manifests.Manifest, submission, reference, results: Results,
               check_files: list[Path] | None = None, max_examples: int | None = None) -> Collector:
    """Run ``check_files`` (default: all of the manifest's) against ``submission`` into ``results``
    (``max_examples`` overrides the grading profile's Hypothesis examples per check)."""
    files = check_files if check_files is not None else [*manifest.public_checks, *manifest.hidden_checks]
    collector = Collector(results, manifest, submission, reference, max_examples)
    if str(KIT_ROOT) not in sys.path:
        sys.path.insert(0, str(KIT_ROOT))
    args = [str(f) for f in files] + [
        "-p", "autograder.checklib.pytest_plugin", "-p", "no:cacheprovider", "-p", "no:terminal",
        "-p", "no:stepwise", "--rootdir", str(manifest.root), "-o", "addopts=", "-o", "python_files=test_*.py",
        "-W", "ignore",
    ]
    sink = io.StringIO()
    with contextlib.redirect_stdout(sink), contextlib.redirect_stderr(sink):
        code = pytest.main(args, plugins=[collector])
    if code not in (pytest.ExitCode.OK, pytest.ExitCode.TESTS_FAILED):
        collector.errors.append(f"pytest exit code {code}: {sink.getvalue()[-3000:]}")
    return collector


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


def grade(assignment: str, submission_path: Path, output: Path, *, isolation: str | None = None,
          limits: Limits | None = None, call_timeout_s: float | None = None,
          max_examples: int | None = None) -> Results:
    """Grade ``submission_path`` for ``assignment`` and write ``output`` (always, whatever happens).

    ``call_timeout_s`` and ``max_examples`` override the manifest's time limit per call and the
    grading profile's Hypothesis examples per check (the kit's own tests use them to grade faster).

    Raises:
        ManifestError: unknown assignment; SubmissionError: unreadable submission path.
        (Both before anything is written: the grader itself cannot run.)
    """
    manifest = manifests.load(assignment)
    stage = stage_submission(Path(submission_path), list(manifest.files))
    results = Results(manifest.name)
    worker = None
    try:
        limits = limits or Limits(call_timeout_s=manifest.call_timeout_s, memory_mb=manifest.memory_mb)
        if call_timeout_s is not None:
            limits = dataclasses.replace(limits, call_timeout_s=call_timeout_s)
        worker = Worker(stage.folder, limits, level=isolation, private_paths=private_paths())
        worker.start()
        submission = RemoteSubmission(worker, manifest.functions, stage.present, limits.call_timeout_s)
        reference = LocalSubmission(SOLUTIONS, manifest.functions, prefix="_reference_")
        collector = run_checks(manifest, submission, reference, results, max_examples=max_examples)
        isolation_used = worker.level
        lines = [f"{manifest.title}: {results.score:g} / {results.max_score:g} points."]
        lines += [f"Note: {n}" for n in stage.notes]
        lines.append(f"Your code ran in {ISOLATION_TEXT.get(isolation_used, isolation_used)}.")
        results.output = "\n".join(lines)
        results.extra.update(isolation=isolation_used, kit_version=__version__)
        if call_timeout_s is not None or max_examples is not None:
            results.extra["overrides"] = {"call_timeout_s": call_timeout_s, "max_examples": max_examples}
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
        with contextlib.suppress(Exception):  # e.g. RecursionError on a folder nested very deep
            shutil.rmtree(stage.folder, ignore_errors=True)
    results.write(output)
    return results
