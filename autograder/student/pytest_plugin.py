"""What ``pytest`` adds in a student's assignment folder (enabled by the folder's ``conftest.py``).

- Results named and scored exactly as the grader names and scores its public checks (the same
  ``runner.collector.Collector`` turns pytest outcomes into results), printed as a table after the run.
- ``--function NAME`` (repeatable): run only the checks of that function (otter's check cells use it).
- ``--results PATH``: also write those results as JSON, in Gradescope's format.

Does nothing when the grader or ``python -m autograder check`` drives pytest (they bring their own
collector).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from .. import manifest as manifests
from ..checklib.local import LocalSubmission
from ..runner.collector import Collector, keep_checks_of
from ..runner.report import check_report
from ..runner.results import Results

OURS = "autograder-student-collector"


def pytest_addoption(parser) -> None:
    group = parser.getgroup("autograder", "assignment checks")
    group.addoption("--function", action="append", default=[], metavar="NAME",
                    help="only run the checks of this function (repeatable), e.g. --function rnn_step_forward")
    group.addoption("--results", default=None, metavar="PATH",
                    help="also write the checks' results to PATH as JSON (Gradescope's format)")


def _student_manifest(config) -> manifests.Manifest:
    path = Path(config.rootpath) / "manifest.toml"
    if not path.is_file():
        raise pytest.UsageError(f"no manifest.toml in {config.rootpath}: run pytest from your assignment folder")
    return manifests.load_file(path)


def pytest_configure(config) -> None:
    if any(isinstance(p, Collector) for p in config.pluginmanager.get_plugins()):
        return  # the grader or `python -m autograder check` is collecting results itself
    manifest = _student_manifest(config)
    unknown = sorted(set(config.getoption("function")) - set(manifest.functions))
    if unknown:
        raise pytest.UsageError(f"--function: unknown function(s) {', '.join(unknown)}; "
                                f"this assignment has: {', '.join(manifest.functions)}")
    submission = LocalSubmission(Path(config.rootpath), manifest.functions, timeout_s=manifest.call_timeout_s,
                                 function_timeouts=manifest.function_timeouts)
    collector = Collector(Results(manifest.name), manifest, submission, None)
    config.pluginmanager.register(collector, OURS)


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(session, config, items) -> None:
    """Keep only the checks of the ``--function`` functions (before the collector lists them)."""
    keep_checks_of(set(config.getoption("function")), config, items)


def _collector(config) -> Collector | None:
    return config.pluginmanager.get_plugin(OURS)


def pytest_terminal_summary(terminalreporter, exitstatus, config) -> None:
    collector = _collector(config)
    if collector is None or not collector.results.tests:
        return
    terminalreporter.section("checks, as the grader names and scores them (public checks only)")
    terminalreporter.write_line(check_report(collector.results, verbose_failures=False))


def pytest_unconfigure(config) -> None:
    collector = _collector(config)
    path = config.getoption("results", None)
    if collector is not None and path:
        collector.results.write(Path(path))
