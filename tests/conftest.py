"""Shared set-up for the kit's own tests.

- Every assignment's check folders go on ``sys.path`` (their modules import each other by name).
- The Hypothesis profile ``kit``: derandomized like the grader.
- Session fixtures (built on ``tests/helpers.py``): ``grading_pool``, the one background pool for
  gradings that run in parallel, and ``reference_results``, each assignment's reference graded once
  by the real command.
- ``pytest -m "not slow"`` (``make test-fast``) leaves out what starts the real grader, the sandbox
  or other processes, builds distributions or needs seconds of CPU (marker ``slow``, registered in
  ``pytest.ini``); a test without the marker that starts a process fails, saying so.
"""

import os
import subprocess
import sys
import tempfile
import threading

import pytest
from hypothesis import HealthCheck, settings

from autograder import manifest as manifests
from helpers import JOBS, GradingPool, ReferenceResults

# Every assignment's check modules (strategies, examples, check helpers) import each other by name,
# as they do in the grader: make them importable here too.
for _manifest in manifests.load_all():
    for _folder in _manifest.check_dirs:
        if str(_folder) not in sys.path:
            sys.path.append(str(_folder))

# tests/grading/hostile/ and hostile_round_two/ hold hostile submissions (grading/test_hostile*.py build
# and grade them): never collect or import anything there.
collect_ignore = ["grading/hostile", "grading/hostile_round_two"]

# Deterministic like the grader: the same run every time, no example database on disk.
settings.register_profile(
    "kit",
    derandomize=True,
    database=None,
    deadline=None,
    max_examples=int(os.environ.get("KIT_MAX_EXAMPLES", "40")),
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
settings.load_profile("kit")


@pytest.fixture(scope="session")
def grading_pool(tmp_path_factory):
    """The session's background gradings, ``KIT_JOBS`` (default 2) at a time; each one's time and
    score go to ``gradings.log`` in pytest's base temporary folder."""
    pool = GradingPool(JOBS, tmp_path_factory.getbasetemp() / "gradings.log")
    yield pool
    pool.shutdown()


@pytest.fixture(scope="session")
def reference_results(grading_pool, tmp_path_factory):
    """``reference_results[assignment]``: the parsed results.json of ``solutions/<assignment>/`` graded
    by the real command, once per session (``.prefetch(a)`` starts it in the background, ``.raw(a)``
    gives the file's bytes)."""
    return ReferenceResults(grading_pool, tmp_path_factory.mktemp("reference"))


@pytest.fixture
def private_temp(tmp_path_factory, monkeypatch):
    """The temporary directory of this process (``tempfile``), for one test: a fresh folder under
    pytest's, so what the code under test leaves there (a staged folder nobody removes) is not left
    in the system's. Only for code that starts no sandbox: the sandbox's uid cannot reach it."""
    folder = tmp_path_factory.mktemp("temp")
    monkeypatch.setattr(tempfile, "tempdir", str(folder))
    return folder


@pytest.fixture(autouse=True)
def _unmarked_tests_start_no_process(request, monkeypatch):
    """The fast tier's promise, kept: a test not marked ``slow`` may not start a process (from the
    test's own thread; the grading pool's threads serve slow tests' fixtures)."""
    if request.node.get_closest_marker("slow") is None:
        test_thread, start = threading.current_thread(), subprocess.Popen._execute_child

        def refuse(self, args, *rest, **kwargs):
            if threading.current_thread() is test_thread:
                raise AssertionError(f"{request.node.nodeid} started a process ({args!r}): "
                                     "mark it @pytest.mark.slow (see pytest.ini)")
            return start(self, args, *rest, **kwargs)

        monkeypatch.setattr(subprocess.Popen, "_execute_child", refuse)
    yield
