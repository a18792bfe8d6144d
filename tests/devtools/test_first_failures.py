"""Where one grading's time went and where its checks first failed (``grade``'s profile, read by
``make bench`` and ``python -m autograder.devtools.first_failures``)."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest

from autograder import manifest as manifests
from autograder.devtools import first_failures
from autograder.devtools.bench import profile_line, shrunk_failures
from autograder.grading.grade import PROFILE_ENV
from helpers import run_grade


def test_families_keep_the_latest_generated_case_that_first_failed():
    profiles = {
        "a-bug": {"first_failures": {
            "assignments/x/public/test_x.py::test_f[one]": [20, 2, 1, True],  # a worked (first) case
            "assignments/x/public/test_x.py::test_f[two]": [20, 2, 4, True],  # generated case 3
            "assignments/x/hidden/test_h.py::test_g[k]": [10, 0, 9, False],  # no input changes it
        }},
        "b-bug": {"first_failures": {"assignments/x/public/test_x.py::test_f[one]": [20, 2, 2, True]}},
        "reference": {"first_failures": {}},
    }
    families = first_failures.summarize(profiles)
    assert set(families) == {"test_x.py::test_f"}
    f = families["test_x.py::test_f"]
    assert (f.examples, f.failed, f.on_generated, f.latest) == ({20}, 3, 2, 3)
    assert f.where == "a-bug: test_f[two]"
    text = first_failures.report(families, len(profiles))
    assert text.startswith("3 gradings") and "latest first failure: case 3 (a-bug: test_f[two])" in text


def test_shrunk_failures_are_public_checks_failing_on_a_generated_case():
    profile = {"first_failures": {
        "public/test_x.py::test_f[one]": [20, 2, 1, True],  # a worked case: not shrunk
        "public/test_x.py::test_f[two]": [20, 2, 4, True],  # generated case 3: shrunk
        "public/test_x.py::test_f[three]": [20, 0, 0, True],  # generated case 1: shrunk
        "public/test_x.py::test_f[four]": [20, 0, 5, False],  # a timeout: stops at once
        "hidden/test_h.py::test_g[k]": [10, 0, 3, True],  # hidden: never shrunk
    }}
    assert shrunk_failures(profile) == 2
    assert shrunk_failures({"first_failures": {}}) == 0


def test_entries_are_the_reference_the_examples_and_the_class():
    manifest = manifests.load("sequences")
    entries = first_failures.entries("sequences")
    assert entries["reference"] == manifest.solutions
    assert {name.split("/")[0] for name in entries if name != "reference"} == {"submissions", "class"}
    assert {p.parent for name, p in entries.items() if name != "reference"} == {manifest.submissions,
                                                                               manifest.class_folder}
    assert not any(p.name == "expected.toml" for p in entries.values())


@pytest.mark.slow
def test_a_grading_writes_its_profile(tmp_path):
    """The profile: CPU of grader and worker, requests and student calls, Hypothesis's runs, and the
    checks that failed with where they first failed."""
    sign_bug = tmp_path / "sign-bug"
    shutil.copytree(manifests.load("sequences").root / "submissions" / "residual-sign-flipped", sign_bug)
    profile = tmp_path / "profile.json"
    run = run_grade("sequences", sign_bug, tmp_path / "results.json", env={**os.environ, PROFILE_ENV: str(profile)})
    assert run.returncode == 0, run.stderr
    data = json.loads(profile.read_text())
    marks = data["grader_cpu_s"]
    assert 0 < marks["start"] <= marks["imports"] < marks["end"]
    assert data["worker_cpu_s"] > 0 and data["student_calls"] >= data["requests"] // 2 > 0
    assert sum(data["hypothesis"].values()) > 0
    failed = {t["name"] for t in run.results["tests"] if t["score"] < t["max_score"]}
    assert failed and data["first_failures"]
    assert all(n >= 1 and 0 <= index < n + n_first for n, n_first, index, _ in data["first_failures"].values())
    line = profile_line(2.0, data)
    assert line.startswith("profile: wall 2.00 s = grader CPU") and f"{data['student_calls']:,} calls" in line


def test_every_entry_is_graded_with_the_profile_on_and_named(monkeypatch):
    from autograder.devtools import bench

    graded = []

    def fake_grade_once(assignment, submission, output, env=None):
        graded.append(submission)
        Path(env[PROFILE_ENV]).write_text(json.dumps({"first_failures": {}, "entry": submission.name}))
        return 1.0

    monkeypatch.setattr(bench, "grade_once", fake_grade_once)
    profiles = first_failures.profile_all("sequences", jobs=2)
    entries = first_failures.entries("sequences")
    assert sorted(graded) == sorted(entries.values())
    assert profiles["reference"]["entry"] == manifests.load("sequences").solutions.name
    names = set(profiles) - {"reference"}
    assert names and all(n.split("/")[0] in ("submissions", "class") for n in names)
    assert all(profiles[n]["entry"] == entries[n].name for n in names)
