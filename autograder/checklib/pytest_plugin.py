"""The pytest side of the checks: fixtures, the Hypothesis profile and readable failure reports.

Fixtures a check can ask for:
- ``student``: the submission under test (in the grader: a proxy to the sandboxed worker; for a
  student: their files imported directly, from the folder holding ``manifest.toml``).
- ``reference``: the trusted reference solutions (grader and kit only; hidden checks use it).
- ``expected``: the reference's outputs on the public worked examples (``expected.npz`` next to
  the check file).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from .. import manifest as manifests
from . import settings as check_settings
from .feedback import describe
from .local import LocalSubmission
from .registry import info_of
from .sealed import SEALS, SEAL_KEY

SUBMISSION = pytest.StashKey[object]()
REFERENCE = pytest.StashKey[object]()


def pytest_configure(config) -> None:
    check_settings.load()


def student_submission(folder: Path) -> LocalSubmission:
    """The student's files in ``folder`` (or its parent) as the manifest there names them, each call
    limited to the manifest's time limit, as in the grader."""
    for candidate in (folder / "manifest.toml", folder.parent / "manifest.toml"):
        if candidate.is_file():
            manifest = manifests.load_file(candidate)
            return LocalSubmission(candidate.parent, manifest.functions, timeout_s=manifest.call_timeout_s,
                                   function_timeouts=manifest.function_timeouts)
    raise pytest.UsageError(f"no manifest.toml in {folder}: run the checks from your assignment folder")


@pytest.fixture(scope="session")
def student(request):
    submission = request.config.stash.get(SUBMISSION, None)
    if submission is None:
        submission = student_submission(Path(request.config.rootpath))
        request.config.stash[SUBMISSION] = submission
    return submission


@pytest.fixture(scope="session")
def reference(request):
    ref = request.config.stash.get(REFERENCE, None)
    if ref is None:
        pytest.skip("this check needs the reference solutions, which only the grader has")
    return ref


_EXPECTED_CACHE: dict[Path, dict] = {}
SCALAR = "#float"  # key suffix of outputs that are Python floats (stored as 0-d arrays)


def read_expected(path: Path) -> dict:
    """Example name -> {output name -> array or float} from an ``expected.npz``; under ``SEALS``,
    example name -> its sealed twin {"seed", "fingerprint", "steps": {output -> step}}."""
    table: dict = {SEALS: {}}
    with np.load(path, allow_pickle=False) as data:
        for key in data.files:
            example, output = key.split("/", 1)
            value = data[key]
            if output.startswith(SEAL_KEY):
                sealed = table[SEALS].setdefault(example, {"steps": {}})
                part = output.removeprefix(SEAL_KEY)
                if part.startswith("step."):
                    sealed["steps"][part.removeprefix("step.")] = float(value)
                else:
                    sealed[part] = int(value) if part == "seed" else str(value)
                continue
            if output.endswith(SCALAR):
                output, value = output.removesuffix(SCALAR), float(value)
            table.setdefault(example, {})[output] = value
    return table


@pytest.fixture
def expected(request) -> dict:
    """Name of a worked example -> {output name -> expected array or float}."""
    path = Path(request.node.path).parent / "expected.npz"
    if path not in _EXPECTED_CACHE:
        if not path.is_file():
            pytest.fail(f"{path.name} is missing next to the checks (the kit builds it from the reference)")
        _EXPECTED_CACHE[path] = read_expected(path)
    return _EXPECTED_CACHE[path]


@pytest.fixture(autouse=True)
def _fresh_worker_state(request):
    """Drop cached objects in the worker between checks."""
    submission = request.config.stash.get(SUBMISSION, None)
    if submission is not None:
        submission.reset()
    yield


def item_info(item):
    """(CheckInfo, result name) of a collected test item, or (None, None) if it is not a check."""
    info = info_of(getattr(item, "obj", None))
    if info is None:
        return None, None
    params = dict(item.callspec.params) if hasattr(item, "callspec") else {}
    return info, info.name(item.obj, params)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    if call.when == "call" and report.failed and call.excinfo is not None:
        info, name = item_info(item)
        if info is not None:
            report.longrepr = f"{name}\n{describe(call.excinfo.value, hidden=info.hidden)}"
