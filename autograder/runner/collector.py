"""Run check files (pytest + Hypothesis) against a submission into ``Results``: what student tools and
the grader share. Imports no sandbox: the grader (``autograder.grading``) brings the sandboxed
submission, a student's tools bring their own files imported directly.
"""

from __future__ import annotations

import contextlib
import io
import sys
import traceback
import warnings
from pathlib import Path

import pytest
from hypothesis import settings as hypothesis_settings

from .. import manifest as manifests
from ..checklib.feedback import describe, failure_kind
from ..checklib.pytest_plugin import REFERENCE, SUBMISSION, item_info
from ..checklib.settings import FIRST_FAILURES, PROFILE, STORE
from ..paths import KIT_ROOT
from .grouping import group_failures
from .results import CheckResult, Results


def keep_checks_of(functions, config, items: list) -> None:
    """Deselect every collected item that is not a check of one of ``functions`` (a check's function
    is its name up to the first ``:``); none given: keep everything (``--function`` of ``check`` and
    of the student's pytest)."""
    if not functions:
        return
    keep, drop = [], []
    for item in items:
        _, name = item_info(item)
        (keep if name is not None and name.split(":")[0] in functions else drop).append(item)
    if drop:
        config.hook.pytest_deselected(items=drop)
        items[:] = keep


class Collector:
    """pytest plugin that turns check outcomes into ``Results`` entries."""

    def __init__(self, results: Results, manifest: manifests.Manifest, submission, reference,
                 max_examples: int | None = None, draws=None, functions: frozenset = frozenset()):
        self.functions = functions  # only the checks of these functions (none given: every check)
        self.draws = draws
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
        keep_checks_of(self.functions, config, items)
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
            item.repr_failure = _exception_only  # its feedback comes from the exception itself (below)

    def pytest_runtest_setup(self, item) -> None:
        if self.draws is not None:
            self.draws.begin(item.nodeid)

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
                entry.failed(describe(call.excinfo.value, hidden=info.hidden), failure_kind(call.excinfo.value),
                             getattr(call.excinfo.value, "diagnosis", None))
        elif report.failed and call.excinfo is not None:  # setup/teardown problem: a grader error
            entry.failed("the grader could not run this check (staff have the details)", "grader error")
            self.errors.append(f"{item.nodeid} {call.when}: {report.longreprtext[-3000:]}")
        elif report.skipped and call.when == "setup":
            entry.failed("skipped by the grader", "grader error")
            self.errors.append(f"{item.nodeid} skipped: {report.longreprtext[-500:]}")


def _exception_only(excinfo) -> str:
    """The report text of a check that failed: its exception alone. A check's feedback is made from
    the exception itself (``describe``); pytest's traceback of it, which nothing read (every frame's
    source, and Python 3.11's caret positions by parsing each line), took about a fifth of the
    checks' CPU of a submission that fails every check. Setup and teardown errors (grader errors)
    keep their whole traceback."""
    return "".join(traceback.format_exception_only(excinfo.type, excinfo.value))


#: pytest's plugins a check run does without: a report, a cache or a step it does not use, and the
#: per-check work of watching warnings (ignored as a whole instead), log records, unraisable exceptions
#: and threads' exceptions (a few % of a correct recurrent grading's checks CPU, by one interleaved comparison of
#: grader profiles; no repo command repeats it).
UNUSED_PLUGINS = ("cacheprovider", "terminal", "stepwise", "pastebin", "junitxml", "doctest", "setuponly",
                  "setupplan", "warnings", "logging", "unraisableexception", "threadexception")


def run_checks(manifest: manifests.Manifest, submission, reference, results: Results,
               check_files: list[Path] | None = None, max_examples: int | None = None, draws=None,
               functions: frozenset = frozenset()) -> Collector:
    """Run ``check_files`` (default: all of the manifest's) against ``submission`` into ``results``
    (``max_examples`` overrides the grading profile's Hypothesis examples per check; ``draws``, the
    grader's ``DrawStore``, replays and keeps the cases of passing checks between gradings;
    ``functions``: only the checks of these, as ``check --function`` asks)."""
    files = check_files if check_files is not None else [*manifest.public_checks, *manifest.hidden_checks]
    collector = Collector(results, manifest, submission, reference, max_examples, draws, functions)
    for path in (KIT_ROOT, *reversed(manifest.check_dirs)):  # check modules import each other by name
        if str(path) not in sys.path:
            sys.path.insert(0, str(path))
    args = [str(f) for f in files] + [
        "-p", "autograder.checklib.pytest_plugin", "--rootdir", str(manifest.root), "-o", "addopts=",
        "-o", "python_files=test_*.py", "-s",  # stdout and stderr go to ``sink`` (below) as a whole
        *(arg for plugin in UNUSED_PLUGINS for arg in ("-p", f"no:{plugin}")),
    ]
    sink = io.StringIO()
    STORE[0] = draws
    FIRST_FAILURES.clear()  # this grading's
    try:
        with contextlib.redirect_stdout(sink), contextlib.redirect_stderr(sink), warnings.catch_warnings():
            warnings.simplefilter("ignore")  # what pytest's "warnings" plugin did with -W ignore, once
            code = pytest.main(args, plugins=[collector])
    finally:
        STORE[0] = None
    if code not in (pytest.ExitCode.OK, pytest.ExitCode.TESTS_FAILED):
        collector.errors.append(f"pytest exit code {code}: {sink.getvalue()[-3000:]}")
    group_failures(results)
    return collector
