"""results.json (autograder/runner/results.py): entries fail unless they passed, scores add up,
Gradescope's format (top-level score, ``tests`` entries with name, score, max_score, output,
visibility), the grader-failure result, and atomic writes."""

import json
import threading

import pytest

from autograder.runner import results as results_module
from autograder.runner.results import GRADER_ENTRY, CheckResult, Results, grader_failure, write_atomic

GRADESCOPE_TEST_KEYS = {"name", "score", "max_score", "output", "visibility"}


def _results() -> Results:
    r = Results("recurrent", output="Recurrent: 0.3 / 1.6 points.", extra={"isolation": "bwrap"})
    r.tests.append(CheckResult("rnn_forward: matches the reference", 0.1, "visible"))
    r.tests.append(CheckResult("rnn_forward: hidden outputs", 0.2, "after_published"))
    r.tests.append(CheckResult("lstm_forward: matches the reference", 1.3, "visible"))
    r.tests[0].passed()
    r.tests[1].passed()
    r.tests[2].failed("lstm_forward: 'c' is wrong", "wrong value")
    return r


def test_a_check_fails_unless_it_is_marked_passed():
    entry = CheckResult("f: x", 2.0, "visible")
    assert (entry.score, entry.status, entry.kind) == (0.0, "failed", "not run")
    assert entry.output.startswith("not run")
    entry.passed()
    assert (entry.score, entry.status, entry.output, entry.kind) == (2.0, "passed", "passed", "")
    entry.failed("f: 'y' is wrong", "wrong value")
    assert (entry.score, entry.status, entry.output, entry.kind) == (0.0, "failed", "f: 'y' is wrong", "wrong value")


def test_scores_are_the_sums_of_the_entries_rounded():
    r = _results()
    assert r.score == 0.3  # 0.1 + 0.2 = 0.30000000000000004 before rounding
    assert r.max_score == 1.6
    assert Results("x").score == 0 and Results("x").max_score == 0


def test_to_json_is_gradescopes_format():
    data = _results().to_json()
    assert data["score"] == 0.3 and data["output"] == "Recurrent: 0.3 / 1.6 points."
    assert data["visibility"] == "visible" and data["stdout_visibility"] == "hidden"
    assert [t["name"] for t in data["tests"]] == [t.name for t in _results().tests]
    for t in data["tests"]:
        assert GRADESCOPE_TEST_KEYS <= set(t) and "kind" not in t
        assert 0 <= t["score"] <= t["max_score"]
    assert [t["visibility"] for t in data["tests"]] == ["visible", "after_published", "visible"]
    assert [t["status"] for t in data["tests"]] == ["passed", "passed", "failed"]
    assert data["tests"][2]["output"] == "lstm_forward: 'c' is wrong"
    assert abs(data["score"] - sum(t["score"] for t in data["tests"])) < 1e-9
    assert json.loads(json.dumps(data)) == data  # plain JSON


def test_extra_data_has_the_maximum_the_failure_kinds_and_the_extras():
    extra = _results().to_json()["extra_data"]
    assert extra["assignment"] == "recurrent" and extra["max_score"] == 1.6
    assert extra["failure_kinds"] == {"lstm_forward: matches the reference": "wrong value"}  # passed ones have none
    assert extra["isolation"] == "bwrap"


def test_entry_scores_are_rounded_to_four_places():
    r = Results("x")
    r.tests.append(CheckResult("f: x", 1 / 3, "visible"))
    r.tests[0].passed()
    assert r.to_json()["tests"][0]["score"] == 0.3333 and r.score == 0.3333


def test_a_grader_failure_is_one_visible_failed_entry_and_the_details_for_staff_only():
    detail = "Traceback (most recent call last):\n" + "x" * 30000 + "\nRuntimeError: the end"
    data = grader_failure("sequences", "the grader failed: RuntimeError", detail).to_json()
    assert data["score"] == 0
    assert [(t["name"], t["score"], t["max_score"], t["visibility"], t["status"]) for t in data["tests"]] == \
        [(GRADER_ENTRY, 0, 0.0, "visible", "failed")]
    assert data["tests"][0]["output"] == "the grader failed: RuntimeError"
    assert data["extra_data"]["failure_kinds"] == {GRADER_ENTRY: "grader error"}
    assert data["extra_data"]["grader_error"] == detail[-20000:]
    assert data["extra_data"]["grader_error"].endswith("RuntimeError: the end")
    visible = data["output"] + "".join(t["output"] + t["name"] for t in data["tests"])
    assert "Traceback" not in visible and "instructor" in data["output"]


def test_write_puts_the_json_in_place_and_no_temporary_file(tmp_path):
    path = tmp_path / "out" / "results.json"  # the folder is created
    r = _results()
    r.write(path)
    text = path.read_text(encoding="utf-8")
    assert json.loads(text) == r.to_json() and text.endswith("}\n")
    assert sorted(p.name for p in path.parent.iterdir()) == ["results.json"]
    assert path.stat().st_mode & 0o777 == 0o644


def test_write_atomic_replaces_the_file_instead_of_rewriting_it(tmp_path):
    path = tmp_path / "results.json"
    write_atomic(path, "old\n")
    inode = path.stat().st_ino
    write_atomic(path, "new\n")
    assert path.read_text() == "new\n" and path.stat().st_ino != inode  # a new file renamed over the old
    assert [p.name for p in tmp_path.iterdir()] == ["results.json"]


def test_a_reader_never_sees_half_a_file(tmp_path):
    path = tmp_path / "results.json"
    versions = ["a" * (1 << 20), "b" * (1 << 20)]
    write_atomic(path, versions[0])
    seen, stop = set(), threading.Event()

    def read():
        while not stop.is_set():
            seen.add(path.read_text())

    reader = threading.Thread(target=read)
    reader.start()
    try:
        for k in range(40):
            write_atomic(path, versions[k % 2])
    finally:
        stop.set()
        reader.join()
    assert seen and seen <= set(versions)


def test_a_failed_write_leaves_the_old_file_untouched(tmp_path, monkeypatch):
    path = tmp_path / "results.json"
    write_atomic(path, "old\n")

    def fail(*args):
        raise OSError("disk full")

    monkeypatch.setattr(results_module.os, "replace", fail)
    with pytest.raises(OSError, match="disk full"):
        write_atomic(path, "new\n")
    monkeypatch.undo()
    assert path.read_text() == "old\n"


def test_write_atomic_leaves_no_temporary_file_when_it_cannot_write(tmp_path):
    """A folder where the file belongs: the error is raised and no hidden copy stays beside it."""
    (tmp_path / "results.json").mkdir()
    with pytest.raises(OSError):
        write_atomic(tmp_path / "results.json", "{}\n")
    assert [p.name for p in tmp_path.iterdir()] == ["results.json"]
