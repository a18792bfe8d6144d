"""What otter's check cells print (autograder/student/otter_bridge.py), from hand-made results: one
line when every public check of the function passed, else each failed check with its feedback; and
where the bridge looks for the assignment. Running the checks (a fresh pytest process) is proven in
release/test_dist.py."""

import pytest

from autograder.student import otter_bridge
from autograder.student.otter_bridge import assignment_folder, summary


def _results(*outcomes: tuple[str, bool, str]) -> dict:
    return {"tests": [{"name": name, "score": 1.0 if ok else 0.0, "max_score": 1.0, "output": output}
                      for name, ok, output in outcomes]}


def test_all_passed_is_one_line():
    results = _results(("rnn_forward: worked example", True, "passed"), ("rnn_forward: shapes", True, "passed"))
    assert summary("rnn_forward", results) == "rnn_forward: all public checks passed"


def test_failures_are_listed_with_their_feedback():
    results = _results(("rnn_forward: worked example", False, "rnn_forward: 'h' is wrong in 2 of 6 entries"),
                       ("rnn_forward: shapes", True, "passed"),
                       ("rnn_forward: leaves its arguments unchanged", False, "modified its argument 'x'"))
    assert summary("rnn_forward", results).splitlines() == [
        "rnn_forward: 2 of 3 public checks failed",
        "", "--- rnn_forward: worked example", "rnn_forward: 'h' is wrong in 2 of 6 entries",
        "", "--- rnn_forward: leaves its arguments unchanged", "modified its argument 'x'",
    ]


def test_no_checks_and_errors_are_said_as_such():
    assert summary("gru_forward", {"tests": []}) == "gru_forward: no public checks were found for this function"
    assert summary("gru_forward", {"error": "the checks of gru_forward did not finish within 300 s"}) == \
        "the checks of gru_forward did not finish within 300 s"


def test_the_assignment_folder_is_the_one_holding_the_manifest(tmp_path, monkeypatch):
    (tmp_path / "manifest.toml").write_text('name = "toy"\n')
    assert assignment_folder(tmp_path) == tmp_path.resolve()
    monkeypatch.chdir(tmp_path)
    assert assignment_folder() == tmp_path.resolve()


def test_without_a_manifest_the_bridge_says_where_to_run(tmp_path, monkeypatch):
    # in the kit (no manifest.toml at its top), the unzipped-package fallback finds nothing either
    assert not (otter_bridge.Path(otter_bridge.__file__).resolve().parents[2] / "manifest.toml").exists()
    with pytest.raises(FileNotFoundError, match="no manifest.toml here"):
        assignment_folder(tmp_path)
