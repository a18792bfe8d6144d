"""Hints of the sequences assignment (issue 12, item 2): the variants of ``assignments/sequences/hidden/
variants_sequences.py`` still apply to the reference, and the reference's mutated copies (the mutation
suite's bug folders, imported here) are hinted at their own bug on the hidden checks' generated inputs;
the correct alternatives fail nothing, and the stub gets no hint."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings

from autograder import manifest as manifests
from autograder.checklib.compare import CheckFailure
from autograder.checklib.local import LocalSubmission

import test_sequences_hidden as hidden
import variants_sequences as vs

MANIFEST = manifests.load("sequences")
REFERENCE = LocalSubmission(MANIFEST.solutions, MANIFEST.functions, prefix="_diagnosis_seq_reference_")
CASES_PER_REGIME = 8
_CASES: dict = {}


def cases(key) -> list:
    """A fixed list of generated inputs of one hidden regime (derandomized, drawn once)."""
    if key not in _CASES:
        drawn = []

        @settings(max_examples=CASES_PER_REGIME, derandomize=True, database=None, deadline=None,
                  suppress_health_check=list(HealthCheck))
        @given(case=hidden.REGIMES[key])
        def draw(case):
            drawn.append(case)

        draw()
        _CASES[key] = drawn
    return _CASES[key]


def diagnosed_failures(folder_name: str) -> list[tuple[str, dict]]:
    student = LocalSubmission(MANIFEST.submissions / folder_name, MANIFEST.functions,
                              prefix=f"_diagnosis_seq_{folder_name.replace('-', '_')}_")
    found = []
    for key in hidden.REGIMES:
        for args, kwargs in cases(key):
            try:
                vs.explained(hidden.matches_reference, student, REFERENCE, key[0], args, kwargs)
            except CheckFailure as failure:
                found.append((f"{key[0]} ({key[1]})", failure.diagnosis))
                break
            except Exception:
                break
    return found


@pytest.mark.parametrize("variant", vs.CATALOGUE, ids=[v.id for v in vs.CATALOGUE])
def test_every_variant_applies(variant):
    assert vs.build(variant) is not None, f"{variant.id}: a patch no longer applies exactly once to {variant.file}"


BUGS = [v.id for v in vs.CATALOGUE if (MANIFEST.submissions / v.id).is_dir()]


@pytest.mark.parametrize("bug", BUGS)
def test_a_mutated_reference_is_hinted_at_its_own_bug(bug):
    failures = diagnosed_failures(bug)
    assert failures, f"{bug}: no hidden comparison fails on these inputs"
    wrong = [(name, d) for name, d in failures if d.get("hint") != bug and "same_as" not in d]
    assert not wrong, f"{bug}: comparisons without the right hint first: {wrong}"
    assert any(d.get("hint") == bug for _, d in failures) or all("same_as" in d for _, d in failures)


@pytest.mark.parametrize("name", sorted(p.name for p in MANIFEST.submissions.iterdir()
                                        if p.name.startswith("alt-")))
def test_a_correct_alternative_fails_nothing(name):
    assert diagnosed_failures(name) == []


def test_the_stub_gets_no_hint():
    failures = diagnosed_failures("stub-zeros")
    assert failures and not [d for _, d in failures if "hint" in d]


def test_the_runner_puts_the_hint_into_results_json():
    """End to end in this process: the hidden checks through the runner, a failed entry's extra_data."""
    from hypothesis import settings as hypothesis_settings

    from autograder.grading.grade import reference_submission
    from autograder.runner.collector import run_checks
    from autograder.runner.results import Results

    results = Results(MANIFEST.name)
    student = LocalSubmission(MANIFEST.submissions / "ar-lags-reversed", MANIFEST.functions, prefix="_diagnosis_seq_run_")
    try:
        run_checks(MANIFEST, student, reference_submission(MANIFEST), results, check_files=list(MANIFEST.hidden_checks),
                   max_examples=CASES_PER_REGIME)
    finally:
        hypothesis_settings.load_profile("kit")  # the checks' plugin made the grading profile the active one
    tests = results.to_json()["tests"]
    hinted = [t for t in tests if t.get("extra_data", {}).get("hint") == "ar-lags-reversed"]
    assert hinted and all(t["status"] == "failed" and "Hint: your " in t["output"] for t in hinted)
    assert all("extra_data" not in t for t in tests if t["status"] == "passed")
