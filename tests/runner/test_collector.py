"""The check runner (autograder/runner/collector.py) in this process, without the sandbox: the
``sequences`` checks run against submissions imported here (``LocalSubmission``, as a student's
``python -m autograder check`` does) give one entry per check, full marks to the reference, zero
with "not implemented" feedback to the templates, and a missing file costs only its own checks.
The same runs through the real sandboxed grader are in grading/test_grade.py."""

import shutil

import pytest
from hypothesis import settings

from autograder import manifest as manifests
from autograder.checklib.local import LocalSubmission
from autograder.grading.grade import reference_submission
from autograder.runner.collector import run_checks
from autograder.runner.results import Results

ASSIGNMENT = "sequences"
MAX_EXAMPLES = 2  # the in-process path, not the checks' strength (the slow tier grades with the full profile)


@pytest.fixture(scope="module")
def manifest():
    return manifests.load(ASSIGNMENT)


@pytest.fixture(scope="module")
def run(manifest):
    """``run(folder, name)``: the Results of the checks against the files in ``folder``."""
    done = {}

    def run_one(folder, name):
        if name not in done:
            results = Results(manifest.name)
            submission = LocalSubmission(folder, manifest.functions, prefix=f"_collector_{name}_")
            collector = run_checks(manifest, submission, reference_submission(manifest), results,
                                   max_examples=MAX_EXAMPLES)
            done[name] = (results, collector)
        return done[name]

    yield run_one
    settings.load_profile("kit")  # the checks' plugin made the grading profile the active one


def _check_count(manifest) -> int:
    """How many ``@check`` declarations the check files hold (parametrized ones count once)."""
    return sum(p.read_text(encoding="utf-8").count("@check(") for p in (*manifest.public_checks,
                                                                        *manifest.hidden_checks))


def test_the_reference_gets_full_marks_with_an_entry_per_check(run, manifest):
    results, collector = run(manifest.solutions, "reference")
    assert collector.errors == []
    assert len(results.tests) >= _check_count(manifest) > 10
    assert len({t.name for t in results.tests}) == len(results.tests)  # names are unique
    assert results.score == results.max_score > 0
    assert all(t.status == "passed" and t.output == "passed" for t in results.tests)
    functions = set(manifest.functions)
    assert {t.name.split(":")[0] for t in results.tests} == functions  # every function is checked


def test_hidden_checks_get_the_manifests_visibility_and_public_ones_are_visible(run, manifest):
    results, _ = run(manifest.solutions, "reference")
    visibilities = {t.visibility for t in results.tests}
    assert visibilities == {"visible", manifest.hidden_visibility}


def test_the_templates_get_zero_with_not_implemented_on_every_check(run, manifest):
    results, collector = run(manifest.templates, "templates")
    reference, _ = run(manifest.solutions, "reference")
    assert collector.errors == []
    assert [t.name for t in results.tests] == [t.name for t in reference.tests]
    assert results.score == 0 and results.max_score == reference.max_score
    assert all("not implemented yet" in t.output and t.kind == "not implemented" for t in results.tests)


@pytest.mark.slow  # over a second of CPU: kept out of the fast tier
def test_a_missing_file_costs_only_its_own_checks(run, manifest, tmp_path_factory):
    partial = tmp_path_factory.mktemp("partial")
    shutil.copy(manifest.solutions / "windowing.py", partial)  # arma.py missing
    results, collector = run(partial, "partial")
    assert collector.errors == []
    for t in results.tests:
        if manifest.functions[t.name.split(":")[0]] == "windowing.py":
            assert t.status == "passed", t
        else:
            assert t.score == 0 and t.kind == "missing file" and "arma.py is missing" in t.output, t


def test_a_failing_check_s_report_is_its_exception_alone(run, manifest, monkeypatch):
    """pytest's report of a failing check carries the exception only, not its traceback (which
    nothing reads: the feedback is made from the exception; that it is unchanged is what
    ``python -m autograder.devtools.snapshot compare`` shows)."""
    from autograder.runner import collector as collector_module

    reports = []
    real = collector_module._exception_only
    monkeypatch.setattr(collector_module, "_exception_only", lambda excinfo: reports.append(real(excinfo)) or reports[-1])
    results, _ = run(manifest.templates, "templates-reports")
    failed = [t for t in results.tests if t.status == "failed"]
    assert failed and len(reports) == len(failed)
    assert all("Traceback" not in r and "NotImplemented" in r.splitlines()[0] for r in reports)
